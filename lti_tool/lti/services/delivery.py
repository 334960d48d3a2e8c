"""Delivering the score outbox to the platforms' gradebooks: the ``lti.deliver_scores`` job.

A run claims due scores in batches (``LTI_SCORE_BATCH``): their next attempt is moved a lease
ahead and committed first (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two workers never send
the same score at once, and a worker that dies leaves them due again when the lease ends.
A claimed score that has a newer one for the same person and link is superseded, not sent.

Per link, the line item is found or created once (:mod:`.lineitems`), then each score is
POSTed to ``<line item>/scores`` (LTI AGS 2.0 §3.4) with one token per scope set. Its
timestamp never goes back for a person and line item (Moodle: never within the same second,
:mod:`lti_tool.lti.products.moodle_ags`). What the platform answers decides:

- 2xx: sent.
- 409 (the platform holds a newer score): sent again once with a newer timestamp.
- 404: the line item is gone; it is looked for again at the next attempt.
- other 4xx, a malformed answer: the score waits, with the error shown to instructors.
- 429, 5xx, no connection, a timeout: the platform is down or busy; nothing more goes to it in
  this run, and every waiting score of it is tried again later.

A score that waits is tried again after 1 minute, doubling up to 6 hours, or as long as
``Retry-After`` asks; it is never given up. This module commits: it is the job boundary.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby

import requests
from flask import current_app
from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from lti_tool.core.db import db, utcnow
from lti_tool.lti.models import Deployment, Registration, User
from lti_tool.lti.products.ags import SCORE_TYPE, Score, ServiceBehaviour
from lti_tool.lti.services import lineitems
from lti_tool.lti.services.http import PlatformAccount, PlatformClient, ServiceError, Unavailable
from lti_tool.lti.services.models import AgsEndpoint, ScoreDelivery
from lti_tool.lti.services.tokens import PlatformTokens

log = logging.getLogger("learnloop.lti")
DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=6)
LEASE = dt.timedelta(minutes=5)
KEEP = dt.timedelta(days=30)  # sent scores stay listed (and countable) this long

Clock = Callable[[], dt.datetime]


@dataclass
class Report:
    sent: int = 0
    superseded: int = 0
    waiting: int = 0  # failed in this run, to be tried again later
    errors: list[str] = field(default_factory=list)


def deliver_due(*, clock: Clock = utcnow, http: requests.Session | None = None) -> Report:
    """Send every due score; a platform that fails is left for later, the others go on."""
    run = _Run(clock, http or requests.Session())
    while claimed := _claim(clock()):
        run.deliver(claimed)
    purge(clock())
    return run.report


def purge(now: dt.datetime) -> int:
    """Forget scores sent or superseded more than ``KEEP`` ago that a newer score of the same
    person and link follows (the newest stays: its timestamp is the one later ones must pass)."""
    cutoff = now - KEEP
    newer = aliased(ScoreDelivery)
    result = db.session.execute(
        delete(ScoreDelivery)
        .where(
            or_(ScoreDelivery.sent_at < cutoff, ScoreDelivery.superseded_at < cutoff),
            exists().where(
                newer.endpoint_id == ScoreDelivery.endpoint_id,
                newer.user_id == ScoreDelivery.user_id,
                newer.id > ScoreDelivery.id,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(result.rowcount or 0)


def _claim(now: dt.datetime) -> list[int]:
    due = (
        select(ScoreDelivery.id)
        .where(
            ScoreDelivery.sent_at.is_(None),
            ScoreDelivery.superseded_at.is_(None),
            ScoreDelivery.next_attempt_at <= now,
        )
        .order_by(ScoreDelivery.next_attempt_at, ScoreDelivery.id)
        .limit(current_app.config["LTI_SCORE_BATCH"])
    )
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = db.session.scalars(
        update(ScoreDelivery)
        .where(ScoreDelivery.id.in_(due.scalar_subquery()), ScoreDelivery.next_attempt_at <= now)
        .values(next_attempt_at=now + LEASE)
        .returning(ScoreDelivery.id)
        .execution_options(synchronize_session=False)
    ).all()
    newer = aliased(ScoreDelivery)
    db.session.execute(
        update(ScoreDelivery)
        .where(
            ScoreDelivery.id.in_(claimed),
            exists().where(
                newer.endpoint_id == ScoreDelivery.endpoint_id,
                newer.user_id == ScoreDelivery.user_id,
                newer.id > ScoreDelivery.id,
            ),
        )
        .values(superseded_at=now, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(claimed)


class _Run:
    def __init__(self, clock: Clock, http: requests.Session) -> None:
        self.clock = clock
        self.http = http
        self.report = Report()
        self.clients: dict[int, tuple[PlatformAccount, PlatformClient]] = {}
        self.down: dict[int, ServiceError] = {}  # registration id → why, for this run

    def deliver(self, claimed: list[int]) -> None:
        rows = db.session.execute(
            select(ScoreDelivery, User.sub, Deployment.registration_id)
            .join(User, User.id == ScoreDelivery.user_id)
            .join(Deployment, Deployment.id == ScoreDelivery.tenant_id)
            .where(ScoreDelivery.id.in_(claimed), ScoreDelivery.superseded_at.is_(None))
            .order_by(ScoreDelivery.endpoint_id, ScoreDelivery.id)
        ).all()
        self.report.superseded += len(claimed) - len(rows)
        for (endpoint_id, registration_id), group in groupby(
            rows, key=lambda r: (r[0].endpoint_id, r[2])
        ):
            batch = [(row[0], row[1]) for row in group]
            self._deliver_link(endpoint_id, registration_id, batch)
            db.session.commit()

    def _client(self, registration_id: int) -> tuple[PlatformAccount, PlatformClient]:
        if registration_id not in self.clients:
            registration = db.session.get(Registration, registration_id)
            assert registration is not None
            account = PlatformAccount.of(registration)
            timeout = float(current_app.config["LTI_SERVICE_HTTP_TIMEOUT"])
            tokens = PlatformTokens(account, self.http, timeout, clock=self.clock)
            self.clients[registration_id] = (account, PlatformClient(tokens, self.http, timeout))
        return self.clients[registration_id]

    def _deliver_link(
        self, endpoint_id: int, registration_id: int, batch: list[tuple[ScoreDelivery, str]]
    ) -> None:
        if registration_id in self.down:
            self._wait([d for d, _ in batch], self.down[registration_id])
            return
        account, client = self._client(registration_id)
        behaviour = account.behaviour
        endpoint = db.session.get(AgsEndpoint, endpoint_id)
        assert endpoint is not None
        try:
            url = lineitems.line_item_url(
                endpoint_id, client, behaviour, batch[0][0].score_maximum, clock=self.clock
            )
        except ServiceError as exc:
            self._failed([d for d, _ in batch], exc, registration_id)
            return
        scopes = behaviour.ags_token_scopes(endpoint.scopes)
        last_sent = _last_sent(endpoint_id, [d.user_id for d, _ in batch])
        for index, (delivery, sub) in enumerate(batch):
            try:
                self._send(client, behaviour, url, scopes, delivery, sub, last_sent)
            except ServiceError as exc:
                if isinstance(exc, Unavailable) or exc.status == 404:
                    # Down or busy: the rest waits too. 404: the line item is gone; look for
                    # it again at the next attempt, for all of them.
                    if exc.status == 404:
                        lineitems.forget_line_item(endpoint_id)
                    self._failed([d for d, _ in batch[index:]], exc, registration_id)
                    return
                self._wait([delivery], exc)

    def _send(
        self,
        client: PlatformClient,
        behaviour: ServiceBehaviour,
        url: str,
        scopes: tuple[str, ...],
        delivery: ScoreDelivery,
        sub: str,
        last_sent: dict[int, dt.datetime],
    ) -> None:
        for attempt in (1, 2):
            wanted = delivery.timestamp if attempt == 1 else self.clock()
            timestamp = behaviour.score_timestamp(wanted, last_sent.get(delivery.user_id))
            delivery.sent_timestamp = last_sent[delivery.user_id] = timestamp
            body = behaviour.score_body(_score(delivery, sub, timestamp))
            try:
                response = client.post(
                    lineitems.with_path(url, "/scores"), scopes, body, SCORE_TYPE
                )
            except ServiceError as exc:
                if exc.status == 409 and attempt == 1:  # the platform holds a newer score
                    continue
                delivery.last_status = exc.status
                raise
            delivery.sent_at = self.clock()
            delivery.next_attempt_at = None
            delivery.last_status = response.status_code
            delivery.last_error = None
            self.report.sent += 1
            return

    def _failed(self, batch: list[ScoreDelivery], exc: ServiceError, registration_id: int) -> None:
        if isinstance(exc, Unavailable):
            self.down[registration_id] = exc
        self._wait(batch, exc)

    def _wait(self, batch: list[ScoreDelivery], exc: ServiceError) -> None:
        now = self.clock()
        for delivery in batch:
            delivery.attempts += 1
            delay = min(DELAY * 2 ** min(delivery.attempts - 1, 20), MAX_DELAY)
            if exc.retry_after is not None:
                delay = max(delay, dt.timedelta(seconds=exc.retry_after))
            delivery.next_attempt_at = now + delay
            delivery.last_error = str(exc)[:2000]
            if exc.status is not None:
                delivery.last_status = exc.status
        self.report.waiting += len(batch)
        self.report.errors.append(str(exc))
        log.warning("AGS: %d score(s) wait: %s", len(batch), exc)


def _last_sent(endpoint_id: int, user_ids: list[int]) -> dict[int, dt.datetime]:
    """The newest timestamp sent so far per person on this link (timestamps never go back)."""
    rows = db.session.execute(
        select(ScoreDelivery.user_id, func.max(ScoreDelivery.sent_timestamp))
        .where(
            ScoreDelivery.endpoint_id == endpoint_id,
            ScoreDelivery.user_id.in_(set(user_ids)),
            ScoreDelivery.sent_timestamp.is_not(None),
        )
        .group_by(ScoreDelivery.user_id)
    ).all()
    return {user_id: _aware(value) for user_id, value in rows if value is not None}


def _aware(value: dt.datetime) -> dt.datetime:
    # max() over a UTCDateTime column comes back without the type's processing on SQLite.
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _score(delivery: ScoreDelivery, sub: str, timestamp: dt.datetime) -> Score:
    return Score(
        user_id=sub,
        score_given=delivery.score_given,
        score_maximum=delivery.score_maximum,
        activity_progress=delivery.activity_progress,
        grading_progress=delivery.grading_progress,
        timestamp=timestamp,
        comment=delivery.comment,
    )
