"""Reading statements back: one by id, or a page of a filtered query. Always within one tenant.

A statement is returned as it was received joined with what we assigned (``stored``,
``authority``, ...), without parsing either. Voided statements are left out of queries and of
``statementId``; only ``voidedStatementId`` returns them (1.0.3 Communication 2.1.4, XAPI-00162).
Queries run in ``stored`` order (newest first unless ascending), ties broken by row id, and
continue after the last row of the previous page (keyset paging: no OFFSET to grow slow).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select

from lti_tool.core.db import db
from xapi.models import Statement

Position = tuple[dt.datetime, int]  # (stored, row id) of a page's last statement


@dataclass(frozen=True)
class Filters:
    """What a query keeps, as column values (:mod:`xapi.params` reads them from a request)."""

    agent_key: str | None = None
    verb_id: str | None = None
    activity_id: str | None = None
    registration: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclass(frozen=True)
class Found:
    json: str
    stored: dt.datetime


@dataclass(frozen=True)
class Page:
    statements: list[str]  # JSON texts
    next_after: Position | None  # where the next page starts, if there may be one
    latest_stored: dt.datetime | None


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
        select(Statement.id, Statement.stored, Statement.received, Statement.assigned)
        .where(Statement.tenant_id == tenant_id, Statement.voided.is_(False))
        .where(*_conditions(filters))
        .order_by(*(column if ascending else column.desc() for column in order))
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(_beyond(after, ascending))
    rows = db.session.execute(query).all()
    shown = rows[:limit]
    last = (shown[-1].stored, shown[-1].id) if shown and len(rows) > limit else None
    latest = max((row.stored for row in shown), default=None)
    return Page([as_json(row.received, row.assigned) for row in shown], last, latest)


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


def _conditions(filters: Filters) -> list[Any]:
    conditions: list[Any] = []
    if filters.agent_key:
        key = filters.agent_key
        conditions.append(or_(Statement.actor_key == key, Statement.object_agent_key == key))
    for column, value in (
        (Statement.verb_id, filters.verb_id),
        (Statement.activity_id, filters.activity_id),
        (Statement.registration, filters.registration),
    ):
        if value:
            conditions.append(column == value)
    if filters.since:
        conditions.append(Statement.stored > filters.since)  # strictly after (XAPI-00174)
    if filters.until:
        conditions.append(Statement.stored <= filters.until)  # at or before (XAPI-00175)
    return conditions


def _beyond(after: Position, ascending: bool) -> Any:
    stored, row_id = after
    if ascending:
        return or_(
            Statement.stored > stored, and_(Statement.stored == stored, Statement.id > row_id)
        )
    return or_(Statement.stored < stored, and_(Statement.stored == stored, Statement.id < row_id))
