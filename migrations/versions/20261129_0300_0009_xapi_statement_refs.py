"""xapi statement refs: the statement a StatementRef object targets (for the GET filters), an
index for the agent filter's object arm, and the derived rows of statements stored before them

- ``xapi_statement.object_statement_id``, with a partial index (only rows that have one);
- a partial index on ``(tenant_id, object_agent_key)``: the plain ``agent`` filter ORs it
  with the actor and the related agents, and without it PostgreSQL scans the tenant;
- the backfill: statements stored before 0004 have no ``xapi_related_agent`` rows, and none
  has an ``object_statement_id``. Both are derived from ``received`` alone, so the rows are
  rebuilt for every statement, a chunk at a time (keyset over ``id``). The functions that
  derive them are the ones the store uses when it writes a statement; they are pure (no app
  models), and re-running them gives the same rows, so the upgrade can be repeated.

Run it with the app stopped: a statement stored while it runs may get its related rows twice.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 03:00:00
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from xapi.keys import statement_ref_target
from xapi.related import related_keys

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CHUNK = 1000  # statements read, parsed and written at a time

_AGENT_OBJECT = sa.text("object_agent_key IS NOT NULL")
_REFERRING = sa.text("object_statement_id IS NOT NULL")

# The columns the backfill touches, as they are at this revision (not the app's models).
_statement = sa.table(
    "xapi_statement",
    sa.column("id", sa.BigInteger()),
    sa.column("tenant_id", sa.Integer()),
    sa.column("statement_id", sa.String()),
    sa.column("received", sa.Text()),
    sa.column("object_statement_id", sa.String()),
)
_related_agent = sa.table(
    "xapi_related_agent",
    sa.column("tenant_id", sa.Integer()),
    sa.column("statement_id", sa.String()),
    sa.column("agent_key", sa.String()),
    sa.column("related_only", sa.Boolean()),
)


def upgrade() -> None:
    with op.batch_alter_table("xapi_statement") as batch:
        batch.add_column(sa.Column("object_statement_id", sa.String(length=36), nullable=True))
        batch.create_index(
            batch.f("ix__xapi_statement__tenant_id_object_agent_key"),
            ["tenant_id", "object_agent_key"],
            postgresql_where=_AGENT_OBJECT,
            sqlite_where=_AGENT_OBJECT,
        )
        batch.create_index(
            batch.f("ix__xapi_statement__tenant_id_object_statement_id"),
            ["tenant_id", "object_statement_id"],
            postgresql_where=_REFERRING,
            sqlite_where=_REFERRING,
        )
    backfill(op.get_bind())


def backfill(connection: sa.Connection) -> None:
    """Rebuild ``xapi_related_agent`` and set ``object_statement_id`` from ``received``."""
    connection.execute(sa.delete(_related_agent))
    after = 0
    while True:
        rows = connection.execute(
            sa.select(
                _statement.c.id,
                _statement.c.tenant_id,
                _statement.c.statement_id,
                _statement.c.received,
            )
            .where(_statement.c.id > after)
            .order_by(_statement.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        _backfill_chunk(connection, rows)
        after = rows[-1].id


def _backfill_chunk(connection: sa.Connection, rows: list[Any]) -> None:
    related: list[dict[str, Any]] = []
    targets: list[dict[str, Any]] = []
    for row in rows:
        statement = json.loads(row.received)
        related += [
            {
                "tenant_id": row.tenant_id,
                "statement_id": row.statement_id,
                "agent_key": key,
                "related_only": related_only,
            }
            for key, related_only in related_keys(statement)
        ]
        if (target := statement_ref_target(statement)) is not None:
            targets.append({"row_id": row.id, "target": target})
    if related:
        connection.execute(sa.insert(_related_agent), related)
    if targets:
        connection.execute(
            sa.update(_statement)
            .where(_statement.c.id == sa.bindparam("row_id"))
            .values(object_statement_id=sa.bindparam("target")),
            targets,
        )


def downgrade() -> None:
    # The related-agent rows stay: 0004's table, and correct for the statements they describe.
    with op.batch_alter_table("xapi_statement") as batch:
        batch.drop_index(
            batch.f("ix__xapi_statement__tenant_id_object_statement_id"),
            postgresql_where=_REFERRING,
            sqlite_where=_REFERRING,
        )
        batch.drop_index(
            batch.f("ix__xapi_statement__tenant_id_object_agent_key"),
            postgresql_where=_AGENT_OBJECT,
            sqlite_where=_AGENT_OBJECT,
        )
        batch.drop_column("object_statement_id")
