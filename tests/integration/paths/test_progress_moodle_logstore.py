"""What Moodle's xAPI logstore sends moves its learners along their paths. The statements are
the logstore plugin's own expected outputs, read in place from
``../shared/fixtures/xapi/moodle_logstore/`` (GPL data, never copied into this repository)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from lti_tool.core.db import db
from lti_tool.paths.models import StepEvidence
from tests.integration.paths.engine_helpers import (
    done_steps,
    enrol,
    new_user,
    publish,
    summary,
    tenant_of,
    time_seconds,
)
from tests.integration.xapi_helpers import Lrs, new_credential
from tests.support.platform import TestPlatform
from tests.support.servers import LoopbackServer

FIXTURES = Path(__file__).resolve().parents[3].parent / "shared/fixtures/xapi/moodle_logstore"
FILES = sorted(FIXTURES.glob("*.json")) if FIXTURES.is_dir() else []
SITE = "http://www.example.org"  # the fixtures' Moodle site: LTI issuer, user ids are subs
ADL = "http://adlnet.gov/expapi/verbs/"
SCORED = "https://w3id.org/xapi/tla/verbs/scored"

pytestmark = pytest.mark.skipif(
    not FILES, reason=f"no Moodle logstore fixtures at {FIXTURES} (they live outside the repo)"
)


def _step(key: str, verbs: list[str], activity: str, **rule: Any) -> dict[str, Any]:
    return {
        "key": key,
        "kind": "activity",
        "title": {"en": key},
        "skills": [{"skill": "moodle"}],
        "evidence": {"verbs": verbs, "activity": activity, **rule},
    }


MOODLE_PATH = {
    "role": {"key": "moodle-learner", "name": {"en": "Moodle learner"}},
    "skills": [{"key": "moodle", "name": {"en": "Using Moodle"}}],
    "priority_skills": ["moodle"],
    "stages": [
        {
            "key": "core",
            "steps": [
                _step("book", [ADL + "completed"], SITE + "/mod/book/view.php?id=1"),
                _step(
                    "quiz", [ADL + "completed"], SITE + "/mod/quiz/", match="prefix", success=True
                ),
                _step(
                    "lesson",
                    [ADL + "answered"],
                    SITE + "/mod/lesson/",
                    match="prefix",
                    success=True,
                ),
            ],
        },
        {
            "key": "advanced",
            "steps": [
                _step("attend", [ADL + "attended"], SITE + "/mod/facetoface/", match="prefix"),
                _step(
                    "assignment",
                    [SCORED],
                    SITE + "/mod/assign/view.php?id=1#submission",
                    success=True,
                ),
                _step("scorm", [ADL + "completed"], SITE + "/mod/scorm/", min_scaled=0.5),
            ],
        },
    ],
}


@pytest.fixture
def moodle(app: Flask) -> Iterator[TestPlatform]:
    platform = TestPlatform(issuer=SITE, client_id="moodle-client")
    with LoopbackServer(platform.wsgi_app) as server:
        platform.base_url = server.url
        platform.register_with(app, deployment_ids=("dep-1",))
        yield platform


def _post_every_fixture(app: Flask) -> None:
    lrs = Lrs(app.test_client(), new_credential(app))
    for path in FILES:
        response = lrs.post(json.loads(path.read_text(encoding="utf-8")))
        assert response.status_code == 200, (path.name, response.get_data(as_text=True))


def test_moodle_statements_complete_the_steps_of_moodle_users_on_a_path(
    app: Flask, moodle: TestPlatform
) -> None:
    tenant = tenant_of(app)
    path = publish(app, tenant, MOODLE_PATH)
    first, second = new_user(app, "1"), new_user(app, "2")
    enrol(app, tenant, first, path)
    enrol(app, tenant, second, path)
    _post_every_fixture(app)
    assert done_steps(app, tenant, first) == {"book", "quiz", "lesson"}
    assert done_steps(app, tenant, second) == {"attend", "assignment"}
    steps = {s.key: s for stage in summary(app, tenant, first).stages for s in stage.steps}
    # Seven fixtures send the same attempt statement (no id: the listener derives one from
    # the content), so it is one statement: one evidence, and its PT1S once.
    assert steps["quiz"].evidence_count == 1
    assert time_seconds(app, first) == 1
    assert time_seconds(app, second) == 0


def test_moodle_statements_sent_before_enrolment_count_and_sending_them_again_changes_nothing(
    app: Flask, moodle: TestPlatform
) -> None:
    tenant = tenant_of(app)
    path = publish(app, tenant, MOODLE_PATH)
    first = new_user(app, "1")
    _post_every_fixture(app)
    enrol(app, tenant, first, path)
    assert done_steps(app, tenant, first) == {"book", "quiz", "lesson"}
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(StepEvidence))
    _post_every_fixture(app)  # the same statements again: the same derived ids
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StepEvidence)) == before
    assert done_steps(app, tenant, first) == {"book", "quiz", "lesson"}
    assert time_seconds(app, first) == 1
