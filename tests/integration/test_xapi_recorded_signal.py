"""``statements_recorded``: sent once per request after the commit, with the new ids; and the
``xapi.statements_recorded`` job that sends it again."""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select

from lti_tool import create_app
from lti_tool.core.signals import statements_recorded
from tests.conftest import SECRET
from tests.integration.xapi_helpers import Lrs, statement, tenant_id
from tests.support.platform import TestPlatform
from tests.support.processes import celery_worker, learnloop_env, running
from xapi import actors
from xapi.models import Statement
from xapi.tasks import statements_recorded as statements_recorded_job

REDIS_URL = os.environ.get("LEARNLOOP_TEST_REDIS_URL")


def test_the_signal_is_sent_once_per_batch_after_commit_with_the_new_ids(
    app: Flask, lrs: Lrs, database_url: str
) -> None:
    heard: list[tuple[int, list[str], int]] = []
    engine = create_engine(database_url)  # another connection: sees only committed rows

    def receiver(tenant: int, statement_ids: list[str], **_: Any) -> None:
        with engine.connect() as connection:
            committed = connection.scalar(select(func.count()).select_from(Statement))
        heard.append((tenant, statement_ids, committed or 0))

    old, new = statement(), statement(id=statement()["id"].upper())
    lrs.post(old)
    with statements_recorded.connected_to(receiver):
        lrs.post([old, new])
        lrs.post([old, new])  # nothing new: nothing sent
    engine.dispose()
    assert heard == [(tenant_id(app), [new["id"].lower()], 2)]


def test_a_failing_receiver_neither_fails_the_request_nor_stops_the_others(
    app: Flask, lrs: Lrs
) -> None:
    heard: list[list[str]] = []

    def broken(tenant: int, **_: Any) -> None:
        raise RuntimeError("a bug in another domain")

    def working(tenant: int, statement_ids: list[str], **_: Any) -> None:
        heard.append(statement_ids)

    sent = statement()
    with statements_recorded.connected_to(broken), statements_recorded.connected_to(working):
        response = lrs.post(sent)
    assert response.status_code == 200
    assert heard == [[sent["id"]]]
    assert lrs.get(statementId=sent["id"]).status_code == 200


def test_the_job_announces_stored_statements_again_and_changes_nothing_twice(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    sent = statement(actor={"account": {"homePage": registered.issuer, "name": "j-1"}})
    lrs.post(sent)
    tenant = tenant_id(app)
    heard: list[list[str]] = []

    def receiver(tenant: int, statement_ids: list[str], **_: Any) -> None:
        heard.append(statement_ids)

    with app.app_context(), statements_recorded.connected_to(receiver):
        unknown = "00000000-0000-4000-8000-000000000000"
        assert statements_recorded_job.delay(tenant, [sent["id"], unknown]).get() == 1
        assert statements_recorded_job.delay(tenant, [sent["id"]]).get() == 1
        assert actors.users_of(tenant, [sent["id"]]) == {sent["id"]: None}
    assert heard == [[sent["id"]], [sent["id"]]]


@pytest.mark.parametrize("wrong_tenant", [True, False])
def test_the_job_only_announces_statements_of_the_tenant_it_names(
    app: Flask, lrs: Lrs, other_tenants_lrs: Lrs, wrong_tenant: bool
) -> None:
    sent = statement()
    lrs.post(sent)
    tenant = tenant_id(app, "dep-2" if wrong_tenant else "dep-1")
    with app.app_context():
        assert statements_recorded_job.delay(tenant, [sent["id"]]).get() == (
            0 if wrong_tenant else 1
        )


@pytest.mark.skipif(not REDIS_URL, reason="set LEARNLOOP_TEST_REDIS_URL to test a real worker")
def test_a_celery_worker_on_redis_runs_the_statements_recorded_job(
    app: Flask, database_url: str, lrs: Lrs, registered: TestPlatform
) -> None:
    assert REDIS_URL
    actor = {"account": {"homePage": registered.issuer, "name": "w-1"}}
    sent = statement(actor=actor)
    lrs.post(sent)
    tenant = tenant_id(app)
    env = learnloop_env(DATABASE_URL=database_url, SECRET_KEY=SECRET, REDIS_URL=REDIS_URL)
    worker = celery_worker()
    producer = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "REDIS_URL": REDIS_URL}
    )
    with running(worker, env):
        result = producer.extensions["celery"].send_task(
            "xapi.statements_recorded", args=[tenant, [sent["id"]]]
        )
        assert result.get(timeout=60) == 1
