"""LearnLoop against the real ``lti1p3platform`` services on loopback (LTI AGS 2.0, NRPS 2.0,
Security Framework 1.0 §4.1): the platform issues tokens for our signed assertions, keeps the
line items and scores we send in its gradebook, and pages its roster with ``Link: rel="next"``.
Jobs run as they do without Redis (in the background, after the commit), and through a real
Celery worker on Redis when ``LEARNLOOP_TEST_REDIS_URL`` is set."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool import create_app
from lti_tool.core.db import commit_or_rollback, db
from lti_tool.lti import keys
from lti_tool.lti.models import Membership, User
from lti_tool.lti.registrations import RegistrationInput, register
from lti_tool.lti.services.dispatch import wait_for_background
from lti_tool.lti.services.grades import post_score
from lti_tool.lti.services.models import ScoreDelivery
from tests.conftest import SECRET
from tests.integration.launch_helpers import launch
from tests.integration.lti_services.helpers import AGS_CLAIM, NRPS_CLAIM, tenant_id, user_id
from tests.support.lms_services import ServicesPlatform
from tests.support.platform import CLAIM, INSTRUCTOR, LEARNER, TestPlatform
from tests.support.processes import celery_worker, learnloop_env, running
from tests.support.servers import LoopbackServer

REDIS_URL = os.environ.get("LEARNLOOP_TEST_REDIS_URL")
NO_PLATFORM_CODE = {CLAIM + "tool_platform": None}


def _services(app: Flask, platform: TestPlatform, **options: object) -> Iterator[ServicesPlatform]:
    with app.app_context(), commit_or_rollback():
        keys.ensure_keys()
    with app.app_context():
        services = ServicesPlatform(
            keys.jwks(),
            issuer=platform.issuer,
            client_id=platform.client_id,
            **options,  # type: ignore[arg-type]
        )
    with LoopbackServer(services.wsgi_app) as server:
        services.base_url = server.url
        with app.app_context(), commit_or_rollback():
            register(
                RegistrationInput(
                    issuer=platform.issuer,
                    client_id=platform.client_id,
                    auth_login_url=platform.issuer + "/auth",
                    auth_token_url=services.token_url,
                    key_set_url=platform.jwks_url,
                    deployment_ids=("dep-1",),
                )
            )
        yield services


@pytest.fixture
def services(app: Flask, platform: TestPlatform) -> Iterator[ServicesPlatform]:
    yield from _services(app, platform)


@pytest.fixture
def moodle_services(app: Flask, platform: TestPlatform) -> Iterator[ServicesPlatform]:
    yield from _services(app, platform, moodle_seconds=True)


def _launch(
    client: FlaskClient,
    platform: TestPlatform,
    services: ServicesPlatform,
    sub: str,
    **claims: object,
) -> None:
    response = launch(
        client,
        platform,
        sub=sub,
        roles=claims.pop("roles", (LEARNER,)),  # type: ignore[arg-type]
        **{AGS_CLAIM: services.ags_claim(), NRPS_CLAIM: services.nrps_claim(), **claims},
    )
    assert response.status_code == 303, response.get_data(as_text=True)


def _post(app: Flask, sub: str, given: float, grading: str = "FullyGraded") -> None:
    tenant, user = tenant_id(app), user_id(app, sub)
    with app.app_context(), commit_or_rollback():
        assert post_score(tenant, user, "link-1", given, 10, "Completed", grading) is not None


def test_scores_reach_the_platforms_gradebook_in_a_line_item_made_for_the_link(
    app: Flask, client: FlaskClient, platform: TestPlatform, services: ServicesPlatform
) -> None:
    app.config["LTI_ROSTER_MAX_AGE"] = 0  # this test is about grades
    learners = [f"learner-{n}" for n in range(5)]
    for sub in learners:
        _launch(app.test_client(), platform, services, sub, **NO_PLATFORM_CODE)
    for n, sub in enumerate(learners):
        _post(app, sub, n + 5)
    wait_for_background(app)
    [line_item] = services.store.lineitems.values()
    assert line_item["resourceLinkId"] == "link-1" and line_item["scoreMaximum"] == 10
    gradebook = {user: score["scoreGiven"] for (_, user), score in services.store.gradebook.items()}
    assert gradebook == {sub: n + 5 for n, sub in enumerate(learners)}
    ags_tokens = [s for s in services.store.token_scopes if "lti-ags" in s]
    assert len(ags_tokens) == 1  # one token for every score
    with app.app_context():
        assert all(d.sent_at for d in db.session.scalars(select(ScoreDelivery)))


def test_moodle_refusing_same_second_scores_still_gets_every_change(
    app: Flask, client: FlaskClient, platform: TestPlatform, moodle_services: ServicesPlatform
) -> None:
    app.config["LTI_ROSTER_MAX_AGE"] = 0
    _launch(client, platform, moodle_services, "learner-1")  # tool_platform: moodle
    _post(app, "learner-1", 4)
    wait_for_background(app)
    _post(app, "learner-1", 7)
    wait_for_background(app)
    scores = moodle_services.store.scores
    assert [s["scoreGiven"] for s in scores] == [4, 7]
    assert moodle_services.store.score_requests == 2  # no 409 along the way


def test_a_launch_syncs_a_roster_of_several_pages(
    app: Flask, client: FlaskClient, platform: TestPlatform, services: ServicesPlatform
) -> None:
    app.config["LTI_ROSTER_PAGE_SIZE"] = 10
    services.add_members(24, (LEARNER,))
    services.add_members(1, (INSTRUCTOR,), prefix="teacher")
    _launch(client, platform, services, "teacher-0", roles=(INSTRUCTOR,))
    wait_for_background(app)
    assert services.store.member_pages == 3
    with app.app_context():
        rows = db.session.execute(select(User.sub, Membership).join(Membership)).all()
        members = {sub: membership for sub, membership in rows}
    assert len(members) == 25 and all(not m.has_left for m in members.values())
    assert members["member-3"].source == "roster" and members["teacher-0"].source == "launch"
    assert members["teacher-0"].roles == [INSTRUCTOR]


@pytest.mark.skipif(not REDIS_URL, reason="set LEARNLOOP_TEST_REDIS_URL to test a real worker")
def test_a_celery_worker_on_redis_delivers_the_scores(
    app: Flask,
    database_url: str,
    platform: TestPlatform,
    services: ServicesPlatform,
    tmp_path: Path,
) -> None:
    assert REDIS_URL
    app.config["LTI_ROSTER_MAX_AGE"] = 0
    _launch(app.test_client(), platform, services, "learner-1", **NO_PLATFORM_CODE)
    producer = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "REDIS_URL": REDIS_URL}
    )
    env = learnloop_env(DATABASE_URL=database_url, SECRET_KEY=SECRET, REDIS_URL=REDIS_URL)
    with running(celery_worker(), env):
        tenant, user = tenant_id(app), user_id(app, "learner-1")
        with producer.app_context(), commit_or_rollback():  # the commit sends the job to Redis
            post_score(tenant, user, "link-1", 9, 10, "Completed", "FullyGraded")
        deadline = time.monotonic() + 60
        while not services.store.gradebook and time.monotonic() < deadline:
            time.sleep(0.2)
    assert [s["scoreGiven"] for s in services.store.gradebook.values()] == [9]
    with producer.app_context():
        db.engine.dispose()
