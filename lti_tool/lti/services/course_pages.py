"""What the instructor's course pages show and change — the roster and the grades on their way
to the LMS — always within one tenant and one course."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from lti_tool.core.db import db, utcnow
from lti_tool.lti.models import Membership, User
from lti_tool.lti.services import dispatch
from lti_tool.lti.services.grades import DELIVER_JOB
from lti_tool.lti.services.models import AgsEndpoint, MembershipChange, RosterSource, ScoreDelivery

RECENT_CHANGES = 20


@dataclass(frozen=True)
class GradesOverview:
    sent: int
    waiting: list[ScoreDelivery]


def roster(tenant_id: int, context_id: int) -> list[tuple[User, Membership]]:
    """Everyone in the course (members first, then those who left), by name."""
    rows = db.session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant_id, Membership.context_id == context_id)
    ).all()
    people = [(user, membership) for user, membership in rows]
    return sorted(people, key=lambda p: (p[1].has_left, p[0].display_name.casefold(), p[0].id))


def roster_source(tenant_id: int, context_id: int) -> RosterSource | None:
    return db.session.scalars(
        select(RosterSource).where(
            RosterSource.tenant_id == tenant_id, RosterSource.context_id == context_id
        )
    ).one_or_none()


def recent_changes(tenant_id: int, context_id: int) -> list[MembershipChange]:
    return list(
        db.session.scalars(
            select(MembershipChange)
            .where(
                MembershipChange.tenant_id == tenant_id, MembershipChange.context_id == context_id
            )
            .order_by(MembershipChange.changed_at.desc(), MembershipChange.id.desc())
            .limit(RECENT_CHANGES)
        )
    )


def request_sync(tenant_id: int, context_id: int) -> bool:
    """Ask for a roster sync now; False when the LMS offered no roster for this course."""
    source = roster_source(tenant_id, context_id)
    if source is None:
        return False
    source.requested_at = utcnow()
    source.next_attempt_at = None  # an instructor's request does not wait for the backoff
    db.session.flush()
    dispatch.after_commit("lti.sync_roster", source.id)
    return True


def grades(tenant_id: int, context_id: int) -> GradesOverview:
    """How many scores of this course reached the LMS, and the ones still waiting."""
    in_course = (
        select(AgsEndpoint.id)
        .where(AgsEndpoint.tenant_id == tenant_id, AgsEndpoint.context_id == context_id)
        .scalar_subquery()
    )
    sent = db.session.scalar(
        select(func.count())
        .select_from(ScoreDelivery)
        .where(
            ScoreDelivery.tenant_id == tenant_id,
            ScoreDelivery.endpoint_id.in_(in_course),
            ScoreDelivery.sent_at.is_not(None),
        )
    )
    waiting = db.session.scalars(
        select(ScoreDelivery)
        .where(
            ScoreDelivery.tenant_id == tenant_id,
            ScoreDelivery.endpoint_id.in_(in_course),
            ScoreDelivery.sent_at.is_(None),
            ScoreDelivery.superseded_at.is_(None),
        )
        .order_by(ScoreDelivery.attempts.desc(), ScoreDelivery.id)
    )
    return GradesOverview(sent or 0, list(waiting))


def retry_now(tenant_id: int, context_id: int) -> int:
    """Make the course's waiting scores due now; how many."""
    in_course = select(AgsEndpoint.id).where(
        AgsEndpoint.tenant_id == tenant_id, AgsEndpoint.context_id == context_id
    )
    now = utcnow()
    result = db.session.execute(
        update(ScoreDelivery)
        .where(
            ScoreDelivery.tenant_id == tenant_id,
            ScoreDelivery.endpoint_id.in_(in_course.scalar_subquery()),
            ScoreDelivery.sent_at.is_(None),
            ScoreDelivery.superseded_at.is_(None),
            ScoreDelivery.attempts > 0,  # failed before (a first attempt may be under way)
            ScoreDelivery.next_attempt_at > now,
        )
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    dispatch.after_commit(DELIVER_JOB)
    return int(result.rowcount or 0)
