"""What the landing pages show, always within the viewer's tenant."""

from __future__ import annotations

from sqlalchemy import func, select

from lti_tool.core.db import db
from lti_tool.lti.models import Context, Membership, User
from lti_tool.lti.roles import Landing, landing_for


def course_members(tenant_id: int, context_id: int) -> list[tuple[User, Membership]]:
    """People seen in this course (from launches), newest activity first."""
    rows = db.session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant_id, Membership.context_id == context_id)
        .order_by(Membership.last_launch_at.desc().nulls_last(), User.id)
    ).all()
    return [(user, membership) for user, membership in rows]


def role_counts(members: list[tuple[User, Membership]]) -> dict[Landing, int]:
    counts = dict.fromkeys(Landing, 0)
    for _, membership in members:
        counts[landing_for(membership.roles)] += 1
    return counts


def tenant_overview(tenant_id: int) -> dict[str, int]:
    courses = db.session.scalar(
        select(func.count()).select_from(Context).where(Context.tenant_id == tenant_id)
    )
    people = db.session.scalar(
        select(func.count(func.distinct(Membership.user_id))).where(
            Membership.tenant_id == tenant_id
        )
    )
    return {"courses": courses or 0, "people": people or 0}
