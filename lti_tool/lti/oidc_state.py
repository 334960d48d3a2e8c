"""The OIDC ``state`` of one login (LTI Core 1.3 §5.1.1; Security Framework §5.1.1.2, §5.1.3).

The login writes nothing: the state we hand the platform is signed with SECRET_KEY and carries
everything the launch needs — our nonce, the registration, an expiry, the platform storage
target, the login parameters (for "continue in a new window") and a short random ``browser_id``
that names the state cookie binding the login to this browser.

Single use is enforced at the launch: the nonce is recorded as used with one
``INSERT … ON CONFLICT DO NOTHING`` into ``lti_login_state`` (nonce and state are unique), so a
second launch with the same nonce — in any worker — inserts nothing and is refused. The row
also holds a launch parked for a platform storage check.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select

from lti_tool.core.db import db, dialect_insert
from lti_tool.core.security import TokenError, random_token, sign, unsign
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.models import LoginState
from lti_tool.lti.tasks import KEEP_USED_LOGINS

_SALT = "learnloop-oidc-state"
# A signed state older than this is refused whatever its expiry says: used nonces are purged
# KEEP_USED_LOGINS after expiry, so no state may outlive the record of its nonce.
_MAX_AGE = int(KEEP_USED_LOGINS.total_seconds())


@dataclass(frozen=True)
class OidcState:
    browser_id: str
    nonce: str
    registration_id: int
    expires_at: float  # epoch seconds
    storage_target: str | None
    params: dict[str, str]
    token: str = field(default="", compare=False)


def issue(registration_id: int, params: dict[str, str], storage_target: str | None) -> OidcState:
    expires_at = int(time.time()) + int(current_app.config["LTI_LOGIN_TTL"])
    payload = {
        "b": random_token(16),
        "n": random_token(),
        "r": registration_id,
        "x": expires_at,
        "s": storage_target,
        "p": params,
    }
    return _from_payload(payload, sign(payload, _SALT))


def read(token: str) -> OidcState:
    """The state as we issued it; ``state_mismatch`` if it is not ours, ``expired`` if late."""
    try:
        payload = unsign(token, _SALT, _MAX_AGE)
        state = _from_payload(payload, token)
    except (TokenError, KeyError, TypeError, ValueError) as exc:
        raise LaunchError("state_mismatch", f"state was not issued by LearnLoop: {exc}") from exc
    if state.expires_at <= time.time():
        raise LaunchError("expired", "the OIDC login expired before the launch arrived")
    return state


def _from_payload(payload: dict[str, Any], token: str) -> OidcState:
    return OidcState(
        browser_id=str(payload["b"]),
        nonce=str(payload["n"]),
        registration_id=int(payload["r"]),
        expires_at=float(payload["x"]),
        storage_target=payload["s"],
        params={str(k): str(v) for k, v in dict(payload["p"]).items()},
        token=token,
    )


def consume(state: OidcState, now: dt.datetime, pending_claims: str | None = None) -> int | None:
    """Record the nonce as used; the row's id, or None if it was used before (a replay).

    One round trip, atomic across workers: the unique nonce decides who was first.
    """
    statement = (
        dialect_insert(LoginState)
        .values(
            state=state.browser_id,
            nonce=state.nonce,
            registration_id=state.registration_id,
            login_params=json.dumps(state.params, sort_keys=True),
            storage_target=state.storage_target,
            issued_at=now,
            expires_at=dt.datetime.fromtimestamp(state.expires_at, dt.UTC),
            used_at=now,
            pending_claims=pending_claims,
        )
        .on_conflict_do_nothing()
        .returning(LoginState.id)
    )
    return db.session.scalar(statement)


def was_used(state: OidcState) -> bool:
    """Whether this state's nonce was recorded as used (to name a replay as one)."""
    found = db.session.scalar(select(LoginState.id).where(LoginState.nonce == state.nonce))
    return found is not None
