"""Tool signing keys and the JWKS the platforms fetch (``/lti/jwks.json``).

Rotation (``learnloop keys rotate``): the *next* key is published before it signs anything,
so platforms that cache our JWKS already know it; on rotation it becomes *active*, the old
active key is *retired* and stays published for a grace period (7 days) so tokens it signed
still verify; a fresh *next* key is made. Private keys are encrypted at rest with SECRET_KEY.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from lti_tool.core.db import db, utcnow
from lti_tool.core.security import decrypt, encrypt, new_rsa_private_pem, public_jwk
from lti_tool.lti.models import ToolKey

_PURPOSE = "tool-private-key"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: str


def _new_key(status: str) -> ToolKey:
    pem = new_rsa_private_pem()
    kid = uuid.uuid4().hex
    key = ToolKey(
        kid=kid,
        status=status,
        public_jwk=json.dumps(public_jwk(pem, kid), sort_keys=True),
        private_key_encrypted=encrypt(pem, _PURPOSE),
        activated_at=utcnow() if status == "active" else None,
    )
    db.session.add(key)
    return key


def _by_status(status: str) -> ToolKey | None:
    return db.session.scalars(
        select(ToolKey).where(ToolKey.status == status).order_by(ToolKey.id.desc())
    ).first()


def ensure_keys() -> None:
    """Make an active and a next key if there are none (first start)."""
    if _by_status("active") is None:
        _new_key("active")
    if _by_status("next") is None:
        _new_key("next")
    db.session.flush()


def rotate() -> dict[str, str]:
    """Promote next → active, retire the active key, make a new next key."""
    ensure_keys()
    now = utcnow()
    active, upcoming = _by_status("active"), _by_status("next")
    assert active is not None and upcoming is not None
    active.status, active.retired_at = "retired", now
    upcoming.status, upcoming.activated_at = "active", now
    new_next = _new_key("next")
    db.session.flush()
    return {"retired": active.kid, "active": upcoming.kid, "next": new_next.kid}


def published_keys() -> list[ToolKey]:
    grace = dt.timedelta(days=current_app.config["KEY_RETIREMENT_GRACE_DAYS"])
    keys = db.session.scalars(select(ToolKey).order_by(ToolKey.id)).all()
    cutoff = utcnow() - grace
    return [k for k in keys if k.status != "retired" or (k.retired_at and k.retired_at >= cutoff)]


def jwks() -> dict[str, Any]:
    return {"keys": [key.jwk for key in published_keys()]}


def signing_key() -> SigningKey:
    key = _by_status("active")
    if key is None:
        ensure_keys()
        key = _by_status("active")
    assert key is not None
    return SigningKey(
        kid=key.kid, private_pem=decrypt(key.private_key_encrypted, _PURPOSE).decode()
    )
