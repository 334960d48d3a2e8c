"""role paths: asking a colleague to confirm an apply step's write-up

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lti_tool.core.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_UTC = lti_tool.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("paths_reflection") as batch:
        batch.add_column(sa.Column("confirmation_asked_of", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("confirmation_asked_at", _UTC, nullable=True))
        batch.add_column(sa.Column("confirmation_declined_at", _UTC, nullable=True))
        batch.add_column(sa.Column("confirmation_note", sa.Text(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk__paths_reflection__confirmation_asked_of__lti_user"),
            "lti_user",
            ["confirmation_asked_of"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(
            batch.f("ix__paths_reflection__tenant_id_confirmation_asked_of"),
            ["tenant_id", "confirmation_asked_of"],
        )


def downgrade() -> None:
    with op.batch_alter_table("paths_reflection") as batch:
        batch.drop_index(batch.f("ix__paths_reflection__tenant_id_confirmation_asked_of"))
        batch.drop_constraint(
            batch.f("fk__paths_reflection__confirmation_asked_of__lti_user"), type_="foreignkey"
        )
        for column in (
            "confirmation_note",
            "confirmation_declined_at",
            "confirmation_asked_at",
            "confirmation_asked_of",
        ):
            batch.drop_column(column)
