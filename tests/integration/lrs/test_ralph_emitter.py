"""Delivering LearnLoop's statements to a real Ralph LRS: read back by id, each stored exactly
once, and a Ralph that stops mid-delivery only delays them."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select, update

from lti_tool.core.db import commit_or_rollback, db, utcnow
from tests.integration.launch_helpers import launch
from tests.integration.lrs.ralph import PASSWORD, USER, Ralph
from tests.integration.xapi_helpers import statement, tenant_id
from tests.integration.xapi_lrs_helpers import add_connection
from tests.support.platform import TestPlatform
from xapi import delivery, emitter
from xapi.models import Delivery, OutboxStatement


def _connect(app: Flask, ralph: Ralph) -> None:
    app.config["XAPI_DELIVERY_BATCH"] = 2
    add_connection(app, endpoint=ralph.endpoint, key=USER, secret=PASSWORD, send=True, pull=False)


def _emit(app: Flask, count: int) -> list[str]:
    tenant = tenant_id(app)
    with app.app_context(), commit_or_rollback():
        return [emitter.emit(tenant, statement(id=None)) for _ in range(count)]


def _outbox_ids(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxStatement.statement_id)))


def test_emitted_statements_and_a_launch_reach_ralph_and_read_back_by_id(
    app: Flask, ralph: Ralph, registered: TestPlatform
) -> None:
    _connect(app, ralph)
    launch(app.test_client(), registered, sub="learner-1")  # emits "launched"
    _emit(app, 4)
    ids = _outbox_ids(app)
    with app.app_context():
        report = delivery.deliver_due()
    assert (report.delivered, report.waiting) == (5, 0)
    assert all(ralph.has(statement_id) for statement_id in ids)
    with app.app_context(), commit_or_rollback() as session:  # as if every send were repeated
        session.execute(update(Delivery).values(delivered_at=None, next_attempt_at=utcnow()))
    with app.app_context():
        assert delivery.deliver_due().delivered == 5  # Ralph: 204, it has them all
    assert ralph.copies() == dict.fromkeys(ids, 1)


def test_ralph_stopping_mid_delivery_delays_statements_and_each_arrives_exactly_once(
    app: Flask, ralph: Ralph, registered: TestPlatform
) -> None:
    _connect(app, ralph)
    ids = _emit(app, 5)

    def stop_after_the_first_batch(report: delivery.Report) -> None:
        if report.delivered == 2:
            ralph.stop()

    with app.app_context():
        cut_off = delivery.deliver_due(on_batch=stop_after_the_first_batch)
    assert (cut_off.delivered, cut_off.waiting) == (2, 2)
    with app.app_context():
        waiting = db.session.scalars(select(Delivery).where(Delivery.delivered_at.is_(None))).all()
    assert len(waiting) == 3
    assert sorted(d.attempts for d in waiting) == [0, 1, 1]
    assert all(d.next_attempt_at > dt.datetime.now(dt.UTC) for d in waiting if d.attempts)
    ralph.start()
    with app.app_context():
        assert delivery.deliver_due().delivered == 1  # the untried one; the others wait
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        assert delivery.deliver_due(clock=lambda: later).delivered == 2
    assert ralph.copies() == dict.fromkeys(ids, 1)
