"""Calling a platform's services: a bearer token per scope set, and what an answer means.

- 2xx: the answer.
- 401: the token was refused (revoked, or the platform restarted): **one** new token and one
  retry; a second 401 is :class:`Refused`.
- 429, 5xx, no connection, a timeout: :class:`Unavailable` (with the ``Retry-After`` the
  platform asked for), to be retried later by the job with backoff.
- other 4xx: :class:`Refused`, with the platform's status and the start of its answer.
- a body that should be JSON and is not: :class:`Malformed`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import requests

from lti_tool.core.db import utcnow
from lti_tool.lti.products.ags import ServiceBehaviour, services_for

TRANSIENT = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 6 * 3600.0


class ServiceError(Exception):
    """A platform service call failed; the message says how, for the people who look."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class Unavailable(ServiceError):
    """The platform is busy or down: try again later."""


class Refused(ServiceError):
    """The platform said no (a 4xx); it may say yes later (a learner enrolled, a scope granted)."""


class Malformed(ServiceError):
    """The platform's answer is not what the spec says it is."""


@dataclass(frozen=True)
class PlatformAccount:
    """Who we are at a platform: one registration (issuer + client_id) and its token URL."""

    registration_id: int
    client_id: str
    token_url: str
    product_family: str

    @classmethod
    def of(cls, registration: Any) -> PlatformAccount:
        return cls(
            registration.id,
            registration.client_id,
            registration.auth_token_url,
            registration.product_family,
        )

    @property
    def behaviour(self) -> ServiceBehaviour:
        return services_for(self.product_family)


def retry_after(response: requests.Response) -> float | None:
    """``Retry-After`` in seconds (RFC 9110 §10.2.3: seconds or an HTTP date), capped."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return min(max((when - utcnow()).total_seconds(), 0.0), MAX_RETRY_AFTER)


def excerpt(response: requests.Response, limit: int = 300) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:limit] + ("…" if len(text) > limit else "")


def check(response: requests.Response, what: str) -> requests.Response:
    """``response`` if it is a 2xx, else the :class:`ServiceError` it means."""
    status = response.status_code
    if 200 <= status < 300:
        return response
    message = f"{what}: the platform answered {status} {excerpt(response)}".rstrip()
    if status in TRANSIENT:
        raise Unavailable(message, status=status, retry_after=retry_after(response))
    raise Refused(message, status=status)


def json_of(response: requests.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise Malformed(
            f"{what}: the platform's answer is not JSON: {excerpt(response, 120)!r}",
            status=response.status_code,
        ) from exc


class PlatformClient:
    """Authorised calls to one platform's services. ``tokens`` is a
    :class:`~lti_tool.lti.services.tokens.PlatformTokens` (or anything with its ``get`` and
    ``refused``)."""

    def __init__(self, tokens: Any, session: requests.Session, timeout: float) -> None:
        self.tokens = tokens
        self.session = session
        self.timeout = timeout

    def get(
        self, url: str, scopes: Sequence[str], accept: str, params: dict[str, str] | None = None
    ) -> requests.Response:
        return self._call("GET", url, scopes, headers={"Accept": accept}, params=params)

    def post(
        self, url: str, scopes: Sequence[str], body: Any, content_type: str, accept: str = ""
    ) -> requests.Response:
        headers = {"Content-Type": content_type, "Accept": accept or "application/json"}
        return self._call("POST", url, scopes, headers=headers, json=body)

    def _call(
        self, method: str, url: str, scopes: Sequence[str], **kwargs: Any
    ) -> requests.Response:
        what = f"{method} {url}"
        token = self.tokens.get(scopes)
        response = self._send(method, url, token, what, **kwargs)
        if response.status_code == 401:  # one new token, one retry
            self.tokens.refused(scopes, token)
            token = self.tokens.get(scopes)
            response = self._send(method, url, token, what, **kwargs)
        return check(response, what)

    def _send(
        self,
        method: str,
        url: str,
        token: str,
        what: str,
        *,
        headers: dict[str, str],
        **kwargs: Any,
    ) -> requests.Response:
        headers = {**headers, "Authorization": f"Bearer {token}"}
        try:
            return self.session.request(
                method, url, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.Timeout as exc:
            raise Unavailable(f"{what}: no answer within {self.timeout:g} s") from exc
        except requests.RequestException as exc:
            raise Unavailable(
                f"{what}: could not reach the platform ({type(exc).__name__})"
            ) from exc
