"""Reading statements back: one by id, or a page of a filtered query. Always within one tenant.

A statement is returned as it was received joined with what we assigned (``stored``,
``authority``, ...), without parsing either. Voided statements are left out of queries and of
``statementId``; only ``voidedStatementId`` returns them (1.0.3 Communication 2.1.4, XAPI-00162).
Queries run in ``stored`` order (newest first unless ascending), ties broken by row id, and
continue after the last row of the previous page (keyset paging: no OFFSET to grow slow).

The filters (1.0.3 Communication 2.1.3; 2.0 §4.1.6.1):

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
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select

from lti_tool.core.db import db
from xapi.jsonbody import dumps
from xapi.keys import indexed, parse
from xapi.models import RelatedAgent, Statement

Position = tuple[dt.datetime, int]  # (stored, row id) of a page's last statement
_CHUNK = 200  # candidate rows read at a time when each must be checked


@dataclass(frozen=True)
class Filters:
    """What a query keeps, as column values (:mod:`xapi.params` reads them from a request)."""

    agent_key: str | None = None
    verb_id: str | None = None
    activity_id: str | None = None  # the IRI as sent
    registration: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    related_agents: bool = False
    related_activities: bool = False


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
    order = (Statement.stored, Statement.id)
    query = (
        select(
            Statement.id,
            Statement.stored,
            Statement.received,
            Statement.assigned,
            Statement.activity_id,
        )
        .where(Statement.tenant_id == tenant_id, Statement.voided.is_(False))
        .where(*_conditions(tenant_id, filters))
        .order_by(*(column if ascending else column.desc() for column in order))
    )
    rows = list(_matching(query, filters, ascending, limit + 1, after))
    shown = rows[:limit]
    positions = [(row.stored, row.id) for row in shown]
    last = positions[-1] if shown and len(rows) > limit else None
    latest = max((row.stored for row in shown), default=None)
    return Page([as_json(row.received, row.assigned) for row in shown], last, latest, positions)


def _matching(
    query: Any, filters: Filters, ascending: bool, wanted: int, after: Position | None
) -> Iterator[Any]:
    """Up to ``wanted`` rows of ``query`` after ``after``; when the SQL over-selects
    (``related_activities``), reading on in chunks and keeping the rows that really match."""
    if not (filters.related_activities and filters.activity_id):
        bounded = query.where(_beyond(after, ascending)) if after else query
        yield from db.session.execute(bounded.limit(wanted))
        return
    found = 0
    while True:
        bounded = query.where(_beyond(after, ascending)) if after else query
        rows = db.session.execute(bounded.limit(_CHUNK)).all()
        for row in rows:
            if _mentions_activity(row, filters.activity_id):
                yield row
                found += 1
                if found == wanted:
                    return
        if len(rows) < _CHUNK:
            return
        after = (rows[-1].stored, rows[-1].id)


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


def _conditions(tenant_id: int, filters: Filters) -> list[Any]:
    conditions: list[Any] = []
    if filters.agent_key:
        conditions.append(_agent(tenant_id, filters.agent_key, filters.related_agents))
    if filters.activity_id:
        conditions.append(_activity(filters.activity_id, filters.related_activities))
    for column, value in (
        (Statement.verb_id, filters.verb_id),
        (Statement.registration, filters.registration),
    ):
        if value:
            conditions.append(column == value)
    if filters.since:
        conditions.append(Statement.stored > filters.since)  # strictly after (XAPI-00174)
    if filters.until:
        conditions.append(Statement.stored <= filters.until)  # at or before (XAPI-00175)
    return conditions


def _agent(tenant_id: int, key: str, related: bool) -> Any:
    rows = select(RelatedAgent.statement_id).where(
        RelatedAgent.tenant_id == tenant_id, RelatedAgent.agent_key == key
    )
    if not related:
        rows = rows.where(RelatedAgent.related_only.is_(False))
    found = [
        Statement.actor_key == key,
        Statement.object_agent_key == key,
        Statement.statement_id.in_(rows),
    ]
    if related and (authority := _authority_text(key)):
        # LIKE: case-sensitive on PostgreSQL; SQLite's ignores ASCII case, a near miss we accept
        # on the embedded database.
        found.append(Statement.assigned.contains(authority, autoescape=True))
    return or_(*found)


def _authority_text(key: str) -> str | None:
    """How ``assigned`` holds the authority whose actor key is ``key``, if it can be one."""
    ifi, home_page, name = parse(key)
    if ifi != "account":
        return None
    authority = {"objectType": "Agent", "account": {"homePage": home_page, "name": name}}
    return '"authority":' + dumps(authority)


def _activity(iri: str, related: bool) -> Any:
    exact = Statement.activity_id == indexed(iri)
    if not related:
        return exact
    return or_(exact, Statement.received.contains('"id":' + dumps(iri), autoescape=True))


def _mentions_activity(row: Any, iri: str) -> bool:
    if row.activity_id == indexed(iri):
        return True
    return iri in _activity_ids(json.loads(row.received))


def _activity_ids(part: dict[str, Any]) -> Iterator[str]:
    """The ids of a statement's object Activity and context activities, and its SubStatement's."""
    target = part["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        yield target["id"]
    for found in part.get("context", {}).get("contextActivities", {}).values():
        for activity in found if isinstance(found, list) else [found]:
            yield activity["id"]
    if kind == "SubStatement":
        yield from _activity_ids(target)


def _beyond(after: Position, ascending: bool) -> Any:
    stored, row_id = after
    if ascending:
        return or_(
            Statement.stored > stored, and_(Statement.stored == stored, Statement.id > row_id)
        )
    return or_(Statement.stored < stored, and_(Statement.stored == stored, Statement.id < row_id))
