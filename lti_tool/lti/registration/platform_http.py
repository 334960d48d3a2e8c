"""Talking to the platform during Dynamic Registration: reading its configuration and posting
our registration, with the registration token as Bearer (Canvas wants it on both; notes §3).

Both calls are bounded: http(s) only, a timeout, at most 1 MiB read; the configuration may
redirect a few times within its site, the registration not at all. A failure is a
``PlatformCallFailed`` saying which step failed and how; when the platform refuses our
registration, its own words are kept for the administrator to read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from lti_tool.core.http_body import TooLarge, read_at_most

MAX_BODY = 1024 * 1024
_MAX_REDIRECTS = 3
_TIMEOUT = (5.0, 15.0)  # connect, read (seconds)


class PlatformCallFailed(Exception):
    """``code``: unreachable | not_json | token_rejected | refused."""

    def __init__(self, code: str, detail: str, platform_text: str | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.platform_text = platform_text


@dataclass(frozen=True)
class _Answer:
    status: int
    content: bytes
    url: str

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


def is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and len(url) <= 2048


def fetch_configuration(url: str, token: str | None) -> Any:
    """The platform's OpenID configuration, as JSON (LTI DR 1.0 §3.4).

    Whoever opens ``/lti/register`` chooses this URL, so what it answers is never shown on the
    page (it could be any site's, an internal one's too): only its status, and only JSON that
    is a platform configuration is used. A redirect must stay on the same site, where the
    issuer check (§3.5.1) applies.
    """
    answer = _call("GET", url, token)
    if origin(answer.url) != origin(url):
        raise PlatformCallFailed("unreachable", f"{url} redirected to another site")
    if answer.status in (401, 403):
        raise PlatformCallFailed("token_rejected", f"configuration GET answered {answer.status}")
    if not 200 <= answer.status < 300:
        raise PlatformCallFailed("unreachable", f"configuration GET answered {answer.status}")
    try:
        return json.loads(answer.content)
    except ValueError as exc:
        raise PlatformCallFailed("not_json", f"the configuration at {url} is not JSON") from exc


def post_registration(endpoint: str, token: str | None, body: dict[str, Any]) -> Any:
    """Our client registration, and the platform's answer (LTI DR 1.0 §3.5.2, §3.6).

    The endpoint is on the site of a configuration that passed the issuer check, so what it
    answers is the platform's own words, shown to the administrator when it refuses.
    """
    answer = _call("POST", endpoint, token, json=body, allow_redirects=False)
    if answer.status in (401, 403):
        # Moodle: 401 "token_already_used"; an expired token fails its signature check.
        raise PlatformCallFailed(
            "token_rejected", f"registration POST answered {answer.status}", _excerpt(answer.text)
        )
    if not 200 <= answer.status < 300:
        raise PlatformCallFailed(
            "refused", f"registration POST answered {answer.status}", _excerpt(answer.text)
        )
    return _json(answer, "the registration response")


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in: what makes a *site*."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    try:
        port = parts.port or default
    except ValueError:  # a port that is not a number
        port = -1
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _call(method: str, url: str, token: str | None, **kwargs: Any) -> _Answer:
    if not is_http_url(url):
        raise PlatformCallFailed("unreachable", f"{url!r} is not an http(s) URL")
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token  # requests drops it on a redirect elsewhere
    try:
        with requests.Session() as session:
            session.max_redirects = _MAX_REDIRECTS
            with session.request(
                method, url, headers=headers, timeout=_TIMEOUT, stream=True, **kwargs
            ) as response:
                content = _read_bounded(response, f"{method} {url}")
                return _Answer(response.status_code, content, response.url)
    except requests.RequestException as exc:
        raise PlatformCallFailed("unreachable", f"{method} {url}: {exc}") from exc


def _read_bounded(response: requests.Response, what: str) -> bytes:
    try:
        return read_at_most(response, MAX_BODY)
    except TooLarge:
        raise PlatformCallFailed(
            "not_json", f"{what}: answer larger than {MAX_BODY} bytes"
        ) from None


def _json(answer: _Answer, what: str) -> Any:
    try:
        return json.loads(answer.content)
    except ValueError as exc:
        raise PlatformCallFailed(
            "not_json", f"{what} from {answer.url} is not JSON: {exc}", _excerpt(answer.text)
        ) from exc


def _excerpt(text: str, limit: int = 2000) -> str | None:
    text = text.strip()
    if not text:
        return None
    return text if len(text) <= limit else text[:limit] + "…"
