"""The progress job on a real Celery worker over Redis (as in production), not eagerly."""

from __future__ import annotations

import os

import pytest
from flask import Flask

from lti_tool import create_app
from lti_tool.core import signals
from lti_tool.paths import tasks
from tests.conftest import SECRET
from tests.integration.paths.engine_helpers import (
    BOOK,
    COMPLETED,
    account,
    done_steps,
    enrol,
    new_user,
    publish,
    said,
    tenant_of,
)
from tests.integration.xapi_helpers import Lrs
from tests.support.platform import TestPlatform
from tests.support.processes import celery_worker, learnloop_env, running

REDIS_URL = os.environ.get("LEARNLOOP_TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="set LEARNLOOP_TEST_REDIS_URL to test a real worker")
def test_a_celery_worker_on_redis_runs_the_progress_job_once_in_effect(
    app: Flask, database_url: str, lrs: Lrs, registered: TestPlatform
) -> None:
    assert REDIS_URL
    tenant = tenant_of(app)
    user = new_user(app, "w-1")
    enrol(app, tenant, user, publish(app, tenant))
    sent = said(account(registered.issuer, "w-1"), COMPLETED, BOOK)
    signals.statements_recorded.disconnect(tasks._on_statements_recorded)
    try:
        lrs.post(sent)  # stored, not yet counted: the worker does that
    finally:
        signals.statements_recorded.connect(tasks._on_statements_recorded)
    assert done_steps(app, tenant, user) == set()
    env = learnloop_env(DATABASE_URL=database_url, SECRET_KEY=SECRET, REDIS_URL=REDIS_URL)
    producer = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "REDIS_URL": REDIS_URL}
    )
    with running(celery_worker(), env):
        celery = producer.extensions["celery"]
        first = celery.send_task("paths.statements_recorded", args=[tenant, [sent["id"]]])
        assert first.get(timeout=60) == {"evidence": 1, "time": 0, "retracted": 0, "learners": 1}
        again = celery.send_task("paths.statements_recorded", args=[tenant, [sent["id"]]])
        assert again.get(timeout=60)["evidence"] == 0
    assert done_steps(app, tenant, user) == {"read-kb"}
