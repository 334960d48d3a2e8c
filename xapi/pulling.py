"""The pull connector: reading a tenant's LRS into LearnLoop with ``GET statements?since=…``,
following ``more`` links (1.0.3 Communication 2.1.3), for ``learnloop xapi pull`` and the
``xapi.pull`` job.

Statements go through :mod:`xapi.intake` (the listener's validation and store: a statement
pulled again is a no-op; an invalid one is skipped and reported), then the cursor moves and the
page is committed, and ``statements_recorded`` is announced for the page's new statements. So
this module is a unit-of-work boundary, one page at a time: a pull that dies, or whose LRS goes
away, has lost at most the page in hand, and the next pull resumes after the last committed one.

The cursor (:class:`~xapi.models.LrsConnection`). We ask for ``ascending=true``, but cannot
count on it (Ralph 5.1's file backend walks in file order and reverses each page), so
``pull_since`` moves only when a walk through the pages is complete: to the newest ``stored``
seen in it, or to the LRS's ``X-Experience-API-Consistent-Through`` at the start of the walk if
that is earlier (statements still being committed then may carry an earlier ``stored``).
Until then ``pull_more`` is where the walk goes on; if the LRS no longer honours that link (the
spec promises 24 hours, C2.1.3.s2.b3), the walk starts again from ``pull_since``, and what is
pulled twice is stored once.

A known gap on the LRS side: Ralph (5.1, every backend) compares ``since`` with ``timestamp``
instead of ``stored``, so from Ralph a statement stored after a pull but timestamped before the
cursor is not returned.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from lti_tool.core.db import db, utcnow
from xapi import events, intake, timestamps
from xapi.lrs_client import Backoff, BadAnswer, LrsClient, LrsError, LrsRefused, Page
from xapi.models import LrsConnection
from xapi.store import Sender

log = logging.getLogger("learnloop.xapi")
_PROBLEMS_KEPT = 1000  # listed in the report; all are counted
_STALE_LINK = frozenset({400, 404, 410})  # how LRSs answer a more link they no longer know


@dataclass
class Progress:
    pages: int = 0
    received: int = 0
    new: int = 0
    skipped: int = 0
    problems: list[intake.Problem] = field(default_factory=list)
    finished: bool = False  # the last page was reached: nothing more to pull for now


class PullFailed(Exception):
    """The LRS failed us; what was committed before stays, with the cursor after it."""

    def __init__(self, message: str, progress: Progress) -> None:
        super().__init__(message)
        self.progress = progress


def pull(
    connection_id: int,
    *,
    client: LrsClient | None = None,
    backoff: Backoff | None = None,
    max_pages: int | None = None,
    on_page: Callable[[Progress], None] | None = None,
) -> Progress:
    """Pull from one connection until its last page (or ``max_pages``); see the module doc."""
    connection = db.session.get(LrsConnection, connection_id)
    assert connection is not None, f"no LRS connection {connection_id}"
    config = current_app.config
    walk = _Walk(
        connection,
        client or LrsClient.for_connection(connection, config["XAPI_HTTP_TIMEOUT"]),
        backoff or Backoff(attempts=config["XAPI_PULL_ATTEMPTS"]),
        intake.sender(connection.tenant_id, f"lrs-connection-{connection.id}", connection.version),
        config["XAPI_PULL_PAGE_SIZE"],
    )
    try:
        while max_pages is None or walk.progress.pages < max_pages:
            walk.next_page()
            if on_page:
                on_page(walk.progress)
            if walk.progress.finished:
                break
    except LrsError as exc:
        db.session.rollback()
        _note_failure(connection_id, str(exc))
        raise PullFailed(str(exc), walk.progress) from exc
    return walk.progress


class _Walk:
    def __init__(
        self,
        connection: LrsConnection,
        client: LrsClient,
        backoff: Backoff,
        sender: Sender,
        page_size: int,
    ) -> None:
        self.connection = connection
        self.client = client
        self.backoff = backoff
        self.sender = sender
        self.page_size = page_size
        self.progress = Progress()
        self.seen_links: set[str] = set()  # pages fetched in this run
        self.may_restart = connection.pull_more is not None  # a link saved by an earlier pull

    def next_page(self) -> None:
        starting = self.connection.pull_more is None
        url, params = self._request()
        try:
            page = self.client.read_page(
                self.backoff.call(lambda: self.client.get_page(url, params))
            )
        except LrsRefused as exc:
            if not (self.may_restart and exc.status in _STALE_LINK):
                raise
            log.warning("LRS connection %s: saved more link refused (%s)", self.connection.id, exc)
            self.connection.pull_more = None  # walk again from pull_since
            self.may_restart = False
            return self.next_page()
        self.may_restart = False
        self.seen_links.add(url)
        self._take(page, starting)
        if page.more is not None and page.more in self.seen_links:
            raise BadAnswer(f"the LRS sent the more link {page.more} twice: its paging loops")
        return None

    def _request(self) -> tuple[str, dict[str, str] | None]:
        if self.connection.pull_more:
            return self.connection.pull_more, None
        params = {"ascending": "true", "limit": str(self.page_size)}
        if self.connection.pull_since:
            params["since"] = _format(self.connection.pull_since)
        return self.client.statements_url, params

    def _take(self, page: Page, starting: bool) -> None:
        number = self.progress.pages + 1
        items = [
            intake.Item(_position(number, index, statement), statement)
            for index, statement in enumerate(page.statements)
        ]
        taken = intake.take_in(items, self.sender, self.connection.version)
        _advance(self.connection, page, starting)
        db.session.commit()
        events.announce(self.connection.tenant_id, taken.new_ids)
        self._count(page, taken)

    def _count(self, page: Page, taken: intake.Taken) -> None:
        progress = self.progress
        progress.pages += 1
        progress.received += len(page.statements)
        progress.new += len(taken.new_ids)
        progress.skipped += len(taken.problems)
        progress.problems += taken.problems[: _PROBLEMS_KEPT - len(progress.problems)]
        progress.finished = page.more is None
        for problem in taken.problems:
            log.warning("LRS connection %s: skipped %s", self.connection.id, problem)


def _advance(connection: LrsConnection, page: Page, starting: bool) -> None:
    """Move the cursor past this page (see the module docstring)."""
    stored = [when for s in page.statements if (when := _stored(s)) is not None]
    if stored:
        connection.walk_high = max(
            stored + ([connection.walk_high] if connection.walk_high else [])
        )
    if starting:
        connection.walk_consistent = page.consistent_through
    connection.last_pull_at = utcnow()
    connection.last_pull_error = None
    if page.more:
        connection.pull_more = page.more
        return
    end = connection.walk_high
    if end is not None and connection.walk_consistent is not None:
        end = min(end, connection.walk_consistent)
    if end is not None and (connection.pull_since is None or end > connection.pull_since):
        connection.pull_since = end
    connection.pull_more = connection.walk_high = connection.walk_consistent = None


def _stored(statement: Any) -> dt.datetime | None:
    value = statement.get("stored") if isinstance(statement, dict) else None
    try:
        return timestamps.parse(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _position(page: int, index: int, statement: Any) -> str:
    statement_id = statement.get("id") if isinstance(statement, dict) else None
    named = f" (id {statement_id})" if isinstance(statement_id, str) else ""
    return f"page {page}, statements[{index}]{named}"


def _format(instant: dt.datetime) -> str:
    """``since`` to the microsecond: the exact ``stored`` value we saw, never later."""
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _note_failure(connection_id: int, message: str) -> None:
    connection = db.session.get(LrsConnection, connection_id)
    if connection is not None:
        connection.last_pull_error = message[:2000]
        db.session.commit()
