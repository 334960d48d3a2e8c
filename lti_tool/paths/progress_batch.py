"""Progress from one batch of newly recorded statements (the ``paths.statements_recorded`` job).

A few queries per batch however many statements and steps: the tenant's current path versions
(the rule index is cached per process, :mod:`.progress_rules`), the batch's statements with
their learner and path, one INSERT for evidence and one for time. A voiding statement in the
batch retracts what its target gave. A tenant without a published path costs one query.
"""

from __future__ import annotations

from collections.abc import Sequence

from lti_tool.core.db import db
from lti_tool.lti import xapi_actors
from lti_tool.paths import progress_scores
from lti_tool.paths.progress_rules import tenant_rules
from lti_tool.paths.progress_statements import facts, query
from lti_tool.paths.progress_writes import Changes, add, retract, rows_for
from xapi.models import Statement


def apply_batch(tenant_id: int, statement_ids: Sequence[str]) -> Changes:
    """Record the evidence and time these statements give (again: nothing changes)."""
    rules = tenant_rules(tenant_id)
    if not rules:
        return Changes()
    ids = sorted({statement_id.lower() for statement_id in statement_ids})
    _look_up_actors(tenant_id, ids)
    found = facts(
        db.session.execute(
            query().where(Statement.tenant_id == tenant_id, Statement.statement_id.in_(ids))
        )
    )
    changes = Changes()
    if voided := {fact.voids for fact in found if fact.voids}:
        changes += retract(tenant_id, voided)
    changes += add(*rows_for(tenant_id, found, rules))
    if changes.users and any(path.graded for path in rules.values()):
        progress_scores.send(tenant_id, changes.users)
    return changes


def _look_up_actors(tenant_id: int, statement_ids: Sequence[str]) -> None:
    # Who a batch's actors are is settled by the identity side's own ``statements_recorded``
    # receiver. Blinker calls receivers in no fixed order, and a worker may run this job before
    # that receiver is done, so run it first: it is idempotent, commits its own unit of work,
    # and costs nothing once the batch's actors are settled (remembered per process).
    xapi_actors.settle_recorded(tenant_id, statement_ids)
