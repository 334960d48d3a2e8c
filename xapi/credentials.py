"""Credentials: the key/secret pairs a tenant's LRS (or Moodle's logstore) sends with HTTP
Basic auth (1.0.3 Communication 4.0 makes Basic auth mandatory to support).

The secret is shown once, at creation, and kept only as an argon2id hash. Verifying a hash
costs tens of milliseconds on purpose, so a verified pair is remembered in this process for
``XAPI_CREDENTIAL_CACHE_SECONDS`` under a keyed BLAKE2 digest of key and secret (never the
secret itself): a busy sender pays for argon2 about once a minute per worker. Revoking clears
this process's memory at once; other workers forget within that many seconds.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app
from sqlalchemy import select, update

from lti_tool.core.db import db, utcnow
from xapi.models import Credential

# argon2id at OWASP's baseline (19 MiB, 2 passes, 1 lane): the secrets are 256 random bits, so
# the hash need only be one-way; heavier settings would just let wrong guesses burn our CPU.
# A hash records its parameters: changing them here keeps older hashes verifiable.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the key is unknown, so a wrong key costs as long as a wrong secret."""
    return _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class NewCredential:
    id: int
    tenant_id: int
    key: str
    secret: str  # plaintext: shown once, never stored
    label: str


@dataclass(frozen=True)
class Verified:
    """Who is calling: the credential, and so the one tenant whose statements it may touch."""

    credential_id: int
    tenant_id: int
    key: str


def create(tenant_id: int, label: str = "") -> NewCredential:
    key, secret = secrets.token_hex(12), secrets.token_urlsafe(32)
    credential = Credential(
        tenant_id=tenant_id, key=key, secret_hash=_hasher.hash(secret), label=label[:255]
    )
    db.session.add(credential)
    db.session.flush()
    return NewCredential(credential.id, tenant_id, key, secret, credential.label)


def for_tenant(tenant_id: int) -> list[Credential]:
    """The tenant's credentials, revoked ones too, newest first."""
    query = select(Credential).where(Credential.tenant_id == tenant_id)
    return list(db.session.scalars(query.order_by(Credential.id.desc())))


def revoke(tenant_id: int, credential_id: int) -> bool:
    """Revoke one of the tenant's credentials; ``False`` when the tenant has no such credential."""
    credential = db.session.get(Credential, credential_id)
    if credential is None or credential.tenant_id != tenant_id:
        return False
    if credential.revoked_at is None:
        credential.revoked_at = utcnow()
    db.session.flush()
    _cache().forget(credential_id)
    return True


def revoke_key(key: str) -> bool:
    credential = db.session.scalars(select(Credential).where(Credential.key == key)).first()
    return credential is not None and revoke(credential.tenant_id, credential.id)


def verify(key: str, secret: str) -> Verified | None:
    """The credential for this pair, or ``None`` if the key is unknown, revoked or the secret wrong."""
    cache = _cache()
    fingerprint = cache.fingerprint(key, secret)
    if (known := cache.get(fingerprint)) is not None:
        return known
    credential = db.session.scalars(
        select(Credential).where(Credential.key == key, Credential.revoked_at.is_(None))
    ).first()
    if not _secret_matches(credential.secret_hash if credential else _dummy_hash(), secret):
        return None
    if credential is None:
        return None
    _note_use(credential.id)
    verified = Verified(credential.id, credential.tenant_id, credential.key)
    cache.put(fingerprint, verified)
    return verified


def _secret_matches(secret_hash: str, secret: str) -> bool:
    try:
        return _hasher.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def _note_use(credential_id: int) -> None:
    # Its own short transaction: a GET commits nothing, and a refused POST rolls back, yet the
    # credential was used. Runs once per cache period, not per request.
    with db.engine.begin() as connection:
        connection.execute(
            update(Credential).where(Credential.id == credential_id).values(last_used_at=utcnow())
        )


class CredentialCache:
    """Verified credentials of this process, by a keyed digest of key and secret."""

    MAX_ENTRIES = 10_000

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.clock = time.monotonic
        self._pepper = secrets.token_bytes(32)  # per process: digests are useless elsewhere
        self._entries: dict[bytes, tuple[float, Verified]] = {}
        self._lock = threading.Lock()

    def fingerprint(self, key: str, secret: str) -> bytes:
        material = key.encode() + b"\0" + secret.encode("utf-8", "surrogatepass")
        return hashlib.blake2b(material, key=self._pepper, digest_size=32).digest()

    def get(self, fingerprint: bytes) -> Verified | None:
        entry = self._entries.get(fingerprint)
        if entry is None or entry[0] < self.clock():
            return None
        return entry[1]

    def put(self, fingerprint: bytes, verified: Verified) -> None:
        with self._lock:
            if len(self._entries) >= self.MAX_ENTRIES:
                self._entries.clear()  # rare; the next requests pay for argon2 once more
            self._entries[fingerprint] = (self.clock() + self.seconds, verified)

    def forget(self, credential_id: int) -> None:
        with self._lock:
            for fingerprint, (_, verified) in list(self._entries.items()):
                if verified.credential_id == credential_id:
                    del self._entries[fingerprint]


def init_app(app: Flask) -> None:
    app.extensions["xapi.credentials"] = CredentialCache(
        app.config["XAPI_CREDENTIAL_CACHE_SECONDS"]
    )


def _cache() -> CredentialCache:
    return current_app.extensions["xapi.credentials"]
