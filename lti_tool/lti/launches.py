"""Recording a genuine launch: the person, the course, their roles — and the plain ``Launch``
object the rest of LearnLoop receives (no LTI claims beyond this module).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lti_tool.core import signals
from lti_tool.core.db import db, utcnow
from lti_tool.lti import launch_rows, oidc_state, registrations
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.message_launch import CLAIM
from lti_tool.lti.models import Deployment, LoginState, Registration
from lti_tool.lti.registrations import DeploymentInfo, RegistrationInfo
from lti_tool.lti.roles import Landing, landing_for

_DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
_AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


@dataclass(frozen=True)
class Launch:
    tenant_id: int
    user_id: int
    context_id: int
    membership_id: int
    message_type: str
    roles: list[str]
    landing: Landing
    resource_link_id: str | None = None
    custom: dict[str, str] = field(default_factory=dict)
    locale: str | None = None
    return_url: str | None = None
    deep_linking_settings: dict[str, Any] | None = None
    # LTI Advantage services offered with this launch, as sent (read by lti/services/endpoints).
    ags_endpoint: Any = None
    names_roles_service: Any = None
    resource_link_title: str | None = None


def record_launch(
    registration: RegistrationInfo | Registration,
    claims: dict[str, Any],
    deployment: DeploymentInfo | Deployment | None = None,
    login: oidc_state.OidcState | None = None,
) -> Launch:
    """Record user, context and membership from validated claims; send ``user_launched``.

    ``login`` is the launch's OIDC state when its nonce is still to be recorded as used; then a
    replayed nonce raises ``LaunchError("replayed")`` and nothing is written. ``deployment`` is
    the one the validation found, when the caller has it (saves a lookup).
    """
    deployment = deployment or registrations.find_deployment(
        registration, claims[CLAIM + "deployment_id"]
    )
    if deployment is None:  # validated already; a concurrent removal is the only way here
        raise LaunchError("unknown_deployment", "deployment vanished during the launch")
    roles = [str(r) for r in claims.get(CLAIM + "roles") or []]
    written = launch_rows.write(_rows(registration.id, deployment.id, claims, roles, login))
    if written is None:
        raise LaunchError("replayed", "nonce already used")
    _note_product_family(registration, claims.get(CLAIM + "tool_platform") or {})
    launch = Launch(
        tenant_id=deployment.id,
        user_id=written.user_id,
        context_id=written.context_id,
        membership_id=written.membership_id,
        message_type=claims[CLAIM + "message_type"],
        roles=roles,
        landing=landing_for(roles),
        resource_link_id=(claims.get(CLAIM + "resource_link") or {}).get("id"),
        custom={str(k): str(v) for k, v in (claims.get(CLAIM + "custom") or {}).items()},
        locale=written.locale,
        return_url=(claims.get(CLAIM + "launch_presentation") or {}).get("return_url"),
        deep_linking_settings=claims.get(_DL_SETTINGS),
        ags_endpoint=claims.get(_AGS_ENDPOINT),
        names_roles_service=claims.get(_NRPS),
        resource_link_title=(claims.get(CLAIM + "resource_link") or {}).get("title"),
    )
    signals.user_launched.send(launch)
    return launch


def _rows(
    registration_id: int,
    tenant_id: int,
    claims: dict[str, Any],
    roles: list[str],
    login: oidc_state.OidcState | None,
) -> launch_rows.LaunchRows:
    presentation = claims.get(CLAIM + "launch_presentation") or {}
    locale = claims.get("locale") or presentation.get("locale")
    user: dict[str, str | None] = {
        attr: str(claims[attr]) if claims.get(attr) else None
        for attr in ("name", "given_name", "family_name", "email")
    }
    user["locale"] = str(locale)[:35] if locale else None
    # The context claim is optional (LTI Core §5.4.1): launches without one share a "no course" row.
    context = claims.get(CLAIM + "context") or {}
    return launch_rows.LaunchRows(
        login=login,
        registration_id=registration_id,
        tenant_id=tenant_id,
        sub=str(claims["sub"]),
        user=user,
        context_key=str(context.get("id") or ""),
        label=str(context["label"]) if context.get("label") else None,
        title=str(context["title"]) if context.get("title") else None,
        # Stored as Membership.roles stores it (sorted, unique, JSON).
        roles_json=json.dumps(sorted(set(roles))),
        now=utcnow(),
    )


def _note_product_family(registration: RegistrationInfo | Registration, platform: Any) -> None:
    if not isinstance(platform, dict) or not platform.get("product_family_code"):
        return
    registrations.note_product_family(registration, str(platform["product_family_code"])[:64])


def park_for_storage_check(login: oidc_state.OidcState, claims: dict[str, Any]) -> int:
    """Record the nonce as used and keep the verified launch until the page confirms the state
    from platform storage; the id of the parked launch.
    """
    login_id = oidc_state.consume(
        login, utcnow(), pending_claims=json.dumps(claims, sort_keys=True)
    )
    if login_id is None:
        raise LaunchError("replayed", "nonce already used")
    return login_id


def take_parked(login_id: int, state: str) -> tuple[Registration, dict[str, Any]]:
    """The parked launch, once: the state the browser read back must be the one we issued."""
    login = db.session.get(LoginState, login_id, with_for_update=True)
    if login is None or login.pending_claims is None:
        raise LaunchError("state_mismatch", "no launch is waiting for a storage check")
    if login.completed_at is not None:
        raise LaunchError("replayed", "the parked launch was already completed")
    if login.expires_at <= utcnow():
        raise LaunchError("expired", "the parked launch expired")
    # The row keeps the state's browser_id; the page posts the signed state it read back.
    if oidc_state.read(state).browser_id != login.state:
        raise LaunchError("state_mismatch", "state read from platform storage does not match")
    login.completed_at = utcnow()
    registration = db.session.get(Registration, login.registration_id)
    assert registration is not None
    return registration, json.loads(login.pending_claims)
