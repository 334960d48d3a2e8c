"""Delivering the outbox (:mod:`xapi.emitter`) to each sending LRS connection: the
``xapi.deliver`` job and ``learnloop xapi deliver``.

Per connection, the due deliveries go out oldest first, ``XAPI_DELIVERY_BATCH`` statements to a
``POST statements``. What the LRS answers decides:

- 200, or 204 (Ralph's answer when it already had them all): delivered.
- 409: the LRS says an id it holds has other content. It counts as delivered only if the LRS
  shows it has the statement: we ask it for each one (``GET statements?statementId=``). One it
  returns is delivered (the id was fixed at emit, a random UUID, so the one it holds is ours as
  it stored it); the others are sent again one at a time. Ralph 5.1 answers 409 to a re-sent
  statement that has no ``timestamp`` (it stamps each copy anew, then compares timestamps);
  ours always have one, but this is the way out when an LRS disagrees anyway.
- another 4xx for a batch: each statement goes on its own, so one the LRS refuses does not hold
  back the rest; one refused on its own waits like any failure, its error kept.
- 429, 5xx, no connection, a timeout: the LRS is down or busy. Nothing more goes to it in this
  run; the batch waits, each statement ``DELAY·2^(attempts-1)`` (1 minute doubling, at most
  6 hours) or as long as ``Retry-After`` asks.

Nothing is given up: a statement waits until its LRS takes it (the Settings page shows how many
wait, and the last error). A claimed batch is leased first (its next attempt moved
``LEASE`` ahead and committed), so two workers do not send it at once; if a worker dies
mid-send, the batch is due again when the lease ends. Delivery is at least once, and a
statement sent twice is stored once by the LRS. This module commits: it is the job boundary.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from flask import current_app
from sqlalchemy import delete, exists, select

from lti_tool.core.db import db, utcnow
from xapi.lrs_client import TRANSIENT, LrsClient, retry_after, shows
from xapi.models import Delivery, LrsConnection, OutboxStatement

log = logging.getLogger("learnloop.xapi")
DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=6)
LEASE = dt.timedelta(minutes=5)

Clock = Callable[[], dt.datetime]
ClientFor = Callable[[LrsConnection], LrsClient]


@dataclass
class _Pending:
    delivery: Delivery
    statement_id: str
    statement: str  # JSON text
    settled: bool = False  # delivered, or told to wait, in this run


@dataclass
class Report:
    delivered: int = 0
    waiting: int = 0  # failed in this run, to be tried again later
    errors: list[str] = field(default_factory=list)


class _Unavailable(Exception):
    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


def deliver_due(
    *,
    clock: Clock = utcnow,
    client_for: ClientFor | None = None,
    on_batch: Callable[[Report], None] | None = None,
) -> Report:
    """Send every due delivery; an LRS that fails is left for later, the others go on."""
    timeout = current_app.config["XAPI_HTTP_TIMEOUT"]
    client_for = client_for or (lambda c: LrsClient.for_connection(c, timeout))
    report = Report()
    for connection_id in _connections_with_due(clock()):
        connection = db.session.get(LrsConnection, connection_id)
        assert connection is not None
        _Sender(client_for(connection), clock, report).deliver(connection_id, on_batch)
    purge_delivered(clock())
    db.session.commit()
    return report


def purge_delivered(now: dt.datetime) -> None:
    """Forget statements delivered everywhere more than ``XAPI_OUTBOX_KEEP_DAYS`` ago."""
    cutoff = now - dt.timedelta(days=current_app.config["XAPI_OUTBOX_KEEP_DAYS"])
    waiting = exists().where(
        Delivery.outbox_id == OutboxStatement.id, Delivery.delivered_at.is_(None)
    )
    db.session.execute(delete(OutboxStatement).where(OutboxStatement.created_at < cutoff, ~waiting))


def _connections_with_due(now: dt.datetime) -> list[int]:
    query = (
        select(Delivery.connection_id)
        .join(LrsConnection, LrsConnection.id == Delivery.connection_id)
        .where(
            Delivery.delivered_at.is_(None),
            Delivery.next_attempt_at <= now,
            LrsConnection.enabled.is_(True),
            LrsConnection.send.is_(True),
        )
        .distinct()
    )
    return sorted(db.session.scalars(query))


class _Sender:
    def __init__(self, client: LrsClient, clock: Clock, report: Report) -> None:
        self.client = client
        self.clock = clock
        self.report = report

    def deliver(self, connection_id: int, on_batch: Callable[[Report], None] | None) -> None:
        while batch := self._claim(connection_id):
            try:
                self._send(batch)
            except _Unavailable as exc:
                self._wait([p for p in batch if not p.settled], exc)
                db.session.commit()
                return
            db.session.commit()
            if on_batch:
                on_batch(self.report)

    def _claim(self, connection_id: int) -> list[_Pending]:
        now = self.clock()
        rows = db.session.execute(
            select(Delivery, OutboxStatement.statement_id, OutboxStatement.statement)
            .join(OutboxStatement, OutboxStatement.id == Delivery.outbox_id)
            .where(
                Delivery.connection_id == connection_id,
                Delivery.delivered_at.is_(None),
                Delivery.next_attempt_at <= now,
            )
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(current_app.config["XAPI_DELIVERY_BATCH"])
            .with_for_update(of=Delivery, skip_locked=True)
        ).all()
        for delivery, _, _ in rows:
            delivery.next_attempt_at = now + LEASE
        db.session.commit()
        return [_Pending(*row) for row in rows]

    def _send(self, batch: list[_Pending]) -> None:
        body = "[" + ",".join(p.statement for p in batch) + "]"
        response = self._call(lambda: self.client.post_statements(body))
        if response.status_code in (200, 204):
            self._delivered(batch)
        elif response.status_code == 409:
            self._settle_conflict(batch)
        elif len(batch) > 1:
            for pending in batch:
                self._send([pending])
        else:
            error = f"the LRS refused the statement: {response.status_code} {response.text[:300]}"
            self._wait(batch, _Unavailable(error))

    def _settle_conflict(self, batch: list[_Pending]) -> None:
        missing = []
        for pending in batch:
            response = self._call(lambda p=pending: self.client.get_statement(p.statement_id))
            if shows(response, pending.statement_id):
                self._delivered([pending])
            else:
                missing.append(pending)
        if len(batch) == 1 and missing:
            error = "the LRS answered 409 (another statement has its id) and does not show it"
            self._wait(missing, _Unavailable(error))
            return
        for pending in missing:
            self._send([pending])

    def _call(self, send: Callable[[], requests.Response]) -> requests.Response:
        try:
            response = send()
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise _Unavailable(f"could not reach the LRS ({type(exc).__name__})") from exc
        if response.status_code in TRANSIENT:
            raise _Unavailable(f"the LRS answered {response.status_code}", retry_after(response))
        return response

    def _delivered(self, batch: list[_Pending]) -> None:
        now = self.clock()
        for pending in batch:
            pending.delivery.delivered_at = now
            pending.delivery.last_error = None
            pending.settled = True
        self.report.delivered += len(batch)

    def _wait(self, batch: list[_Pending], reason: _Unavailable) -> None:
        now = self.clock()
        for pending in batch:
            delivery = pending.delivery
            delivery.attempts += 1
            delay = min(DELAY * 2 ** min(delivery.attempts - 1, 20), MAX_DELAY)
            if reason.wait is not None:
                delay = max(delay, dt.timedelta(seconds=reason.wait))
            delivery.next_attempt_at = now + delay
            delivery.last_error = str(reason)[:2000]
            pending.settled = True
        self.report.waiting += len(batch)
        self.report.errors.append(str(reason))
        log.warning("xAPI delivery: %d statement(s) wait: %s", len(batch), reason)
