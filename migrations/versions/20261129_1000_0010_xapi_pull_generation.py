"""xapi pull generation: a counter on each LRS connection that resetting its pull cursor
raises, so that a pull still walking the old cursor cannot write over the new one

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("xapi_lrs_connection") as batch:
        batch.add_column(
            sa.Column("pull_generation", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("xapi_lrs_connection") as batch:
        batch.drop_column("pull_generation")
