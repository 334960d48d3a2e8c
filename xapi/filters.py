"""The filters of ``GET statements`` as SQL conditions on ``xapi_statement`` (what each filter
means, and how StatementRefs are followed, is told in :mod:`xapi.reading`).

- :func:`content`: what ``agent``, ``verb``, ``activity`` and ``registration`` (with
  ``related_agents``/``related_activities``) ask of one statement, in any alias of the table:
  the statement returned, or a statement it targets.
- :func:`times`: what ``since`` and ``until`` ask: only ever of the statement returned.
- :func:`referring`: the ids of the statements whose StatementRef leads, in one or more steps,
  to a statement that meets :func:`content`.

Index use on PostgreSQL: the ``agent`` filter is an OR of the actor, the object and the
related agents, and PostgreSQL can look those up together (a Bitmap OR of three indexes) only
if each is an index condition: the related agents' statement ids go in as one array
(:func:`among`), since an ``IN (subquery)`` inside an OR is a filter run on every row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, and_, any_, cast, func, or_, select
from sqlalchemy.orm import aliased

from lti_tool.core.db import db
from xapi.jsonbody import dumps
from xapi.keys import indexed, parse
from xapi.models import RelatedAgent, Statement


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


def content(tenant_id: int, filters: Filters, table: Any) -> list[Any]:
    """What the filters other than ``since``/``until`` ask of one statement in ``table``.

    With ``related_activities`` the activity condition over-selects (see :mod:`xapi.reading`):
    check what it keeps with :func:`mentions_activity`.
    """
    conditions: list[Any] = []
    if filters.agent_key:
        conditions.append(_agent(tenant_id, filters.agent_key, filters.related_agents, table))
    if filters.activity_id:
        conditions.append(_activity(filters.activity_id, filters.related_activities, table))
    for column, value in (
        (table.verb_id, filters.verb_id),
        (table.registration, filters.registration),
    ):
        if value:
            conditions.append(column == value)
    return conditions


def times(filters: Filters, table: Any = Statement) -> list[Any]:
    """``since`` and ``until`` of the statement in ``table``."""
    conditions: list[Any] = []
    if filters.since:
        conditions.append(table.stored > filters.since)  # strictly after (XAPI-00174)
    if filters.until:
        conditions.append(table.stored <= filters.until)  # at or before (XAPI-00175)
    return conditions


def referring(tenant_id: int, filters: Filters) -> Any:
    """The ids of the tenant's statements, stored within ``since``/``until`` and not voided,
    whose object is a StatementRef to a statement that meets :func:`content`, or to one that
    refers on to such a statement, and so on: a recursive CTE of (origin, target) pairs.

    The chains start from the tenant's referring statements (a partial index finds them; they
    are few next to the others), not from the statements that meet the filters (which may be
    most of the tenant's). ``UNION`` drops a pair already seen, so a cycle of references ends.
    A target may be voided: what targets it still counts (Communication 2.1.4.s1.b2).
    """
    start = aliased(Statement, name="referring")
    chain = (
        select(start.statement_id.label("origin"), start.object_statement_id.label("target"))
        .where(
            start.tenant_id == tenant_id,
            start.object_statement_id.is_not(None),
            start.voided.is_(False),
            *times(filters, start),
        )
        .cte("statement_ref_chain", recursive=True)
    )
    hop = aliased(Statement, name="hop")
    chain = chain.union(
        select(chain.c.origin, hop.object_statement_id)
        .join(hop, and_(hop.tenant_id == tenant_id, hop.statement_id == chain.c.target))
        .where(hop.object_statement_id.is_not(None))
    )
    target = aliased(Statement, name="target")
    return (
        select(chain.c.origin)
        .join(target, and_(target.tenant_id == tenant_id, target.statement_id == chain.c.target))
        .where(*content(tenant_id, filters, target))
    )


def among(column: Any, rows: Any) -> Any:
    """``column IN (rows)``, ``rows`` a one-column select; on PostgreSQL ``column = ANY(<rows
    as one array>)``, which it can look up in an index even as one arm of an OR."""
    if db.session.get_bind().dialect.name != "postgresql":
        return column.in_(rows)
    (selected,) = rows.selected_columns
    array = rows.with_only_columns(func.array_agg(selected)).scalar_subquery()
    # The CAST makes it ``ANY(<an array>)``: ``ANY(SELECT ...)`` would be the subquery form.
    return column == any_(cast(array, ARRAY(selected.type)))


def mentions_activity(row: Any, iri: str) -> bool:
    """Whether a row (``activity_id`` and ``received``) really has the activity ``iri`` where
    ``related_activities`` looks: the object, context activities, and a SubStatement's."""
    if row.activity_id == indexed(iri):
        return True
    return iri in _activity_ids(json.loads(row.received))


def _agent(tenant_id: int, key: str, related: bool, table: Any) -> Any:
    rows = select(RelatedAgent.statement_id).where(
        RelatedAgent.tenant_id == tenant_id, RelatedAgent.agent_key == key
    )
    if not related:
        rows = rows.where(RelatedAgent.related_only.is_(False))
    found = [
        table.actor_key == key,
        table.object_agent_key == key,
        among(table.statement_id, rows),
    ]
    if related and (authority := _authority_text(key)):
        # LIKE: case-sensitive on PostgreSQL; SQLite's ignores ASCII case, a near miss we accept
        # on the embedded database. No index: with it, the query reads through the tenant.
        found.append(table.assigned.contains(authority, autoescape=True))
    return or_(*found)


def _authority_text(key: str) -> str | None:
    """How ``assigned`` holds the authority whose actor key is ``key``, if it can be one."""
    ifi, home_page, name = parse(key)
    if ifi != "account":
        return None
    authority = {"objectType": "Agent", "account": {"homePage": home_page, "name": name}}
    return '"authority":' + dumps(authority)


def _activity(iri: str, related: bool, table: Any) -> Any:
    exact = table.activity_id == indexed(iri)
    if not related:
        return exact
    return or_(exact, table.received.contains('"id":' + dumps(iri), autoescape=True))


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
