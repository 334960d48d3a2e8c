"""The pull connector: reading a tenant's LRS into LearnLoop with ``GET statements?since=…``,
following ``more`` links (1.0.3 Communication 2.1.3), for ``learnloop xapi pull`` and the
``xapi.pull`` job.

Statements go through :mod:`xapi.intake` (the listener's validation and store: a statement
pulled again is a no-op; an invalid one is skipped and reported), then the cursor moves and the
page is committed, and ``statements_recorded`` is announced for the page's new statements. So
this module is a unit-of-work boundary, one page at a time: a pull that dies, or whose LRS goes
away, has lost at most the page in hand, and the next pull resumes after the last committed one.

Attachments. We ask with ``attachments=true``, so that the data of the statements' attachments
comes along (a ``multipart/mixed`` answer: C2.1.3, C1.5.2) and is kept, hash-checked, through
:mod:`xapi.intake`, as the listener keeps what is POSTed to it; signed statements arrive with
their signature and are checked as the listener checks them. An LRS that refuses the parameter
is asked again without it, for the rest of that pull, and the report says so. One that ignores
it (Ralph 5.1 answers plain JSON, and cannot hold attachment data at all) still has its
statements pulled; the report counts those stored without the data they name.

The cursor (:mod:`xapi.pull_cursor`, kept on :class:`~xapi.models.LrsConnection`). We ask for
``ascending=true``, but cannot count on it (Ralph 5.1's file backend walks in file order and
reverses each page), so
``pull_since`` moves only when a walk through the pages is complete: to the newest ``stored``
seen in it, or to the LRS's ``X-Experience-API-Consistent-Through`` at the start of the walk if
that is earlier (statements still being committed then may carry an earlier ``stored``).
Until then ``pull_more`` is where the walk goes on; if the LRS no longer honours that link (the
spec promises 24 hours, C2.1.3.s2.b3), the walk starts again from ``pull_since``, and what is
pulled twice is stored once. A reset of the cursor (:func:`xapi.connections.reset_pull`) while
a pull runs wins: the reset raises ``pull_generation``, each page writes the cursor only where
the generation is still the one the pull read, and a pull that finds it moved on stops there,
without storing that page; the next pull starts from the new cursor.

A known gap on the LRS side: Ralph (5.1, every backend) compares ``since`` with ``timestamp``
instead of ``stored``, so from Ralph a statement stored after a pull but timestamped before the
cursor is not returned.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from flask import current_app

from lti_tool.core.db import db
from xapi import events, intake
from xapi.lrs_client import Backoff, BadAnswer, LrsClient, LrsError, LrsRefused, Page
from xapi.models import LrsConnection
from xapi.pull_cursor import Cursor, advanced, note_failure, save, since_param
from xapi.store import Sender

log = logging.getLogger("learnloop.xapi")
_PROBLEMS_KEPT = 1000  # listed in the report; all are counted
_STALE_LINK = frozenset({400, 404, 410})  # how LRSs answer a more link they no longer know
_NOT_ABOUT_ATTACHMENTS = frozenset({401, 403})  # asking without attachments=true will not help
RESET = (
    "the pull cursor was reset while this pull ran: it stopped without storing its last page "
    "or moving the cursor; the next pull starts from the new cursor"
)


@dataclass
class Progress:
    pages: int = 0
    received: int = 0
    new: int = 0
    skipped: int = 0
    problems: list[intake.Problem] = field(default_factory=list)
    finished: bool = False  # the last page was reached: nothing more to pull for now
    attachments: int = 0  # attachment data (parts) kept with the statements
    without_data: int = 0  # statements stored without the attachment data they name
    reset: bool = False  # the cursor was reset while this pull ran, so it stopped
    notes: list[str] = field(default_factory=list)  # for the report: what went unlike asked


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
        client
        or LrsClient.for_connection(
            connection, config["XAPI_HTTP_TIMEOUT"], config["XAPI_PULL_MAX_PAGE_BYTES"]
        ),
        backoff or Backoff(attempts=config["XAPI_PULL_ATTEMPTS"]),
        intake.sender(connection.tenant_id, f"lrs-connection-{connection.id}", connection.version),
        config["XAPI_PULL_PAGE_SIZE"],
    )
    try:
        while max_pages is None or walk.progress.pages < max_pages:
            walk.next_page()
            if walk.progress.reset:
                break
            if on_page:
                on_page(walk.progress)
            if walk.progress.finished:
                break
    except LrsError as exc:
        db.session.rollback()
        note_failure(connection_id, walk.cursor, str(exc))
        raise PullFailed(str(exc), walk.finish()) from exc
    return walk.finish()


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
        self.id = connection.id
        self.tenant_id = connection.tenant_id
        self.version = connection.version
        self.cursor = Cursor.of(connection)  # as this walk last read or wrote it
        self.client = client
        self.backoff = backoff
        self.sender = sender
        self.page_size = page_size
        self.progress = Progress()
        self.seen_links: set[str] = set()  # pages fetched in this run
        self.may_restart = connection.pull_more is not None  # a link saved by an earlier pull
        self.with_attachments = True  # until the LRS refuses attachments=true
        self.plain_answers = False  # the LRS answered attachments=true with plain JSON

    def next_page(self) -> None:
        starting = self.cursor.more is None
        url, params = self._request()
        try:
            page = self._fetch(url, params)
        except LrsRefused as exc:
            if params and "attachments" in params and exc.status not in _NOT_ABOUT_ATTACHMENTS:
                page = self._without_attachments(url, params, exc)
            elif self.may_restart and exc.status in _STALE_LINK:
                log.warning("LRS connection %s: saved more link refused (%s)", self.id, exc)
                self.cursor = replace(self.cursor, more=None)  # walk again from pull_since
                self.may_restart = False
                return self.next_page()
            else:
                raise
        self.may_restart = False
        self.seen_links.add(url)
        self._take(page, starting)
        if page.more is not None and page.more in self.seen_links:
            raise BadAnswer(f"the LRS sent the more link {page.more} twice: its paging loops")
        return None

    def _request(self) -> tuple[str, dict[str, str] | None]:
        if self.cursor.more:
            return self.cursor.more, None
        params = {"ascending": "true", "limit": str(self.page_size)}
        if self.with_attachments:
            params["attachments"] = "true"
        if self.cursor.since:
            params["since"] = since_param(self.cursor.since)
        return self.client.statements_url, params

    def _fetch(self, url: str, params: dict[str, str] | None) -> Page:
        return self.client.read_page(self.backoff.call(lambda: self.client.get_page(url, params)))

    def _without_attachments(self, url: str, params: dict[str, str], refused: LrsRefused) -> Page:
        """The page asked for again without ``attachments=true``, which the LRS refused; if this
        fails too, its own error is the one to report."""
        page = self._fetch(url, {k: v for k, v in params.items() if k != "attachments"})
        self.with_attachments = False
        note = f"the LRS refused attachments=true ({refused}): pulled without attachment data"
        log.warning("LRS connection %s: %s", self.id, note)
        self.progress.notes.append(note)
        return page

    def _take(self, page: Page, starting: bool) -> None:
        cursor = advanced(self.cursor, page, starting)
        if not save(self.id, cursor, self.cursor):
            db.session.rollback()  # the page too: the reset decides what is read from here
            log.warning("LRS connection %s: %s", self.id, RESET)
            self.progress.reset = True
            self.progress.notes.append(RESET)
            return
        number = self.progress.pages + 1
        items = [
            intake.Item(_position(number, index, statement), statement)
            for index, statement in enumerate(page.statements)
        ]
        taken = intake.take_in(items, self.sender, self.version, page.parts)
        db.session.commit()
        db.session.expire(self.connection)  # its cursor was written past the ORM
        self.cursor = cursor
        if taken.without_data and page.parts is None and self.with_attachments:
            self.plain_answers = True
        events.announce(self.tenant_id, taken.new_ids)
        self._count(page, taken)

    def _count(self, page: Page, taken: intake.Taken) -> None:
        progress = self.progress
        progress.pages += 1
        progress.received += len(page.statements)
        progress.new += len(taken.new_ids)
        progress.skipped += len(taken.problems)
        progress.problems += taken.problems[: _PROBLEMS_KEPT - len(progress.problems)]
        progress.attachments += taken.kept
        progress.without_data += taken.without_data
        progress.finished = page.more is None
        for problem in taken.problems:
            log.warning("LRS connection %s: skipped %s", self.id, problem)

    def finish(self) -> Progress:
        """The progress, with a note on statements stored without their attachment data."""
        if self.progress.without_data:
            why = "the LRS did not send it"
            if self.plain_answers:
                why += " (it answered attachments=true with plain JSON)"
            note = (
                f"{self.progress.without_data} statement(s) stored without the attachment "
                f"data they name: {why}"
            )
            log.warning("LRS connection %s: %s", self.id, note)
            self.progress.notes.append(note)
        return self.progress


def _position(page: int, index: int, statement: Any) -> str:
    statement_id = statement.get("id") if isinstance(statement, dict) else None
    named = f" (id {statement_id})" if isinstance(statement_id, str) else ""
    return f"page {page}, statements[{index}]{named}"
