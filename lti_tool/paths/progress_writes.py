"""Writing what statements prove: evidence and learning time, once per statement.

Both go in with ``INSERT … ON CONFLICT DO NOTHING`` on their per-source unique keys, so the same
statements processed twice (a re-sent batch, a replayed job, a recompute) add nothing; a voided
statement's rows are deleted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert

from lti_tool.core.db import db, insert_new, utcnow
from lti_tool.paths.models import StepEvidence, TimeEntry
from lti_tool.paths.progress_rules import PathRules
from lti_tool.paths.progress_statements import Fact

STATEMENT = "statement"  # the source of evidence and time that a statement gave
_CHUNK = 1000  # rows per INSERT (or per DELETE … IN)
_PG_CHUNK = 10_000  # rows per INSERT … SELECT FROM unnest(…) on PostgreSQL


@dataclass
class Changes:
    """What one run changed: how many rows, and whose progress moved."""

    evidence: int = 0
    time: int = 0
    retracted: int = 0
    users: set[int] = field(default_factory=set)

    def __iadd__(self, other: Changes) -> Changes:
        self.evidence += other.evidence
        self.time += other.time
        self.retracted += other.retracted
        self.users |= other.users
        return self


def rows_for(
    tenant_id: int, facts: Iterable[Fact], rules: Mapping[int, PathRules], *, time: bool = True
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Evidence rows (statements matching a step of their learner's path) and time rows
    (statements of enrolled learners with a duration)."""
    evidence: list[dict[str, Any]] = []
    times: list[dict[str, Any]] = []
    now = utcnow()
    for fact in facts:
        if fact.user_id is None or fact.path_id is None or fact.voided or fact.voids:
            continue
        if (path := rules.get(fact.path_id)) is not None:
            for step in path.steps_for(fact.verb, fact.activity, fact.success, fact.scaled):
                evidence.append(
                    {
                        "tenant_id": tenant_id,
                        "user_id": fact.user_id,
                        "path_id": fact.path_id,
                        "step_key": step,
                        "source": STATEMENT,
                        "source_ref": fact.statement_id,
                        "occurred_at": fact.occurred_at,
                        "recorded_at": now,
                    }
                )
        if time and fact.seconds:
            times.append(
                {
                    "tenant_id": tenant_id,
                    "user_id": fact.user_id,
                    "source": STATEMENT,
                    "source_ref": fact.statement_id,
                    "seconds": fact.seconds,
                    "occurred_at": fact.occurred_at,
                    "note": "",
                }
            )
    return evidence, times


def add(evidence: list[dict[str, Any]], times: list[dict[str, Any]]) -> Changes:
    """Insert what is new; the users whose evidence or time grew."""
    changes = Changes()
    keys = ["tenant_id", "user_id", "path_id", "step_key", "source", "source_ref"]
    for user_id in _insert_new(StepEvidence, keys, evidence):
        changes.evidence += 1
        changes.users.add(user_id)
    for user_id in _insert_new(TimeEntry, ["tenant_id", "user_id", "source", "source_ref"], times):
        changes.time += 1
        changes.users.add(user_id)
    return changes


def _insert_new(model: Any, keys: list[str], rows: list[dict[str, Any]]) -> list[int]:
    """``INSERT … ON CONFLICT (keys) DO NOTHING``; the user id of each row that went in.

    On PostgreSQL the rows travel as one array per column (``unnest``): a short statement however
    many rows, where a multi-row VALUES list would have the driver parse tens of kilobytes of SQL
    per chunk (most of a recompute's time, measured)."""
    added: list[int] = []
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    for chunk in _chunks(rows, _PG_CHUNK if postgresql else _CHUNK):
        if postgresql:
            added += db.session.execute(_unnest_insert(model, keys, chunk)).scalars()
        else:
            insert = insert_new(model, keys).returning(model.user_id)
            added += db.session.execute(insert, list(chunk)).scalars()
    return added


def _unnest_insert(model: Any, keys: list[str], rows: Sequence[dict[str, Any]]) -> Any:
    table = model.__table__
    names = list(rows[0])
    arrays = [
        bindparam(f"rows_{name}", [row[name] for row in rows], type_=ARRAY(table.c[name].type))
        for name in names
    ]
    source = func.unnest(*arrays).table_valued(*names).render_derived()
    return (
        postgresql_insert(table)
        .from_select(names, select(*(source.c[name] for name in names)))
        .on_conflict_do_nothing(index_elements=keys)
        .returning(table.c.user_id)
    )


def retract(tenant_id: int, statement_ids: Collection[str]) -> Changes:
    """Delete the evidence and time these (voided) statements gave."""
    changes = Changes()
    for chunk in _chunks(sorted(statement_ids), _CHUNK):
        for model in (StepEvidence, TimeEntry):
            gone = db.session.execute(
                delete(model)
                .where(
                    model.tenant_id == tenant_id,
                    model.source == STATEMENT,
                    model.source_ref.in_(chunk),
                )
                .returning(model.user_id)
            ).scalars()
            for user_id in gone:
                changes.retracted += 1
                changes.users.add(user_id)
    return changes


def _chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
