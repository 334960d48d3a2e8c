"""xapi attachments and related agents: attachment data once per (tenant, sha2), and the agents a
statement involves besides its actor and object (for the agent filter and related_agents)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 01:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lti_tool.core.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "xapi_attachment",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("sha2", sa.String(length=128), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["lti_deployment.id"],
            name=op.f("fk__xapi_attachment__tenant_id__lti_deployment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__xapi_attachment")),
        sa.UniqueConstraint("tenant_id", "sha2", name=op.f("uq__xapi_attachment__tenant_id_sha2")),
    )

    op.create_table(
        "xapi_related_agent",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("agent_key", sa.String(length=300), nullable=False),
        sa.Column("related_only", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["lti_deployment.id"],
            name=op.f("fk__xapi_related_agent__tenant_id__lti_deployment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__xapi_related_agent")),
    )
    with op.batch_alter_table("xapi_related_agent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix__xapi_related_agent__tenant_id_agent_key"),
            ["tenant_id", "agent_key"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("xapi_related_agent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix__xapi_related_agent__tenant_id_agent_key"))

    op.drop_table("xapi_related_agent")
    op.drop_table("xapi_attachment")
