"""Who belongs to a tenant: the users of its platform registration."""

from __future__ import annotations

from sqlalchemy import select

from lti_tool.core.db import db
from lti_tool.lti.models import Deployment, User
from lti_tool.paths.services.errors import NotFound


def check_user(tenant_id: int, user_id: int) -> None:
    """:class:`NotFound` unless ``user_id`` is a person of this tenant."""
    found = db.session.scalar(
        select(User.id)
        .join(Deployment, Deployment.registration_id == User.registration_id)
        .where(Deployment.id == tenant_id, User.id == user_id)
    )
    if found is None:
        raise NotFound(f"no user {user_id}")


def names(tenant_id: int, user_ids: set[int]) -> dict[int, str]:
    """Display names of these users of the tenant."""
    if not user_ids:
        return {}
    rows = db.session.scalars(
        select(User)
        .join(Deployment, Deployment.registration_id == User.registration_id)
        .where(Deployment.id == tenant_id, User.id.in_(user_ids))
    )
    return {user.id: user.display_name for user in rows}
