"""Platform access tokens: OAuth 2 client credentials with a signed JWT assertion (1EdTech
Security Framework 1.0 §4.1, RFC 7523), one per (registration, scope set).

The token lives in ``lti_platform_token``, shared by every web and job worker, until a margin
before it expires. Keyed by the *registration* — issuer **and** client_id: Canvas cloud uses one
issuer for all its customers, and a token of one must never serve another (pylti1p3next keys
its cache by issuer and scopes only).

When the token is missing or expiring, one worker takes a short lease on the row and asks the
platform; the others wait for the row to hold the new token instead of asking too (no
stampede). A 401 from a service marks that very token unusable (unless another worker has
replaced it already), so the next ``get`` asks once for a new one.

The rows are read and written on connections of their own, committed at once, independent of
the caller's transaction: a token is valid whether or not the caller's work commits. Callers on
SQLite must not hold uncommitted writes while asking (the database has one writer).
Each process also keeps the token it last read, until the same margin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jwt
import requests
from sqlalchemy import or_, select, update

from lti_tool.core.cache import app_cache
from lti_tool.core.db import db, insert_new, utcnow
from lti_tool.core.security import decrypt, encrypt
from lti_tool.lti import keys
from lti_tool.lti.services.http import (
    Malformed,
    PlatformAccount,
    Refused,
    Unavailable,
    check,
    excerpt,
    json_of,
)
from lti_tool.lti.services.models import PlatformToken

_PURPOSE = "lti-platform-token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LEASE = dt.timedelta(seconds=30)  # how long one worker may take to fetch a token
MARGIN = dt.timedelta(seconds=60)  # stop using a token this long before it expires
DEFAULT_LIFETIME = 3600  # when the platform does not say (Security Framework §4.1: 1 hour)
_POLL = 0.1

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class _Held:
    token: str
    sha256: str
    usable_until: dt.datetime


def scope_key(scopes: Sequence[str]) -> tuple[str, str]:
    """The scopes as stored (sorted, space-separated) and their key."""
    joined = " ".join(sorted(set(scopes)))
    return joined, hashlib.sha256(joined.encode()).hexdigest()


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PlatformTokens:
    def __init__(
        self,
        account: PlatformAccount,
        session: requests.Session,
        timeout: float,
        *,
        clock: Clock = utcnow,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.account = account
        self.http = session
        self.timeout = timeout
        self.clock = clock
        self.sleep = sleep

    # -- what callers use ----------------------------------------------------------------------

    def get(self, scopes: Sequence[str]) -> str:
        """A usable access token for these scopes; asks the platform only when none is held."""
        joined, key = scope_key(scopes)
        held = self._memo().get((self.account.registration_id, key), lambda: None)
        if held is not None and self.clock() < held.usable_until:
            return held.token
        row_id = self._row_id(joined, key)
        deadline = time.monotonic() + LEASE.total_seconds() + self.timeout
        while True:
            found = self._usable(row_id)
            if found is None and self._take_lease(row_id):
                found = self._fetch_and_store(row_id, joined)
            if found is not None:
                self._remember(key, found)
                return found.token
            if time.monotonic() > deadline:
                raise Unavailable("another worker is fetching the platform's token; not done yet")
            self.sleep(_POLL)

    def refused(self, scopes: Sequence[str], token: str) -> None:
        """A service answered 401 to ``token``: stop using it (if nobody replaced it yet)."""
        _, key = scope_key(scopes)
        self._memo().discard((self.account.registration_id, key))
        with db.engine.begin() as conn:
            conn.execute(
                update(PlatformToken)
                .where(
                    PlatformToken.registration_id == self.account.registration_id,
                    PlatformToken.scope_key == key,
                    PlatformToken.token_sha256 == _sha256(token),
                )
                .values(expires_at=None)
            )

    # -- the shared row ------------------------------------------------------------------------

    def _row_id(self, joined: str, key: str) -> int:
        table = PlatformToken.__table__
        values = {
            "registration_id": self.account.registration_id,
            "scope_key": key,
            "scopes": joined,
            "requests_made": 0,
            "updated_at": self.clock(),
        }
        with db.engine.begin() as conn:
            conn.execute(insert_new(table, ["registration_id", "scope_key"]).values(values))
            return int(
                conn.execute(
                    select(table.c.id).where(
                        table.c.registration_id == self.account.registration_id,
                        table.c.scope_key == key,
                    )
                ).scalar_one()
            )

    def _usable(self, row_id: int) -> _Held | None:
        table = PlatformToken.__table__
        with db.engine.connect() as conn:
            row = conn.execute(
                select(table.c.access_token, table.c.token_sha256, table.c.expires_at).where(
                    table.c.id == row_id
                )
            ).one()
        if row.access_token is None or row.expires_at is None or row.expires_at <= self.clock():
            return None
        token = decrypt(row.access_token, _PURPOSE).decode()
        return _Held(token, row.token_sha256, row.expires_at)

    def _take_lease(self, row_id: int) -> bool:
        """Become the one worker that fetches a token for this row (False: another is)."""
        now = self.clock()
        table = PlatformToken.__table__
        with db.engine.begin() as conn:
            result = conn.execute(
                update(table)
                .where(
                    table.c.id == row_id,
                    or_(table.c.refresh_lease_until.is_(None), table.c.refresh_lease_until < now),
                    or_(table.c.expires_at.is_(None), table.c.expires_at <= now),
                )
                .values(refresh_lease_until=now + LEASE)
            )
        return result.rowcount == 1

    def _fetch_and_store(self, row_id: int, joined: str) -> _Held:
        table = PlatformToken.__table__
        try:
            token, lifetime = self._request(joined)
        except (Unavailable, Refused, Malformed) as exc:
            with db.engine.begin() as conn:
                conn.execute(
                    update(table)
                    .where(table.c.id == row_id)
                    .values(
                        refresh_lease_until=None,
                        last_error=str(exc)[:2000],
                        requests_made=table.c.requests_made + 1,
                    )
                )
            raise
        now = self.clock()
        margin = min(MARGIN, dt.timedelta(seconds=lifetime / 4))
        held = _Held(token, _sha256(token), now + dt.timedelta(seconds=lifetime) - margin)
        with db.engine.begin() as conn:
            conn.execute(
                update(table)
                .where(table.c.id == row_id)
                .values(
                    access_token=encrypt(token.encode(), _PURPOSE),
                    token_sha256=held.sha256,
                    expires_at=held.usable_until,
                    refresh_lease_until=None,
                    last_error=None,
                    requests_made=table.c.requests_made + 1,
                    updated_at=now,
                )
            )
        return held

    # -- the platform's token endpoint ---------------------------------------------------------

    def _request(self, scopes: str) -> tuple[str, int]:
        url = self.account.token_url
        what = f"token request to {url}"
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self._assertion(),
            "scope": scopes,
        }
        try:
            response = self.http.post(
                url, data=form, headers={"Accept": "application/json"}, timeout=self.timeout
            )
        except requests.Timeout as exc:
            raise Unavailable(f"{what}: no answer within {self.timeout:g} s") from exc
        except requests.RequestException as exc:
            raise Unavailable(
                f"{what}: could not reach the platform ({type(exc).__name__})"
            ) from exc
        if response.status_code in (400, 401):  # RFC 6749 §5.2: the error is JSON
            raise Refused(f"{what}: refused: {excerpt(response)}", status=response.status_code)
        body = json_of(check(response, what), what)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise Malformed(f"{what}: the answer has no access_token: {excerpt(response, 120)!r}")
        lifetime = body.get("expires_in", DEFAULT_LIFETIME)
        if isinstance(lifetime, str) and lifetime.isdigit():
            lifetime = int(lifetime)
        if not isinstance(lifetime, int | float) or isinstance(lifetime, bool) or lifetime <= 0:
            lifetime = DEFAULT_LIFETIME
        return token, int(lifetime)

    def _assertion(self) -> str:
        """The client assertion (Security Framework §4.1.1), signed with our active key."""
        # No autoflush: the caller's pending changes stay unwritten (on SQLite, writing them
        # would hold the one write lock that storing the token then waits for).
        with db.session.no_autoflush:
            key = keys.signing_key()
        now = int(time.time())
        claims = {
            "iss": self.account.client_id,
            "sub": self.account.client_id,
            "aud": self.account.behaviour.token_audience(self.account.token_url),
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})

    # -- this process's copy -------------------------------------------------------------------

    @staticmethod
    def _memo():  # type: ignore[no-untyped-def]
        return app_cache("lti.platform_tokens", DEFAULT_LIFETIME)

    def _remember(self, key: str, held: _Held) -> None:
        memo = self._memo()
        memo.discard((self.account.registration_id, key))
        memo.get((self.account.registration_id, key), lambda: held)
