"""Delivering the outbox to an LRS played by ``responses``: batches, backoff that delays and
never loses, Retry-After, what a 409 means, and only the tenant's own connections."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import responses
from flask import Flask
from sqlalchemy import func, select

from lti_tool.core.db import commit_or_rollback, db
from tests.integration.xapi_helpers import statement, tenant_id
from tests.integration.xapi_lrs_helpers import STATEMENTS, add_connection
from tests.support.platform import TestPlatform
from xapi import connections, delivery, emitter
from xapi.models import Delivery, OutboxStatement


class Clock:
    """Time for the delivery job: a minute after now (what was emitted is due), then moved."""

    def __init__(self) -> None:
        self.now = self.start = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as requests_mock:
        yield requests_mock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sending(app: Flask, registered: TestPlatform) -> int:
    app.config["XAPI_DELIVERY_BATCH"] = 2
    return add_connection(app, send=True, pull=False)


def _emit(app: Flask, count: int, deployment_id: str = "dep-1") -> list[str]:
    tenant = tenant_id(app, deployment_id)
    with app.app_context(), commit_or_rollback():
        return [emitter.emit(tenant, statement(id=None)) for _ in range(count)]


def _deliver(app: Flask, clock: Clock, **options: Any) -> delivery.Report:
    with app.app_context():
        return delivery.deliver_due(clock=clock, **options)


def _posted(mock: responses.RequestsMock) -> list[list[str]]:
    return [
        [s["id"] for s in json.loads(call.request.body or b"[]")]
        for call in mock.calls
        if call.request.method == "POST"
    ]


def _waiting(app: Flask) -> list[Delivery]:
    with app.app_context():
        query = select(Delivery).where(Delivery.delivered_at.is_(None)).order_by(Delivery.id)
        return list(db.session.scalars(query))


def test_due_statements_go_in_batches_and_are_delivered_once(
    app: Flask, mock: responses.RequestsMock, clock: Clock, sending: int
) -> None:
    mock.post(STATEMENTS, json=[])
    ids = _emit(app, 5)
    report = _deliver(app, clock)
    assert report.delivered == 5 and report.waiting == 0
    assert _posted(mock) == [ids[:2], ids[2:4], ids[4:]]
    assert _deliver(app, clock).delivered == 0 and len(mock.calls) == 3
    assert _waiting(app) == []


def test_an_lrs_that_is_down_delays_statements_with_backoff_and_never_loses_them(
    app: Flask, mock: responses.RequestsMock, clock: Clock, sending: int
) -> None:
    ids = _emit(app, 3)
    mock.post(STATEMENTS, body=requests.ConnectionError("refused"))
    report = _deliver(app, clock)
    assert (report.delivered, report.waiting) == (0, 2)  # one batch failed: the LRS is let be
    first = _waiting(app)
    assert [d.attempts for d in first] == [1, 1, 0]
    assert [d.next_attempt_at for d in first[:2]] == [clock.start + delivery.DELAY] * 2
    assert first[0].last_error == "could not reach the LRS (ConnectionError)"
    clock.advance(hours=1)
    assert _deliver(app, clock).delivered == 0
    assert sum(d.attempts for d in _waiting(app)) == 4 and len(_waiting(app)) == 3
    mock.replace(responses.POST, STATEMENTS, json=[])
    clock.advance(hours=1)
    assert _deliver(app, clock).delivered == 3
    accepted = [
        s["id"]
        for call in mock.calls
        if isinstance(call.response, requests.Response) and call.response.status_code == 200
        for s in json.loads(call.request.body or b"[]")
    ]
    assert sorted(accepted) == sorted(ids)
    assert _waiting(app) == []


def test_backoff_doubles_up_to_six_hours(
    app: Flask, mock: responses.RequestsMock, clock: Clock, sending: int
) -> None:
    _emit(app, 1)
    mock.post(STATEMENTS, status=503)
    waits = []
    for _ in range(12):
        _deliver(app, clock)
        [waiting] = _waiting(app)
        waits.append(waiting.next_attempt_at - clock.now)
        clock.now = waiting.next_attempt_at
    assert waits[:3] == [delivery.DELAY, 2 * delivery.DELAY, 4 * delivery.DELAY]
    assert waits[-1] == delivery.MAX_DELAY
    assert _waiting(app)[0].last_error == "the LRS answered 503"


def test_retry_after_on_a_429_is_honoured(
    app: Flask, mock: responses.RequestsMock, clock: Clock, sending: int
) -> None:
    _emit(app, 1)
    mock.post(STATEMENTS, status=429, headers={"Retry-After": "900"})
    _deliver(app, clock)
    assert _waiting(app)[0].next_attempt_at == clock.start + dt.timedelta(seconds=900)


def test_a_409_counts_as_delivered_only_for_statements_the_lrs_shows(
    app: Flask, mock: responses.RequestsMock, clock: Clock, sending: int
) -> None:
    shown, missing = _emit(app, 2)
    mock.post(STATEMENTS, status=409, json={"detail": "Differing statements already exist"})
    mock.get(STATEMENTS, json={"statements": [{"id": shown}]})  # Ralph's answer
    mock.get(STATEMENTS, json={"statements": []})  # Ralph's answer for an unknown id
    report = _deliver(app, clock)
    assert report.delivered == 1
    [waiting] = _waiting(app)
    assert waiting.attempts == 1
    assert waiting.last_error and "does not show it" in waiting.last_error
    assert _posted(mock) == [[shown, missing], [missing]]  # sent once more on its own
    with app.app_context():
        statement_id = db.session.scalar(
            select(OutboxStatement.statement_id).where(OutboxStatement.id == waiting.outbox_id)
        )
    assert statement_id == missing


def test_a_statement_the_lrs_refuses_does_not_hold_back_its_batch(
    app: Flask, mock: responses.RequestsMock, clock: Clock, sending: int
) -> None:
    good, refused = _emit(app, 2)

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        sent = [s["id"] for s in json.loads(request.body or b"[]")]
        return (400, {}, '{"error": "no"}') if refused in sent else (200, {}, json.dumps(sent))

    mock.add_callback(responses.POST, STATEMENTS, callback=answer)
    report = _deliver(app, clock)
    assert (report.delivered, report.waiting) == (1, 1)
    assert _posted(mock) == [[good, refused], [good], [refused]]
    [waiting] = _waiting(app)
    assert waiting.last_error == 'the LRS refused the statement: 400 {"error": "no"}'


def test_a_disabled_connection_gets_nothing_until_enabled(
    app: Flask, mock: responses.RequestsMock, clock: Clock, sending: int
) -> None:
    mock.post(STATEMENTS, json=[])
    _emit(app, 1)
    tenant = tenant_id(app)
    with app.app_context(), commit_or_rollback():
        connections.set_enabled(tenant, sending, False)
    assert _deliver(app, clock).delivered == 0 and len(mock.calls) == 0
    with app.app_context(), commit_or_rollback():
        connections.set_enabled(tenant, sending, True)
    assert _deliver(app, clock).delivered == 1


def test_statements_go_only_to_their_own_tenants_connections(
    app: Flask, mock: responses.RequestsMock, clock: Clock, sending: int
) -> None:
    theirs = "https://their-lrs.example.com/xapi/"
    add_connection(app, "dep-2", endpoint=theirs, send=True)
    mock.post(STATEMENTS, json=[])
    mock.post(theirs + "statements", json=[])
    ours, other = _emit(app, 1), _emit(app, 1, "dep-2")
    _deliver(app, clock)
    sent = {call.request.url: json.loads(call.request.body or b"[]") for call in mock.calls}
    assert [s["id"] for s in sent[STATEMENTS]] == ours
    assert [s["id"] for s in sent[theirs + "statements"]] == other


def test_a_claimed_batch_is_leased_so_another_worker_does_not_send_it_too(
    app: Flask, mock: responses.RequestsMock, clock: Clock, sending: int
) -> None:
    _emit(app, 1)
    during: list[int] = []

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        other_worker = threading.Thread(
            target=lambda: during.append(_deliver(app, clock).delivered)
        )
        other_worker.start()
        other_worker.join()
        return 200, {}, "[]"

    mock.add_callback(responses.POST, STATEMENTS, callback=answer)
    assert _deliver(app, clock).delivered == 1
    assert during == [0] and len(mock.calls) == 1
    assert _waiting(app) == []


def test_statements_delivered_everywhere_are_forgotten_after_the_keep_period(
    app: Flask, mock: responses.RequestsMock, clock: Clock, sending: int
) -> None:
    mock.post(STATEMENTS, json=[])
    other = add_connection(app, endpoint="https://down.example.org/xapi/", send=True)
    mock.post("https://down.example.org/xapi/statements", status=503)
    _emit(app, 1)
    clock.now = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
    _deliver(app, clock)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxStatement)) == 1
        db.session.execute(
            Delivery.__table__.update()
            .where(Delivery.connection_id == other)
            .values(delivered_at=clock.now)
        )
        db.session.commit()
    _deliver(app, clock)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxStatement)) == 0
        assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0
