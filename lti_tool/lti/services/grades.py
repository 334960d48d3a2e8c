"""Grades for the LMS: what other domains call when a learner's graded progress changes.

:func:`post_score` writes the score to the outbox (``ScoreDelivery``) in the caller's
transaction — it flushes and never commits — and the ``lti.deliver_scores`` job sends it to the
platform's gradebook after the commit (:mod:`.delivery`). The score is never lost: it waits
until the platform takes it, retried with backoff, and instructors see the ones still waiting
(``/course/grades``). Only the newest score per person and link is sent; older waiting ones are
superseded. Posting the same score again changes nothing.

A link is graded when its launch carried the AGS endpoint claim. For any other link
``post_score`` writes nothing and answers ``None``.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import select

from lti_tool.core.db import db, utcnow
from lti_tool.lti.models import Membership
from lti_tool.lti.products.ags import ACTIVITY_PROGRESS, GRADING_PROGRESS
from lti_tool.lti.services import dispatch
from lti_tool.lti.services.models import AgsEndpoint, ScoreDelivery

DELIVER_JOB = "lti.deliver_scores"


class InvalidScore(ValueError):
    """A caller's bug: the score breaks an LTI AGS rule (§3.4.2)."""


def post_score(
    tenant_id: int,
    user_id: int,
    resource_link_id: str,
    score_given: float | None,
    score_maximum: float,
    activity_progress: str,
    grading_progress: str,
    *,
    comment: str | None = None,
    timestamp: dt.datetime | None = None,
) -> int | None:
    """Queue a score for ``user_id`` on the tenant's resource link; the outbox row's id, or
    ``None`` when the link is not graded (no AGS claim seen for it).

    ``activity_progress`` is one of Initialized, Started, InProgress, Submitted, Completed;
    ``grading_progress`` one of FullyGraded, Pending, PendingManual, Failed, NotReady.
    ``score_given`` (``None``: no score, only progress) is between 0 and ``score_maximum``.
    Raises :class:`InvalidScore` otherwise, and when the person is not in the link's course.
    """
    _check(score_given, score_maximum, activity_progress, grading_progress)
    found = _endpoint_of_member(tenant_id, resource_link_id, user_id)
    if found is None:
        return None
    endpoint_id, is_member = found
    if not is_member:
        raise InvalidScore(f"user {user_id} is not in the course of link {resource_link_id!r}")
    latest = _latest(endpoint_id, user_id)
    values = (float(score_given) if score_given is not None else None, float(score_maximum))
    if latest is not None and _same(latest, values, activity_progress, grading_progress, comment):
        return latest.id
    now = utcnow()
    if latest is not None and latest.sent_at is None:
        # Only the newest score needs to reach the LMS. (Older waiting ones were superseded
        # when this one was posted.)
        latest.superseded_at, latest.next_attempt_at = now, None
    delivery = ScoreDelivery(
        tenant_id=tenant_id,
        endpoint_id=endpoint_id,
        user_id=user_id,
        score_given=values[0],
        score_maximum=values[1],
        activity_progress=activity_progress,
        grading_progress=grading_progress,
        comment=comment,
        timestamp=timestamp or now,
        created_at=now,
        next_attempt_at=now,
        attempts=0,
    )
    db.session.add(delivery)
    db.session.flush()
    dispatch.after_commit(DELIVER_JOB)
    return delivery.id


def _endpoint_of_member(
    tenant_id: int, resource_link_id: str, user_id: int
) -> tuple[int, bool] | None:
    """The graded link's id, and whether the person is in its course (one query)."""
    member = (
        select(Membership.id)
        .where(
            Membership.tenant_id == tenant_id,
            Membership.context_id == AgsEndpoint.context_id,
            Membership.user_id == user_id,
        )
        .exists()
    )
    row = db.session.execute(
        select(AgsEndpoint.id, member).where(
            AgsEndpoint.tenant_id == tenant_id, AgsEndpoint.resource_link_id == resource_link_id
        )
    ).one_or_none()
    return None if row is None else (int(row[0]), bool(row[1]))


def _check(score_given: float | None, score_maximum: float, activity: str, grading: str) -> None:
    if activity not in ACTIVITY_PROGRESS:
        raise InvalidScore(f"activity_progress must be one of {ACTIVITY_PROGRESS}: {activity!r}")
    if grading not in GRADING_PROGRESS:
        raise InvalidScore(f"grading_progress must be one of {GRADING_PROGRESS}: {grading!r}")
    if not _number(score_maximum) or score_maximum <= 0:
        raise InvalidScore(f"score_maximum must be a positive number: {score_maximum!r}")
    if score_given is not None and (not _number(score_given) or score_given < 0):
        raise InvalidScore(f"score_given must be a number of 0 or more: {score_given!r}")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _latest(endpoint_id: int, user_id: int) -> ScoreDelivery | None:
    return db.session.scalars(
        select(ScoreDelivery)
        .where(
            ScoreDelivery.endpoint_id == endpoint_id,
            ScoreDelivery.user_id == user_id,
            ScoreDelivery.superseded_at.is_(None),
        )
        .order_by(ScoreDelivery.id.desc())
        .limit(1)
    ).first()


def _same(
    latest: ScoreDelivery,
    values: tuple[float | None, float],
    activity: str,
    grading: str,
    comment: str | None,
) -> bool:
    return (
        (latest.score_given, latest.score_maximum) == values
        and latest.activity_progress == activity
        and latest.grading_progress == grading
        and (latest.comment or None) == (comment or None)
    )
