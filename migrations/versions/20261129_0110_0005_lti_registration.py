"""lti registration: how a registration was made (manual or Dynamic Registration), whether it
learns its deployments at first launch, and the operator console's password and login throttle

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 01:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lti_tool.core.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lti_registration", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "registered_via", sa.String(length=16), server_default="manual", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("learns_deployments", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    op.create_table(
        "operator_credential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("session_generation", sa.Integer(), nullable=False),
        sa.Column("changed_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__operator_credential")),
    )
    op.create_table(
        "operator_login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failed_at", lti_tool.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__operator_login_failure")),
    )
    with op.batch_alter_table("operator_login_failure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix__operator_login_failure__client_failed_at"),
            ["client", "failed_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("operator_login_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix__operator_login_failure__client_failed_at"))
    op.drop_table("operator_login_failure")
    op.drop_table("operator_credential")
    with op.batch_alter_table("lti_registration", schema=None) as batch_op:
        batch_op.drop_column("learns_deployments")
        batch_op.drop_column("registered_via")
