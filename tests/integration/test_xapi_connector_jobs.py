"""The scheduled xAPI jobs: ``xapi.pull`` (every enabled pulling connection, a bounded number of
pages each) and ``xapi.deliver`` (the outbox), run in-process here as without Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import responses
from flask import Flask

from lti_tool.core.db import commit_or_rollback
from tests.integration.xapi_helpers import statement, stored_count, tenant_id
from tests.integration.xapi_lrs_helpers import STATEMENTS, FakeLrs, add_connection
from tests.support.platform import TestPlatform
from xapi import connections, emitter
from xapi.tasks import deliver, pull


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as requests_mock:
        yield requests_mock


def test_both_jobs_are_on_the_beat_schedule(app: Flask) -> None:
    celery_app = app.extensions["celery"]
    scheduled = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert {"xapi.pull", "xapi.deliver"} <= scheduled <= set(celery_app.tasks)


def test_the_pull_job_pulls_every_enabled_connection_a_bounded_number_of_pages(
    app: Flask, registered: TestPlatform, mock: responses.RequestsMock
) -> None:
    app.config.update(XAPI_PULL_PAGE_SIZE=2, XAPI_PULL_MAX_PAGES=1)
    fake = FakeLrs(mock)
    fake.add(3)
    first, other = add_connection(app), add_connection(app, "dep-2")
    disabled = add_connection(app)
    tenant = tenant_id(app)
    with app.app_context(), commit_or_rollback():
        connections.set_enabled(tenant, disabled, False)
    with app.app_context():
        assert pull.delay().get() == {str(first): 2, str(other): 2}
        assert pull.delay().get() == {str(first): 1, str(other): 1}
        assert pull.delay(disabled).get() == {}
    assert stored_count(app) == 6  # three in each tenant


def test_a_failing_connection_does_not_stop_the_pull_job_for_the_others(
    app: Flask, registered: TestPlatform, mock: responses.RequestsMock
) -> None:
    app.config["XAPI_PULL_ATTEMPTS"] = 1
    down = add_connection(app, endpoint="https://down.example.org/xapi/")
    mock.get("https://down.example.org/xapi/statements", body=requests.ConnectionError("no"))
    FakeLrs(mock).add(1)
    working = add_connection(app)
    with app.app_context():
        outcome = pull.delay().get()
    assert outcome[str(working)] == 1
    assert "could not reach the LRS" in str(outcome[str(down)])


def test_the_deliver_job_sends_the_outbox(
    app: Flask, registered: TestPlatform, mock: responses.RequestsMock
) -> None:
    add_connection(app, send=True)
    mock.post(STATEMENTS, json=[])
    tenant = tenant_id(app)
    with app.app_context(), commit_or_rollback():
        emitter.emit(tenant, statement())
    with app.app_context():
        assert deliver.delay().get() == 1
        assert deliver.delay().get() == 0
