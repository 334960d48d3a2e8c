"""The operator password: set on the command line, kept as an argon2id hash, checked at sign-in.

Each sign-in is tied to the credential's *session generation*; a new password or a sign-out
moves the generation on, which ends every operator session at once.
"""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from lti_tool.core.db import db, utcnow
from lti_tool.operator.models import OperatorCredential

MIN_LENGTH = 12
# argon2id with the library's defaults (RFC 9106 "low memory": 64 MiB, 3 passes): a person's
# password, unlike a random API secret, must resist offline guessing if the database leaks.
_hasher = PasswordHasher()


class WeakPassword(ValueError):
    """The password is too short to be an operator password."""


@functools.cache
def _dummy_hash() -> str:
    """Checked when no password is set, so that answer takes as long as a wrong password."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _credential() -> OperatorCredential | None:
    return db.session.scalars(select(OperatorCredential).order_by(OperatorCredential.id)).first()


def is_set() -> bool:
    return _credential() is not None


def set_password(password: str) -> None:
    """Set (or replace) the operator password; ends every operator session. Flushes."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"an operator password has at least {MIN_LENGTH} characters")
    credential = _credential()
    if credential is None:
        credential = OperatorCredential(session_generation=0)
        db.session.add(credential)
    credential.password_hash = _hasher.hash(password)
    credential.session_generation += 1
    credential.changed_at = utcnow()
    db.session.flush()


def verify(password: str) -> int | None:
    """The session generation to sign in with, or ``None`` for a wrong (or unset) password."""
    credential = _credential()
    try:
        _hasher.verify(credential.password_hash if credential else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if credential is None:
        return None
    if _hasher.check_needs_rehash(credential.password_hash):
        credential.password_hash = _hasher.hash(password)  # stronger parameters since
    return credential.session_generation


def session_generation() -> int | None:
    credential = _credential()
    return credential.session_generation if credential else None


def end_sessions() -> None:
    credential = _credential()
    if credential is not None:
        credential.session_generation += 1
        db.session.flush()
