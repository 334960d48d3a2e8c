"""LearnLoop as an LRS's client: reading pages of statements, sending statements.

- Every request carries the connection's ``X-Experience-API-Version`` and HTTP Basic auth.
- A ``more`` link should be relative (1.0.3 Data 2.5; LearningLocker #501 sent absolute ones):
  both are followed, but only to the endpoint's own server, so that a wrong or hostile link
  never gets our credentials.
- A page of statements comes as JSON, or as ``multipart/mixed`` when asked with
  ``attachments=true`` (C2.1.3): the StatementResult first, then the attachments' data, read
  by :mod:`xapi.attachments.multipart` (a part whose data does not match its hash makes the
  answer a :class:`BadAnswer`). An LRS may answer either way, with or without attachments.
- :class:`Backoff` retries what may pass (429, 5xx, no connection, timeouts) a bounded number
  of times, waiting twice as long each time, or as long as ``Retry-After`` asks (up to a cap:
  beyond it the LRS is given up on for now). ``sleep`` is injectable, so tests never wait.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from lti_tool.core.http_body import TooLarge, read_at_most
from xapi import jsonbody, timestamps
from xapi.attachments import multipart
from xapi.attachments.multipart import Part
from xapi.connections import credentials_of
from xapi.errors import BadRequest
from xapi.models import LrsConnection

TRANSIENT = frozenset({429, 500, 502, 503, 504})
DEFAULT_MAX_PAGE_BYTES = 64 * 1024 * 1024  # LEARNLOOP_XAPI_PULL_MAX_PAGE_BYTES
VERSION_HEADER = "X-Experience-API-Version"
CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"


class LrsError(Exception):
    """The LRS did not give us what we asked for; the message says what it did instead."""


class LrsUnavailable(LrsError):
    """Down, overloaded or unreachable (after retries, if any); ``retry_after`` if it said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LrsRefused(LrsError):
    """A 4xx answer other than 429: asking again unchanged will not help."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"the LRS answered {status}: {text[:300]}")
        self.status = status


class BadAnswer(LrsError):
    """A 2xx answer that is not what xAPI promises (not JSON, not a StatementResult, …)."""


@dataclass(frozen=True)
class Page:
    statements: list[Any]
    more: str | None  # absolute, on the endpoint's server; None when this was the last page
    consistent_through: dt.datetime | None
    parts: dict[str, Part] | None = None  # by sha2, from a multipart answer; None: it was JSON


def retry_after(response: requests.Response) -> float | None:
    """Seconds the LRS asks us to wait (RFC 9110 §10.2.3: seconds or an HTTP date)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def unavailable(response: requests.Response) -> LrsUnavailable:
    return LrsUnavailable(f"the LRS answered {response.status_code}", retry_after(response))


@dataclass
class Backoff:
    attempts: int = 5
    first_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 120.0
    sleep: Callable[[float], None] = time.sleep

    def call(self, send: Callable[[], requests.Response]) -> requests.Response:
        """``send()``'s answer once it is not a transient failure; or :class:`LrsUnavailable`."""
        for attempt in range(1, self.attempts + 1):
            try:
                response = send()
            except (requests.ConnectionError, requests.Timeout) as exc:
                problem, wait = f"could not reach the LRS ({type(exc).__name__})", None
            else:
                if response.status_code not in TRANSIENT:
                    return response
                problem, wait = f"the LRS answered {response.status_code}", retry_after(response)
                response.close()  # a streamed answer holds its connection until closed
            if wait is not None and wait > self.max_retry_after:
                raise LrsUnavailable(f"{problem}, asking us to wait {wait:.0f} s", wait)
            if attempt == self.attempts:
                raise LrsUnavailable(f"{problem}; gave up after {attempt} attempts", wait)
            self.sleep(wait if wait is not None else self._delay(attempt))
        raise AssertionError("unreachable")  # the loop returns or raises

    def _delay(self, attempt: int) -> float:
        return min(self.first_delay * 2 ** (attempt - 1), self.max_delay)


class LrsClient:
    def __init__(
        self,
        endpoint: str,
        username: str,
        password: str,
        version: str,
        *,
        timeout: float = 30.0,
        session: requests.Session | None = None,
        max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES,
    ) -> None:
        self.endpoint = endpoint
        self.version = version
        self.timeout = timeout
        self.max_page_bytes = max_page_bytes
        self.session = session or requests.Session()
        self.session.auth = (username, password)
        self.session.headers[VERSION_HEADER] = version

    @classmethod
    def for_connection(
        cls,
        connection: LrsConnection,
        timeout: float = 30.0,
        max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES,
    ) -> LrsClient:
        username, password = credentials_of(connection)
        return cls(
            connection.endpoint,
            username,
            password,
            connection.version,
            timeout=timeout,
            max_page_bytes=max_page_bytes,
        )

    @property
    def statements_url(self) -> str:
        return urljoin(self.endpoint, "statements")

    def absolute(self, more: str) -> str:
        url = urljoin(self.endpoint, more)
        ours, theirs = urlsplit(self.endpoint), urlsplit(url)
        if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
            raise BadAnswer(
                f"the more link leads to another server ({theirs.scheme}://{theirs.netloc}); "
                "it is not followed with this connection's credentials"
            )
        return url

    def get_page(self, url: str, params: dict[str, str] | None = None) -> requests.Response:
        """The answer, its body not read yet: :meth:`read_page` reads it, up to a limit."""
        return self.session.get(url, params=params, timeout=self.timeout, stream=True)

    def read_page(self, response: requests.Response) -> Page:
        """The StatementResult in a 2xx answer; :class:`BadAnswer` if it is not one."""
        if response.status_code in TRANSIENT:
            response.close()
            raise unavailable(response)
        content = _body(response, self.max_page_bytes)
        if not 200 <= response.status_code < 300:
            raise LrsRefused(response.status_code, content.decode("utf-8", errors="replace"))
        content, parts = _split(response, content)
        try:
            body = jsonbody.loads(content)
        except jsonbody.BadJson as exc:
            raise BadAnswer(f"the LRS's answer is not valid JSON: {exc}") from exc
        statements = body.get("statements") if isinstance(body, dict) else None
        more = body.get("more") if isinstance(body, dict) else None
        if not isinstance(statements, list) or not isinstance(more, str | None):
            raise BadAnswer("the LRS's answer is not a StatementResult ({statements, more})")
        return Page(statements, self.absolute(more) if more else None, _through(response), parts)

    def post_statements(self, body: str) -> requests.Response:
        return self.session.post(
            self.statements_url,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
            timeout=self.timeout,
        )

    def get_statement(self, statement_id: str) -> requests.Response:
        return self.session.get(
            self.statements_url, params={"statementId": statement_id}, timeout=self.timeout
        )


def shows(response: requests.Response, statement_id: str) -> bool:
    """Whether the answer to :meth:`LrsClient.get_statement` is that statement.

    Read from the body, not the status: Ralph 5.1 answers 200 with a StatementResult (empty
    when it has no such statement) where the spec asks for the Statement, or 404.
    """
    if response.status_code != 200:
        return False
    try:
        body = jsonbody.loads(response.content)
    except jsonbody.BadJson:
        return False
    found = body.get("statements", [body]) if isinstance(body, dict) else []
    wanted = statement_id.lower()
    return any(
        isinstance(s, dict) and isinstance(s.get("id"), str) and s["id"].lower() == wanted
        for s in (found if isinstance(found, list) else [])
    )


def _body(response: requests.Response, limit: int) -> bytes:
    """The body of a streamed answer; :class:`BadAnswer` once it grows beyond ``limit`` bytes."""
    try:
        return read_at_most(response, limit)
    except TooLarge:
        raise BadAnswer(
            f"the LRS's answer is larger than {limit} bytes (LEARNLOOP_XAPI_PULL_MAX_PAGE_BYTES): "
            "raise that limit, or have pages with less attachment data"
        ) from None
    except requests.RequestException as exc:
        raise BadAnswer(f"the LRS's answer broke off ({type(exc).__name__})") from exc
    finally:
        response.close()


def _split(response: requests.Response, content: bytes) -> tuple[bytes, dict[str, Part] | None]:
    """The StatementResult's JSON and, in a ``multipart/mixed`` answer, the attachment parts."""
    content_type = response.headers.get("Content-Type", "")
    if content_type.split(";", 1)[0].strip().lower() != "multipart/mixed":
        return content, None
    try:
        received = multipart.read(content_type, content)
    except BadRequest as exc:
        raise BadAnswer(f"the LRS's multipart answer cannot be read: {exc.message}") from exc
    return received.statements, received.parts


def _through(response: requests.Response) -> dt.datetime | None:
    value = response.headers.get(CONSISTENT_THROUGH)
    try:
        return timestamps.parse(value.strip()) if value else None
    except ValueError:
        return None
