"""lti ags nrps: platform tokens, graded resource links (AGS endpoints) and the score outbox,
course roster sources (NRPS), membership changes, and the roster columns of memberships

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 01:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lti_tool.core.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lti_platform_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("scope_key", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=True),
        sa.Column("token_sha256", sa.String(length=64), nullable=True),
        sa.Column("expires_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "refresh_lease_until", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("requests_made", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["lti_registration.id"],
            name=op.f("fk__lti_platform_token__registration_id__lti_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__lti_platform_token")),
        sa.UniqueConstraint(
            "registration_id",
            "scope_key",
            name=op.f("uq__lti_platform_token__registration_id_scope_key"),
        ),
    )
    op.create_table(
        "lti_ags_endpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("resource_link_id", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("lineitems_url", sa.String(length=2048), nullable=True),
        sa.Column("lineitem_url", sa.String(length=2048), nullable=True),
        sa.Column("scopes_json", sa.Text(), nullable=False),
        sa.Column("line_item_url", sa.String(length=2048), nullable=True),
        sa.Column("resolving_until", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("updated_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lti_context.id"],
            name=op.f("fk__lti_ags_endpoint__context_id__lti_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["lti_deployment.id"],
            name=op.f("fk__lti_ags_endpoint__tenant_id__lti_deployment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__lti_ags_endpoint")),
        sa.UniqueConstraint(
            "tenant_id",
            "resource_link_id",
            name=op.f("uq__lti_ags_endpoint__tenant_id_resource_link_id"),
        ),
    )
    with op.batch_alter_table("lti_ags_endpoint", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix__lti_ags_endpoint__context_id"), ["context_id"], unique=False
        )

    op.create_table(
        "lti_membership_change",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("roles_json", sa.Text(), nullable=False),
        sa.Column("changed_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lti_context.id"],
            name=op.f("fk__lti_membership_change__context_id__lti_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["lti_deployment.id"],
            name=op.f("fk__lti_membership_change__tenant_id__lti_deployment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk__lti_membership_change__user_id__lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__lti_membership_change")),
    )
    with op.batch_alter_table("lti_membership_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix__lti_membership_change__context_id_changed_at"),
            ["context_id", "changed_at"],
            unique=False,
        )

    op.create_table(
        "lti_roster_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("memberships_url", sa.String(length=2048), nullable=False),
        sa.Column("synced_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("requested_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("running_until", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("member_count", sa.Integer(), nullable=True),
        sa.Column("updated_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lti_context.id"],
            name=op.f("fk__lti_roster_source__context_id__lti_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["lti_deployment.id"],
            name=op.f("fk__lti_roster_source__tenant_id__lti_deployment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__lti_roster_source")),
        sa.UniqueConstraint("context_id", name=op.f("uq__lti_roster_source__context_id")),
    )
    with op.batch_alter_table("lti_roster_source", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix__lti_roster_source__tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "lti_score_delivery",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("score_given", sa.Float(), nullable=True),
        sa.Column("score_maximum", sa.Float(), nullable=False),
        sa.Column("activity_progress", sa.String(length=16), nullable=False),
        sa.Column("grading_progress", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("timestamp", lti_tool.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_timestamp", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("superseded_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["lti_ags_endpoint.id"],
            name=op.f("fk__lti_score_delivery__endpoint_id__lti_ags_endpoint"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["lti_deployment.id"],
            name=op.f("fk__lti_score_delivery__tenant_id__lti_deployment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk__lti_score_delivery__user_id__lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__lti_score_delivery")),
    )
    with op.batch_alter_table("lti_score_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix__lti_score_delivery__endpoint_id_user_id"),
            ["endpoint_id", "user_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix__lti_score_delivery__next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix__lti_score_delivery__tenant_id_sent_at"),
            ["tenant_id", "sent_at"],
            unique=False,
        )

    with op.batch_alter_table("lti_membership", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=16), server_default="launch", nullable=False)
        )
        batch_op.add_column(
            sa.Column("roster_seen_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("left_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "roles_changed_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("lti_membership", schema=None) as batch_op:
        batch_op.drop_column("roles_changed_at")
        batch_op.drop_column("left_at")
        batch_op.drop_column("roster_seen_at")
        batch_op.drop_column("source")

    with op.batch_alter_table("lti_score_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix__lti_score_delivery__tenant_id_sent_at"))
        batch_op.drop_index(batch_op.f("ix__lti_score_delivery__next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix__lti_score_delivery__endpoint_id_user_id"))

    op.drop_table("lti_score_delivery")
    with op.batch_alter_table("lti_roster_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix__lti_roster_source__tenant_id"))

    op.drop_table("lti_roster_source")
    with op.batch_alter_table("lti_membership_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix__lti_membership_change__context_id_changed_at"))

    op.drop_table("lti_membership_change")
    with op.batch_alter_table("lti_ags_endpoint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix__lti_ags_endpoint__context_id"))

    op.drop_table("lti_ags_endpoint")
    op.drop_table("lti_platform_token")
