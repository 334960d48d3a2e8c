"""xapi connector and emitter: LRS connections (with the pull cursor), the outbox, deliveries

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 23:18:09.826220
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lti_tool.core.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "xapi_lrs_connection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("endpoint", sa.String(length=2000), nullable=False),
        sa.Column("credentials", sa.Text(), nullable=False),
        sa.Column("version", sa.String(length=8), nullable=False),
        sa.Column("pull", sa.Boolean(), nullable=False),
        sa.Column("send", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("pull_since", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("pull_more", sa.Text(), nullable=True),
        sa.Column("walk_high", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("walk_consistent", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_pull_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_pull_error", sa.Text(), nullable=True),
        sa.Column("created_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["lti_deployment.id"],
            name=op.f("fk__xapi_lrs_connection__tenant_id__lti_deployment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__xapi_lrs_connection")),
    )
    with op.batch_alter_table("xapi_lrs_connection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix__xapi_lrs_connection__tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "xapi_outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("created_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["lti_deployment.id"],
            name=op.f("fk__xapi_outbox__tenant_id__lti_deployment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__xapi_outbox")),
        sa.UniqueConstraint(
            "tenant_id", "statement_id", name=op.f("uq__xapi_outbox__tenant_id_statement_id")
        ),
    )
    with op.batch_alter_table("xapi_outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix__xapi_outbox__created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "xapi_delivery",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "outbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["xapi_lrs_connection.id"],
            name=op.f("fk__xapi_delivery__connection_id__xapi_lrs_connection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["xapi_outbox.id"],
            name=op.f("fk__xapi_delivery__outbox_id__xapi_outbox"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__xapi_delivery")),
        sa.UniqueConstraint(
            "outbox_id", "connection_id", name=op.f("uq__xapi_delivery__outbox_id_connection_id")
        ),
    )
    with op.batch_alter_table("xapi_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix__xapi_delivery__connection_id_delivered_at_next_attempt_at"),
            ["connection_id", "delivered_at", "next_attempt_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("xapi_delivery", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix__xapi_delivery__connection_id_delivered_at_next_attempt_at")
        )

    op.drop_table("xapi_delivery")
    with op.batch_alter_table("xapi_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix__xapi_outbox__created_at"))

    op.drop_table("xapi_outbox")
    with op.batch_alter_table("xapi_lrs_connection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix__xapi_lrs_connection__tenant_id"))

    op.drop_table("xapi_lrs_connection")
