"""Who is looking at this page: the ``Viewer`` of a request, restored from the launch.

Inside an LMS iframe the browser may withhold our cookies (Safari, Chrome Incognito, Firefox
strict). So a launch yields a short-lived signed token that every page carries in its links
and forms (``lt``), as hypothesis/lms does with its bearer token; the session cookie
(``SameSite=None; Secure; Partitioned`` on HTTPS) is used when the browser does keep it.
The token names a membership *and* its tenant: a request can only see that tenant's rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request, session
from sqlalchemy import select

from lti_tool.core.db import db
from lti_tool.core.security import TokenError, sign, unsign
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.models import Context, Deployment, Membership, Registration, User
from lti_tool.lti.roles import Landing, landing_for, short_names

_SALT = "learnloop-viewer"
TOKEN_PARAM = "lt"  # noqa: S105  # a parameter name, not a secret


@dataclass(frozen=True)
class Viewer:
    tenant_id: int
    membership: Membership
    user: User
    context: Context
    registration: Registration
    deployment: Deployment
    landing: Landing

    @property
    def role_names(self) -> list[str]:
        return short_names(self.membership.roles)

    @property
    def is_designer(self) -> bool:
        return self.landing in (Landing.DESIGNER, Landing.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.landing is Landing.ADMIN


def token_for(membership_id: int, tenant_id: int) -> str:
    return sign({"m": membership_id, "t": tenant_id}, _SALT)


def remember(membership_id: int, tenant_id: int) -> str:
    """Start the viewer's session (cookie where the browser keeps it) and return the page token."""
    session.clear()
    session["m"], session["t"] = membership_id, tenant_id
    session.permanent = True
    return token_for(membership_id, tenant_id)


def _identity_from_request() -> tuple[int, int] | None:
    token = request.args.get(TOKEN_PARAM) or request.form.get(TOKEN_PARAM)
    auth = request.headers.get("Authorization", "")
    if not token and auth.startswith("Bearer "):
        token = auth[len("Bearer ") :]
    if token:
        try:
            data = unsign(token, _SALT, current_app.config["SESSION_TOKEN_MAX_AGE"])
        except TokenError as exc:
            raise LaunchError("session_expired", f"page token rejected: {exc}") from exc
        return int(data["m"]), int(data["t"])
    if "m" in session and "t" in session:
        return int(session["m"]), int(session["t"])
    return None


def load_viewer() -> Viewer | None:
    identity = _identity_from_request()
    if identity is None:
        return None
    membership_id, tenant_id = identity
    row = db.session.execute(
        select(Membership, User, Context, Deployment, Registration)
        .join(User, Membership.user_id == User.id)
        .join(Context, Membership.context_id == Context.id)
        .join(Deployment, Membership.tenant_id == Deployment.id)
        .join(Registration, Deployment.registration_id == Registration.id)
        .where(Membership.id == membership_id, Membership.tenant_id == tenant_id)
    ).one_or_none()
    if row is None:
        raise LaunchError(
            "session_expired", f"membership {membership_id} not in tenant {tenant_id}"
        )
    membership, user, context, deployment, registration = row
    g.locale = user.locale
    return Viewer(
        tenant_id=tenant_id,
        membership=membership,
        user=user,
        context=context,
        registration=registration,
        deployment=deployment,
        landing=landing_for(membership.roles),
    )


def current_viewer() -> Viewer:
    """The viewer, or a 401 page telling the person to open LearnLoop from their course."""
    if "viewer" not in g:
        g.viewer = load_viewer()
    if g.viewer is None:
        raise LaunchError("session_expired", "no page token and no session cookie")
    # A fresh token on every page: the session slides while the person keeps working.
    g.page_token = token_for(g.viewer.membership.id, g.viewer.tenant_id)
    return g.viewer
