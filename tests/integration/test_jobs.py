"""Jobs run through a real Celery worker on Redis, and eagerly in-process without Redis."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from lti_tool import create_app
from lti_tool.core.db import commit_or_rollback, db, utcnow
from lti_tool.lti.models import LoginState, Registration
from lti_tool.lti.tasks import purge_expired_logins
from tests.conftest import SECRET
from tests.support.platform import TestPlatform
from tests.support.processes import celery_worker, learnloop_env, running

REDIS_URL = os.environ.get("LEARNLOOP_TEST_REDIS_URL")


def _add_logins(app: Flask, *ages_in_days: float) -> None:
    with app.app_context(), commit_or_rollback() as session:
        registration_id = session.scalars(select(Registration.id)).one()
        for n, age in enumerate(ages_in_days):
            expired = utcnow() - dt.timedelta(days=age)
            session.add(
                LoginState(
                    state=f"s{n}",
                    nonce=f"n{n}",
                    registration_id=registration_id,
                    login_params=json.dumps({}),
                    expires_at=expired,
                )
            )


def _logins_left(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LoginState)) or 0


def test_purging_keeps_recent_logins_and_is_idempotent_in_process(
    app: Flask, registered: TestPlatform
) -> None:
    _add_logins(app, 2, 3, 0.5, -0.01)
    with app.app_context():
        assert purge_expired_logins.delay().get() == 2
        assert purge_expired_logins.delay().get() == 0
    assert _logins_left(app) == 2


@pytest.mark.skipif(not REDIS_URL, reason="set LEARNLOOP_TEST_REDIS_URL to test a real worker")
def test_a_celery_worker_on_redis_runs_the_purge_job(
    app: Flask, database_url: str, registered: TestPlatform, tmp_path: Path
) -> None:
    assert REDIS_URL
    _add_logins(app, 2, 0.5)
    env = learnloop_env(DATABASE_URL=database_url, SECRET_KEY=SECRET, REDIS_URL=REDIS_URL)
    worker = celery_worker()
    producer = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "REDIS_URL": REDIS_URL}
    )
    celery_app = producer.extensions["celery"]
    with running(worker, env):
        result = celery_app.send_task("lti.purge_expired_logins")
        assert result.get(timeout=60) == 1
    assert _logins_left(app) == 1
