"""Graded paths send each learner's progress to the LMS gradebook (LTI AGS), as a score out of
100 on the link they came in by (``Enrolment.resource_link_id``).

:func:`lti_tool.lti.services.grades.post_score` queues the score in the caller's transaction
and a job delivers it after the commit; posting an unchanged score writes nothing, and a link
the platform did not make graded (no AGS claim) gets nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from sqlalchemy import select

from lti_tool.core.db import db
from lti_tool.lti.services import grades
from lti_tool.paths.models import Enrolment, Path, PathVersion, StepEvidence
from lti_tool.paths.progress_math import counted_steps, percent
from lti_tool.paths.services.path_versions import definition_of

log = logging.getLogger("learnloop.paths")


def send(tenant_id: int, user_ids: Collection[int]) -> int:
    """Post the progress of those of these learners who are on a graded path; how many."""
    if not user_ids:
        return 0
    enrolments = db.session.execute(
        select(Enrolment, PathVersion)
        .join(Path, Path.id == Enrolment.path_id)
        .join(
            PathVersion,
            (PathVersion.path_id == Path.id) & (PathVersion.number == Path.current_version),
        )
        .where(
            Enrolment.tenant_id == tenant_id,
            Enrolment.user_id.in_(sorted(user_ids)),
            Enrolment.resource_link_id.is_not(None),
            Path.graded.is_(True),
        )
    ).all()
    done = _done(tenant_id, [enrolment for enrolment, _ in enrolments])
    sent = 0
    for enrolment, version in enrolments:
        steps = counted_steps(definition_of(version), enrolment.branch)
        score = percent(done.get((enrolment.user_id, enrolment.path_id), set()), steps)
        sent += _post(tenant_id, enrolment, score)
    return sent


def _done(tenant_id: int, enrolments: list[Enrolment]) -> dict[tuple[int, int], set[str]]:
    if not enrolments:
        return {}
    rows = db.session.execute(
        select(StepEvidence.user_id, StepEvidence.path_id, StepEvidence.step_key)
        .where(
            StepEvidence.tenant_id == tenant_id,
            StepEvidence.user_id.in_(sorted({e.user_id for e in enrolments})),
        )
        .distinct()
    )
    found: dict[tuple[int, int], set[str]] = {}
    for user_id, path_id, step_key in rows:
        found.setdefault((user_id, path_id), set()).add(step_key)
    return found


def _post(tenant_id: int, enrolment: Enrolment, score: int) -> int:
    assert enrolment.resource_link_id is not None
    try:
        queued = grades.post_score(
            tenant_id,
            enrolment.user_id,
            enrolment.resource_link_id,
            score,
            100,
            "Completed" if score == 100 else "InProgress",
            "FullyGraded",
        )
    except grades.InvalidScore as exc:  # e.g. no longer in the link's course: nothing to send
        log.info("no path score for user %s: %s", enrolment.user_id, exc)
        return 0
    return int(queued is not None)
