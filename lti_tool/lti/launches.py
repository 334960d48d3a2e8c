"""Recording a genuine launch: the person, the course, their roles — and the plain ``Launch``
object the rest of LearnLoop receives (no LTI claims beyond this module).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update

from lti_tool.core import signals
from lti_tool.core.db import db, dialect_insert, utcnow
from lti_tool.lti import oidc_state, registrations
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.message_launch import CLAIM
from lti_tool.lti.models import (
    Context,
    Deployment,
    LoginState,
    Membership,
    Registration,
    User,
)
from lti_tool.lti.registrations import DeploymentInfo, RegistrationInfo
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


def record_launch(
    registration: RegistrationInfo | Registration,
    claims: dict[str, Any],
    deployment: DeploymentInfo | Deployment | None = None,
) -> Launch:
    """Upsert user, context and membership from validated claims; send ``user_launched``.

    ``deployment`` is the one the validation found, when the caller has it (saves a lookup).
    """
    deployment = deployment or registrations.find_deployment(
        registration, claims[CLAIM + "deployment_id"]
    )
    if deployment is None:  # validated already; a concurrent removal is the only way here
        raise LaunchError("unknown_deployment", "deployment vanished during the launch")
    _note_product_family(registration, claims.get(CLAIM + "tool_platform") or {})
    now = utcnow()
    user_id, locale = _upsert_user(registration, claims, now)
    context_id = _upsert_context(deployment.id, claims.get(CLAIM + "context") or {})
    roles = [str(r) for r in claims.get(CLAIM + "roles") or []]
    membership_id = _upsert_membership(deployment.id, context_id, user_id, roles, now)
    launch = Launch(
        tenant_id=deployment.id,
        user_id=user_id,
        context_id=context_id,
        membership_id=membership_id,
        message_type=claims[CLAIM + "message_type"],
        roles=roles,
        landing=landing_for(roles),
        resource_link_id=(claims.get(CLAIM + "resource_link") or {}).get("id"),
        custom={str(k): str(v) for k, v in (claims.get(CLAIM + "custom") or {}).items()},
        locale=locale,
        return_url=(claims.get(CLAIM + "launch_presentation") or {}).get("return_url"),
        deep_linking_settings=claims.get(_DL_SETTINGS),
    )
    signals.user_launched.send(launch)
    return launch


def _note_product_family(registration: RegistrationInfo | Registration, platform: Any) -> None:
    if not isinstance(platform, dict) or not platform.get("product_family_code"):
        return
    registrations.note_product_family(registration, str(platform["product_family_code"])[:64])


def _upsert_user(
    registration: RegistrationInfo | Registration, claims: dict[str, Any], now: Any
) -> tuple[int, str | None]:
    """The user's id and locale: a known user is one UPDATE … RETURNING (the common case)."""
    # Platforms send names and e-mail only when privacy settings allow: keep what we knew.
    changes: dict[str, Any] = {
        attr: str(claims[attr])
        for attr in ("name", "given_name", "family_name", "email")
        if claims.get(attr)
    }
    presentation = claims.get(CLAIM + "launch_presentation") or {}
    locale = claims.get("locale") or presentation.get("locale")
    if locale:
        changes["locale"] = str(locale)[:35]
    changes["last_launch_at"] = now
    key = {"registration_id": registration.id, "sub": str(claims["sub"])}
    row = _upsert(User.__table__, key, changes, ("id", "locale"))
    return row.id, row.locale


def _upsert_context(tenant_id: int, claim: dict[str, Any]) -> int:
    # The context claim is optional (LTI Core §5.4.1): launches without one share a "no course" row.
    key = {"tenant_id": tenant_id, "context_id": str(claim.get("id") or "")}
    # A label or title the platform did not send is kept, not blanked.
    changes = {attr: str(claim[attr]) for attr in ("label", "title") if claim.get(attr)}
    if not changes:
        found = db.session.scalar(
            select(Context.id).where(*(Context.__table__.c[k] == v for k, v in key.items()))
        )
        if found is not None:
            return int(found)
        changes = {"context_id": key["context_id"]}  # a first launch: insert it, changing nothing
    return int(_upsert(Context.__table__, key, changes, ("id",)).id)


def _upsert_membership(
    tenant_id: int, context_id: int, user_id: int, roles: list[str], now: Any
) -> int:
    key = {"context_id": context_id, "user_id": user_id}
    # Stored as Membership.roles stores it (sorted, unique, JSON).
    changes = {"roles_json": json.dumps(sorted(set(roles))), "last_launch_at": now}
    return int(_upsert(Membership.__table__, key, changes, ("id",), tenant_id=tenant_id).id)


def _upsert(
    table: Any, key: dict[str, Any], changes: dict[str, Any], returning: tuple[str, ...], **new: Any
) -> Any:
    """Apply ``changes`` to the row with unique ``key`` (inserting it with ``new`` if missing).

    Core statements, not the ORM's unit of work: a launch updates these rows on every click,
    and the ORM's select-then-flush costs two round trips and ~0.5 ms of Python per row.
    """
    columns = [table.c[name] for name in returning]
    where = [table.c[name] == value for name, value in key.items()]
    found = db.session.execute(
        update(table).where(*where).values(changes).returning(*columns)
    ).one_or_none()
    if found is not None:
        return found
    # A first launch. If a concurrent one inserted the row first, update that row instead.
    statement = dialect_insert(table).values({**key, **new, **changes})
    statement = statement.on_conflict_do_update(index_elements=list(key), set_=changes)
    return db.session.execute(statement.returning(*columns)).one()


def park_for_storage_check(login_id: int, claims: dict[str, Any]) -> None:
    """Keep a verified launch until the page confirms the state from platform storage."""
    db.session.execute(
        update(LoginState)
        .where(LoginState.id == login_id)
        .values(pending_claims=json.dumps(claims, sort_keys=True))
    )


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
