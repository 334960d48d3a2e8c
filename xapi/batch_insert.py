"""Writing one request's statements: one INSERT for the whole batch.

A *row* here is the column values of one ``xapi_statement`` row, as :mod:`xapi.store` prepared
them. :func:`insert` inserts those whose (tenant, statement id) is new and tells, for each
row that went in, whether :mod:`xapi.store` must still mark it voided: an earlier voiding
statement may already point at it (the voiding one may arrive first, 1.0.3 Data 2.3.2.s2.b5).

On PostgreSQL the rows travel as one JSON document that the server unpacks
(``json_to_recordset``): the SQL text is the same for every batch, so psycopg converts it once,
where a multi-row ``VALUES`` grows (and is parsed again) with every batch. (Arrays, one per
column, would be the other way; but psycopg escapes every quote of a text array in Python, and
statements are full of quotes: that cost more than the INSERT itself. JSON is encoded in C.)
A row an earlier voiding statement already points at goes in voided, in the same statement.
Other databases (SQLite, the embedded default) get a portable executemany, one more query for
that voiding question, and an UPDATE from :mod:`xapi.store` when one is voided.

A request that writes nothing but a single statement lets its INSERT commit itself (``alone``):
see :func:`insert`.

Rows go in in statement id order, so that two workers storing overlapping batches lock the
same keys in the same order and cannot deadlock; with ``ON CONFLICT DO NOTHING`` the loser of
a race for one id inserts nothing for it and compares like any re-send.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select, text

from lti_tool.core.db import db, insert_new, run_on_its_own
from xapi.models import Statement

# The columns that differ per row, with their types in the batch document.
_PER_ROW = {
    "statement_id": "text",
    "received": "text",
    "assigned": "text",
    "timestamp": "timestamptz",
    "verb_id": "text",
    "activity_id": "text",
    "actor_key": "text",
    "object_agent_key": "text",
    "registration": "text",
    "voids_id": "text",
    "object_statement_id": "text",
}
_COLUMNS = ", ".join(f'"{name}"' for name in _PER_ROW)
_TYPED = ", ".join(f'"{name}" {kind}' for name, kind in _PER_ROW.items())
_POSTGRESQL = text(
    f"""
    INSERT INTO xapi_statement (tenant_id, stored, voided, {_COLUMNS})
    SELECT :tenant_id, :stored, batch.voids_id IS NULL AND EXISTS (
        SELECT FROM xapi_statement AS voiding
        WHERE voiding.tenant_id = :tenant_id
          AND voiding.voids_id IS NOT NULL
          AND voiding.voids_id = batch.statement_id
    ), {_COLUMNS}
    FROM ROWS FROM (json_to_recordset(CAST(:rows AS json)) AS ({_TYPED})) WITH ORDINALITY
        AS batch({_COLUMNS}, position)
    ORDER BY position
    ON CONFLICT (tenant_id, statement_id) DO NOTHING
    RETURNING statement_id
    """  # noqa: S608  # only our own column names are formatted in; values are bound
)


def insert(tenant_id: int, rows: list[dict[str, Any]], *, alone: bool = False) -> dict[str, bool]:
    """Insert the rows whose ids are new (all of ``tenant_id`` and one ``stored``); for each id
    that went in, whether it must still be marked voided (an earlier voiding statement points
    at it). Flushes, never commits, unless ``alone``: this INSERT is all its caller writes
    before committing, so (on PostgreSQL, outside any transaction) it commits itself."""
    if not rows:
        return {}
    rows = sorted(rows, key=lambda row: row["statement_id"])
    if db.session.get_bind().dialect.name == "postgresql":
        return _insert_document(tenant_id, rows, alone)
    return _insert_many(tenant_id, rows)


def _insert_document(tenant_id: int, rows: list[dict[str, Any]], alone: bool) -> dict[str, bool]:
    # The rows as they are: json_to_recordset reads the columns it names and ignores the rest.
    document = json.dumps(rows, default=_iso, ensure_ascii=False, separators=(",", ":"))
    values = {"tenant_id": tenant_id, "stored": rows[0]["stored"], "rows": document}
    # Alone, outside a transaction, the INSERT commits itself: durable when it returns.
    found = (
        run_on_its_own(_POSTGRESQL, values) if alone else db.session.execute(_POSTGRESQL, values)
    )
    # Voided already, if an earlier voiding statement says so.
    return dict.fromkeys((statement_id for (statement_id,) in found), False)


def _iso(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a column value")


def _insert_many(tenant_id: int, rows: list[dict[str, Any]]) -> dict[str, bool]:
    statement = insert_new(Statement, ["tenant_id", "statement_id"])
    result = db.session.execute(statement.returning(Statement.statement_id), rows)
    inserted = list(result.scalars())
    if not inserted:
        return {}
    voided = set(
        db.session.scalars(
            select(Statement.voids_id).where(
                Statement.tenant_id == tenant_id, Statement.voids_id.in_(inserted)
            )
        )
    )
    return {statement_id: statement_id in voided for statement_id in inserted}
