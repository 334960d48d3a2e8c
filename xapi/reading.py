"""Reading statements back: one by id, or a page of a filtered query. Always within one tenant.

A statement is returned as it was received joined with what we assigned (``stored``,
``authority``, ...), without parsing either. Voided statements are left out of queries and of
``statementId``; only ``voidedStatementId`` returns them (1.0.3 Communication 2.1.4, XAPI-00162).
Queries run in ``stored`` order (newest first unless ascending), ties broken by row id, and
continue after the last row of the previous page (keyset paging: no OFFSET to grow slow).

The filters (1.0.3 Communication 2.1.3; 2.0 §4.1.6.1), as SQL in :mod:`xapi.filters` (which
also defines :class:`Filters`):

- ``agent``: the actor or the object, or a member of a Group there (:mod:`xapi.related`); with
  ``related_agents`` also the authority, instructor, team, context agents and groups, and the
  same inside a SubStatement. The authority is always an account of this LearnLoop
  (:func:`xapi.auth.authority`, :func:`xapi.intake.sender`), found in ``assigned`` as text.
- ``activity``: the object; with ``related_activities`` also the context activities and the
  object and context activities of a SubStatement. Those are not indexed (most statements
  have context activities, and indexing them would slow every insert for a rarely asked
  query): candidates are the statements whose text holds ``"id":"<the IRI>"``, and each is
  checked before it counts. Such a query reads through the tenant's statements until it has
  a page, so it is slower than the others.
- ``verb``, ``registration``: exact; ``since``/``until``: ``stored`` strictly after / at or
  before.

StatementRefs (Communication 2.1.3, "Filter Conditions for StatementRefs"): a statement whose
object is a StatementRef also meets the filters other than ``since``/``until`` when the
statement it targets meets them, or one that target refers on to, and so on. All those filters
must be met by one statement of the chain (as ADL's LRS and lrsql read the rule): "Andrew
confirmed <Ben passed>" is found by ``agent=Ben`` and by ``verb=passed``, not by both
``agent=Ben`` and ``verb=confirmed``. ``since``, ``until`` and the page apply to the statement
returned. A StatementRef in ``context.statement`` is not followed. Targets are looked up in the
same tenant only; one not stored (yet) meets nothing. A voided target still counts, so what
targets it, the voiding statement included, is returned; the voided one itself is not
(2.1.4.s1.b2). A page is thus two queries merged in ``stored`` order: the statements that meet
the filters themselves, and those that meet them through their StatementRef.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import and_, or_, select

from lti_tool.core.db import db
from xapi.filters import Filters, among, content, mentions_activity, referring, times
from xapi.models import Statement

Position = tuple[dt.datetime, int]  # (stored, row id) of a page's last statement
_CHUNK = 200  # candidate rows read at a time when each must be checked


@dataclass(frozen=True)
class Found:
    json: str
    stored: dt.datetime


@dataclass(frozen=True)
class Page:
    statements: list[str]  # JSON texts
    next_after: Position | None  # where the next page starts, if there may be one
    latest_stored: dt.datetime | None
    positions: list[Position]  # of each statement: a caller may end the page earlier


def as_json(received: str, assigned: str) -> str:
    """Both are compact JSON objects with no key in common: join them as text."""
    return received[:-1] + "," + assigned[1:]


def find(tenant_id: int, statement_id: str, *, voided: bool) -> Found | None:
    row = db.session.execute(
        select(Statement.received, Statement.assigned, Statement.stored).where(
            Statement.tenant_id == tenant_id,
            Statement.statement_id == statement_id,
            Statement.voided.is_(voided),
        )
    ).one_or_none()
    return Found(as_json(row.received, row.assigned), row.stored) if row else None


def page(
    tenant_id: int, filters: Filters, *, ascending: bool, limit: int, after: Position | None
) -> Page:
    rows = list(islice(_matching(tenant_id, filters, ascending, after, limit + 1), limit + 1))
    shown = rows[:limit]
    positions = [(row.stored, row.id) for row in shown]
    last = positions[-1] if shown and len(rows) > limit else None
    latest = max((row.stored for row in shown), default=None)
    return Page([as_json(row.received, row.assigned) for row in shown], last, latest, positions)


def _matching(
    tenant_id: int, filters: Filters, ascending: bool, after: Position | None, wanted: int
) -> Iterator[Any]:
    """The rows of the query after ``after``, in order, read ``wanted`` at a time (or
    :data:`_CHUNK` at a time when the SQL over-selects and each row must be checked).

    Two queries, merged: the statements that meet the filters themselves, and those that meet
    them through their StatementRef. Each is planned on its own (as one query with an OR, the
    agent filter's index lookups gave way to a walk through the tenant's statements). A
    statement in both comes once: the merge puts its two copies side by side.
    """
    iri = _over_selected(filters)
    chunk = _CHUNK if iri else wanted
    itself = content(tenant_id, filters, Statement)
    sources = [_tagged(_keyset(_select(tenant_id, filters, *itself), ascending, after, chunk))]
    if itself:  # without filters, every statement is in the first query already
        through_refs = _select(
            tenant_id,
            filters,
            Statement.object_statement_id.is_not(None),
            among(Statement.statement_id, referring(tenant_id, filters)),
        )
        sources.append(_tagged(_keyset(through_refs, ascending, after, chunk), via_ref=True))
    merged = heapq.merge(*sources, key=lambda item: _position(item[0]), reverse=not ascending)
    last = None
    for row, via_ref in merged:
        if row.id == last:
            continue
        if iri is None or _really_matches(tenant_id, filters, iri, row, via_ref):
            last = row.id
            yield row


def _over_selected(filters: Filters) -> str | None:
    """The activity to check each row for in Python, when the SQL over-selects
    (``related_activities``)."""
    return filters.activity_id if filters.related_activities else None


def _select(tenant_id: int, filters: Filters, *conditions: Any) -> Any:
    """The columns of the statements of a page, within the tenant and ``since``/``until``."""
    return select(
        Statement.id,
        Statement.stored,
        Statement.received,
        Statement.assigned,
        Statement.activity_id,
        Statement.object_statement_id,
    ).where(
        Statement.tenant_id == tenant_id,
        Statement.voided.is_(False),
        *times(filters),
        *conditions,
    )


def _keyset(query: Any, ascending: bool, after: Position | None, chunk: int) -> Iterator[Any]:
    """The rows of ``query`` in ``stored`` order after ``after``, read ``chunk`` at a time."""
    order = (Statement.stored, Statement.id)
    query = query.order_by(*(column if ascending else column.desc() for column in order))
    while True:
        bounded = query.where(_beyond(after, ascending)) if after else query
        rows = db.session.execute(bounded.limit(chunk)).all()
        yield from rows
        if len(rows) < chunk:
            return
        after = _position(rows[-1])


def _tagged(rows: Iterator[Any], *, via_ref: bool = False) -> Iterator[tuple[Any, bool]]:
    return ((row, via_ref) for row in rows)


def _position(row: Any) -> Position:
    return (row.stored, row.id)


def existing_ids(tenant_id: int, statement_ids: Sequence[str]) -> list[str]:
    """Those of ``statement_ids`` stored in this tenant, in the order given."""
    found = set(
        db.session.scalars(
            select(Statement.statement_id).where(
                Statement.tenant_id == tenant_id, Statement.statement_id.in_(statement_ids)
            )
        )
    )
    return [statement_id for statement_id in statement_ids if statement_id in found]


def _really_matches(tenant_id: int, filters: Filters, iri: str, row: Any, via_ref: bool) -> bool:
    """Whether a row the SQL over-selected meets the filters itself or, ``via_ref``, through a
    statement its StatementRef leads to (one query per step: such rows are rare)."""
    if not via_ref:
        return mentions_activity(row, iri)
    seen: set[str] = set()
    target = row.object_statement_id
    while target is not None and target not in seen:
        seen.add(target)
        step = db.session.execute(
            select(
                Statement.received,
                Statement.activity_id,
                Statement.object_statement_id,
                and_(*content(tenant_id, filters, Statement)).label("meets"),
            ).where(Statement.tenant_id == tenant_id, Statement.statement_id == target)
        ).one_or_none()
        if step is None:
            return False
        if step.meets and mentions_activity(step, iri):
            return True
        target = step.object_statement_id
    return False


def _beyond(after: Position, ascending: bool) -> Any:
    stored, row_id = after
    if ascending:
        return or_(
            Statement.stored > stored, and_(Statement.stored == stored, Statement.id > row_id)
        )
    return or_(Statement.stored < stored, and_(Statement.stored == stored, Statement.id < row_id))
