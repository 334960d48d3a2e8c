"""What an evidence rule would match among the tenant's recent statements, before it is saved.

Verb and activity (exact, or ``LIKE 'prefix%'``) are filtered on the indexed columns; the
optional ``result.success`` and minimum ``result.score.scaled`` conditions are read from the
statement's JSON by the database (PostgreSQL ``jsonb``, SQLite ``json_extract``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, cast, func, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB

from lti_tool.core.db import db, utcnow
from lti_tool.paths.definition import EvidenceRule
from xapi.models import Statement


@dataclass(frozen=True)
class RulePreview:
    statements: int
    learners: int  # distinct actors: people who have not opened LearnLoop yet count too


def preview(
    tenant_id: int, rule: EvidenceRule, days: int, now: dt.datetime | None = None
) -> RulePreview:
    since = (now or utcnow()) - dt.timedelta(days=days)
    conditions: list[Any] = [
        Statement.tenant_id == tenant_id,
        Statement.verb_id.in_(sorted(rule.verbs)),
        Statement.timestamp >= since,
        Statement.voided.is_(False),
        Statement.voids_id.is_(None),
    ]
    if rule.prefix:
        conditions += [
            Statement.activity_id.startswith(rule.activity, autoescape=True),
            # SQLite's LIKE ignores case; IRIs do not (and neither does the matching job).
            func.substr(Statement.activity_id, 1, len(rule.activity)) == rule.activity,
        ]
    else:
        conditions.append(Statement.activity_id == rule.activity)
    result = _json(Statement.received)["result"]
    if rule.success is not None:
        conditions.append(result["success"].as_boolean().is_(rule.success))
    if rule.min_scaled is not None:
        conditions.append(result["score"]["scaled"].as_float() >= rule.min_scaled)
    statements, learners = db.session.execute(
        select(func.count(), func.count(Statement.actor_key.distinct())).where(*conditions)
    ).one()
    return RulePreview(statements=statements, learners=learners)


def _json(column: Any) -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(column, JSONB)
    return type_coerce(column, JSON)
