"""Recomputing progress from every statement, for one learner, one path or a whole tenant.

Jobs run these when what a statement proves may have changed: a learner enrolled (or changed
path), a path got a new version (new rules), an administrator asks for a full recompute
(``learnloop``/``recompute_tenant``). Like the per-batch job, a recompute only *adds* (a step
completed under an older version stays completed) and retracts what voided statements gave; so
running one twice, or next to the batch job, changes nothing the second time.

Statements are read in chunks by row id, so memory stays flat however many a tenant has.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, exists, select

from lti_tool.core.db import db
from lti_tool.paths import progress_scores
from lti_tool.paths.models import Enrolment, Path, StepEvidence, TimeEntry
from lti_tool.paths.progress_rules import PathRules, tenant_rules
from lti_tool.paths.progress_statements import facts, query
from lti_tool.paths.progress_writes import STATEMENT, Changes, add, rows_for
from xapi.models import Actor, Statement

CHUNK = 5000  # statements read per query


def recompute_user(tenant_id: int, user_id: int) -> Changes:
    """Evidence and time from every statement of this learner, for the path they are on."""
    rules = tenant_rules(tenant_id)
    changes = _run(tenant_id, rules, Actor.user_id == user_id)
    changes += _retract_voided(tenant_id, user_id=user_id)
    progress_scores.send(tenant_id, {user_id})
    return changes


def recompute_path(tenant_id: int, path_id: int) -> Changes:
    """Evidence for the learners on this path under its current rules (time is unaffected)."""
    rules = tenant_rules(tenant_id)
    path = rules.get(path_id)
    if path is None:
        return Changes()
    where = and_(Enrolment.path_id == path_id, Statement.verb_id.in_(sorted(path.verbs)))
    changes = _run(tenant_id, {path_id: path}, where, time=False)
    if path.graded:
        progress_scores.send(tenant_id, _enrolled(tenant_id, path_id))
    return changes


def recompute_tenant(tenant_id: int) -> Changes:
    """Everything again, for every enrolled learner of the tenant."""
    rules = tenant_rules(tenant_id)
    changes = _run(tenant_id, rules, Enrolment.path_id.is_not(None))
    changes += _retract_voided(tenant_id)
    graded = [path_id for path_id, path in rules.items() if path.graded]
    for path_id in graded:
        progress_scores.send(tenant_id, _enrolled(tenant_id, path_id))
    return changes


def _run(tenant_id: int, rules: dict[int, PathRules], where: Any, *, time: bool = True) -> Changes:
    changes = Changes()
    if not rules:
        return changes
    last = 0
    while True:
        rows = db.session.execute(
            query()
            .where(Statement.tenant_id == tenant_id, Statement.id > last, where)
            .order_by(Statement.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return changes
        last = rows[-1][0]
        changes += add(*rows_for(tenant_id, facts(rows), rules, time=time))


def _retract_voided(tenant_id: int, user_id: int | None = None) -> Changes:
    """Delete what voided statements gave (in case a voiding overtook its target's job)."""
    changes = Changes()
    for model in (StepEvidence, TimeEntry):
        voided = exists().where(
            Statement.tenant_id == tenant_id,
            Statement.statement_id == model.source_ref,
            Statement.voided.is_(True),
        )
        conditions = [model.tenant_id == tenant_id, model.source == STATEMENT, voided]
        if user_id is not None:
            conditions.append(model.user_id == user_id)
        gone = db.session.execute(delete(model).where(*conditions).returning(model.user_id))
        for found in gone.scalars():
            changes.retracted += 1
            changes.users.add(found)
    return changes


def _enrolled(tenant_id: int, path_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(Enrolment.user_id)
            .join(Path, Path.id == Enrolment.path_id)
            .where(Enrolment.tenant_id == tenant_id, Enrolment.path_id == path_id)
        )
    )
