"""Recording a genuine launch: the person, the course, their roles — and the plain ``Launch``
object the rest of LearnLoop receives (no LTI claims beyond this module).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from lti_tool.core import signals
from lti_tool.core.db import db, utcnow
from lti_tool.lti import registrations
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.message_launch import CLAIM
from lti_tool.lti.models import Context, LoginState, Membership, Registration, User
from lti_tool.lti.roles import Landing, landing_for

_DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


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


def record_launch(registration: Registration, claims: dict[str, Any]) -> Launch:
    """Upsert user, context and membership from validated claims; send ``user_launched``."""
    deployment = registrations.find_deployment(registration, claims[CLAIM + "deployment_id"])
    if deployment is None:  # validated already; a concurrent removal is the only way here
        raise LaunchError("unknown_deployment", "deployment vanished during the launch")
    platform = claims.get(CLAIM + "tool_platform") or {}
    if isinstance(platform, dict) and platform.get("product_family_code"):
        registration.product_family = str(platform["product_family_code"])[:64]
    now = utcnow()
    user = _upsert_user(registration, claims, now)
    context = _upsert_context(deployment.id, claims.get(CLAIM + "context") or {})
    roles = [str(r) for r in claims.get(CLAIM + "roles") or []]
    membership = _upsert_membership(deployment.id, context, user, roles, now)
    launch = Launch(
        tenant_id=deployment.id,
        user_id=user.id,
        context_id=context.id,
        membership_id=membership.id,
        message_type=claims[CLAIM + "message_type"],
        roles=roles,
        landing=landing_for(roles),
        resource_link_id=(claims.get(CLAIM + "resource_link") or {}).get("id"),
        custom={str(k): str(v) for k, v in (claims.get(CLAIM + "custom") or {}).items()},
        locale=user.locale,
        return_url=(claims.get(CLAIM + "launch_presentation") or {}).get("return_url"),
        deep_linking_settings=claims.get(_DL_SETTINGS),
    )
    signals.user_launched.send(launch)
    return launch


def _upsert_user(registration: Registration, claims: dict[str, Any], now: Any) -> User:
    user = db.session.scalars(
        select(User).where(User.registration_id == registration.id, User.sub == claims["sub"])
    ).one_or_none()
    if user is None:
        user = User(registration_id=registration.id, sub=str(claims["sub"]))
        db.session.add(user)
    # Platforms send names and e-mail only when privacy settings allow: keep what we knew.
    for attr in ("name", "given_name", "family_name", "email"):
        if claims.get(attr):
            setattr(user, attr, str(claims[attr]))
    presentation = claims.get(CLAIM + "launch_presentation") or {}
    locale = claims.get("locale") or presentation.get("locale")
    if locale:
        user.locale = str(locale)[:35]
    user.last_launch_at = now
    db.session.flush()
    return user


def _upsert_context(tenant_id: int, claim: dict[str, Any]) -> Context:
    # The context claim is optional (LTI Core §5.4.1): launches without one share a "no course" row.
    context_id = str(claim.get("id") or "")
    context = db.session.scalars(
        select(Context).where(Context.tenant_id == tenant_id, Context.context_id == context_id)
    ).one_or_none()
    if context is None:
        context = Context(tenant_id=tenant_id, context_id=context_id)
        db.session.add(context)
    context.label = claim.get("label") or context.label
    context.title = claim.get("title") or context.title
    db.session.flush()
    return context


def _upsert_membership(
    tenant_id: int, context: Context, user: User, roles: list[str], now: Any
) -> Membership:
    membership = db.session.scalars(
        select(Membership).where(Membership.context_id == context.id, Membership.user_id == user.id)
    ).one_or_none()
    if membership is None:
        membership = Membership(tenant_id=tenant_id, context_id=context.id, user_id=user.id)
        db.session.add(membership)
    membership.roles = roles
    membership.last_launch_at = now
    db.session.flush()
    return membership


def park_for_storage_check(login: LoginState, claims: dict[str, Any]) -> None:
    """Keep a verified launch until the page confirms the state from platform storage."""
    login.pending_claims = json.dumps(claims, sort_keys=True)
    db.session.flush()


def take_parked(login_id: int, state: str) -> tuple[Registration, dict[str, Any]]:
    """The parked launch, once: the state the browser read back must be the one we issued."""
    login = db.session.get(LoginState, login_id, with_for_update=True)
    if login is None or login.pending_claims is None:
        raise LaunchError("state_mismatch", "no launch is waiting for a storage check")
    if login.completed_at is not None:
        raise LaunchError("replayed", "the parked launch was already completed")
    if login.expires_at <= utcnow():
        raise LaunchError("expired", "the parked launch expired")
    if state != login.state:
        raise LaunchError("state_mismatch", "state read from platform storage does not match")
    login.completed_at = utcnow()
    registration = db.session.get(Registration, login.registration_id)
    assert registration is not None
    return registration, json.loads(login.pending_claims)
