"""The learner's path page: enrolled by the launch or by choosing once; progress moves when
statements arrive; reflections answered in place, a branch chosen, learning time logged against
a weekly goal; their own record to print or download. Each person sees only their own."""

from __future__ import annotations

import csv
import io
import re
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from lti_tool.lti.services import dispatch
from tests.integration.paths.pages_helpers import (
    PASSED,
    QUIZ,
    definition,
    field_error,
    html,
    learner,
    saved_path,
    signed_in,
)
from tests.integration.xapi_helpers import Lrs
from tests.support.platform import TestPlatform

SUPPORT = {"role": "support"}


def _mine(client: FlaskClient, token: str, **query: str) -> str:
    response = client.get("/paths/mine", query_string={"lt": token, **query})
    assert response.status_code == 200, html(response)
    return html(response)


def _passed_quiz(lrs: Lrs, platform: TestPlatform, sub: str) -> None:
    actor = {"objectType": "Agent", "account": {"homePage": platform.issuer, "name": sub}}
    statement = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": PASSED, "display": {"en-US": "passed"}},
        "object": {"objectType": "Activity", "id": QUIZ},
        "result": {"success": True, "duration": "PT25M"},
    }
    assert lrs.post(statement).status_code == 200


def test_a_learner_launched_with_a_role_sees_their_path(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = learner(client, registered, custom=SUPPORT)
    page = _mine(client, token)
    assert "<h1>Support path</h1>" in page
    assert "0 of 3 steps done" in page  # core and advanced: no branch chosen yet
    assert "Your next step" in page and "Pass the product quiz" in page
    assert "Your priority skills" in page and "Product knowledge" in page
    assert "Why this role?" in page  # a reflection due in the core stage
    assert "This week: 0 of your 60 minutes." in page
    home = html(client.get("/learn", query_string={"lt": token}))
    assert "My path: Support path" in home and "/paths/mine" in home


def test_the_path_moves_when_statements_arrive(
    app: Flask, client: FlaskClient, registered: TestPlatform, lrs: Lrs
) -> None:
    saved_path(app)
    token = learner(client, registered, custom=SUPPORT)
    _passed_quiz(lrs, registered, "learner")
    dispatch.wait_for_background(app)
    page = _mine(client, token)
    assert "1 of 3 steps done" in page
    assert re.search(
        r'<li class="done">\s*<span class="step-state">✓ Done</span>\s*'
        r'<span class="step-title">Pass the product quiz',
        page,
    )
    assert "This week: 25 of your 60 minutes." in page


def test_a_learner_without_a_role_chooses_one_once(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    path_id = saved_path(app)
    token = learner(client, registered)
    home = html(client.get("/learn", query_string={"lt": token}))
    assert "Choose your role path" in home
    page = _mine(client, token)
    assert "<h1>Choose your role</h1>" in page and "Support agent" in page
    refused = client.post("/paths/mine/role", data={"lt": token, "path": "nope"})
    assert refused.status_code == 400
    assert field_error(html(refused), "f-path") == "Choose the role that fits you."
    chosen = client.post("/paths/mine/role", data={"lt": token, "path": str(path_id)})
    assert chosen.status_code == 303
    assert "<h1>Support path</h1>" in _mine(client, token)
    again = client.post("/paths/mine/role", data={"lt": token, "path": str(path_id)})
    assert again.status_code == 409


def test_a_learner_cannot_choose_another_tenants_path(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    other = saved_path(app, deployment_id="dep-2")
    token = learner(client, registered)
    response = client.post("/paths/mine/role", data={"lt": token, "path": str(other)})
    assert response.status_code == 400
    assert "Choose your role" in _mine(client, token)


def test_a_learner_answers_a_reflection_in_place(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = learner(client, registered, custom=SUPPORT)
    empty = client.post(
        "/paths/mine/reflections", data={"lt": token, "question": "why", "answer": " "}
    )
    assert empty.status_code == 400
    assert field_error(html(empty), "f-answer-why") == "Write your answer before saving it."
    saved = client.post(
        "/paths/mine/reflections",
        data={"lt": token, "question": "why", "answer": "I like solving puzzles."},
    )
    assert saved.status_code == 303
    page = html(client.get(saved.headers["Location"]))
    assert "Your answer is saved." in page and "Why this role?" not in page
    unknown = client.post(
        "/paths/mine/reflections", data={"lt": token, "question": "nope", "answer": "x"}
    )
    assert unknown.status_code == 400


def test_writing_up_an_apply_step_completes_it(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = learner(client, registered, custom=SUPPORT)
    assert "How did you apply it to a real work problem?" in _mine(client, token)
    response = client.post(
        "/paths/mine/reflections",
        data={"lt": token, "question": "apply-1", "answer": "Solved a refund ticket."},
    )
    assert response.status_code == 303
    assert "1 of 3 steps done" in _mine(client, token)


def test_a_learner_chooses_a_branch_for_the_third_stage(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = learner(client, registered, custom=SUPPORT)
    page = _mine(client, token)
    assert "Choose your third stage" in page
    refused = client.post("/paths/mine/branch", data={"lt": token, "branch": "wizard"})
    assert refused.status_code == 400
    assert field_error(html(refused), "f-branch") == "Choose one of the branches this path offers."
    chosen = client.post("/paths/mine/branch", data={"lt": token, "branch": "specialist"})
    assert chosen.status_code == 303
    page = _mine(client, token)
    assert "Choose your third stage" not in page
    assert "0 of 4 steps done" in page and "not your branch" in page


def test_a_learner_logs_time_and_changes_their_weekly_goal(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = learner(client, registered, custom=SUPPORT)
    page = _mine(client, token)
    today = re.search(r'name="log.day" type="date" value="([0-9-]+)"', page)
    assert today
    logged = client.post(
        "/paths/mine/time",
        data={"lt": token, "log.minutes": "30", "log.day": today[1], "log.note": "Read a guide"},
    )
    assert logged.status_code == 303
    goal = client.post("/paths/mine/goal", data={"lt": token, "goal.minutes": "90"})
    assert goal.status_code == 303
    page = _mine(client, token)
    assert "This week: 30 of your 90 minutes." in page
    assert "Logged by you: 30 minutes" in page


def test_bad_time_and_goal_input_is_refused_next_to_its_field_in_dutch(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = learner(client, registered, custom=SUPPORT, locale="nl")
    bad_time = client.post(
        "/paths/mine/time",
        data={"lt": token, "log.minutes": "0", "log.day": "2999-01-01"},
    )
    assert bad_time.status_code == 400
    page = html(bad_time)
    assert (
        field_error(page, "f-log-minutes")
        == "Vul de minuten in die je eraan besteedde, van 1 tot 480."
    )
    assert field_error(page, "f-log-day") == "Kies een dag van de afgelopen 31 dagen."
    bad_goal = client.post("/paths/mine/goal", data={"lt": token, "goal.minutes": "lots"})
    assert bad_goal.status_code == 400
    assert (
        field_error(html(bad_goal), "f-goal-minutes") == "Vul minuten per week in, van 15 tot 1200."
    )
    assert "Deze week: 0 van je 60 minuten." in _mine(client, token)


def test_changes_without_the_page_token_are_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    learner(client, registered, custom=SUPPORT)
    for url, data in (
        ("/paths/mine/goal", {"goal.minutes": "120"}),
        ("/paths/mine/time", {"log.minutes": "30", "log.day": "2026-11-28"}),
        ("/paths/mine/branch", {"branch": "leadership"}),
        ("/paths/mine/reflections", {"question": "why", "answer": "x"}),
        ("/paths/mine/role", {"path": "1"}),
    ):
        assert client.post(url, data=data).status_code == 401, url


def test_a_learner_on_no_path_cannot_change_what_a_path_holds(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = learner(client, registered)
    assert "not set up role paths yet" in _mine(client, token)
    for url, data in (
        ("/paths/mine/goal", {"goal.minutes": "120"}),
        ("/paths/mine/branch", {"branch": "leadership"}),
        ("/paths/mine/reflections", {"question": "why", "answer": "x"}),
    ):
        assert client.post(url, data={"lt": token, **data}).status_code == 409, url


def _review_rows(client: FlaskClient, token: str) -> list[dict[str, Any]]:
    response = client.get("/paths/mine/review.csv", query_string={"lt": token})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_a_learner_prints_and_downloads_their_own_record_only(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = learner(client, registered, custom=SUPPORT)
    client.post(
        "/paths/mine/reflections",
        data={"lt": token, "question": "why", "answer": "=I like puzzles"},
    )
    page = html(client.get("/paths/mine/review", query_string={"lt": token}))
    assert "My learning record" in page and "Why this role?" in page
    assert "I like puzzles" in page and "LearnLoop shares none of it" in page
    rows = _review_rows(client, token)
    assert {"section": "reflection", "key": "why"}.items() <= rows[-1].items()
    assert rows[-1]["value"] == "'=I like puzzles"  # no formula runs in a spreadsheet
    other = app.test_client()
    other_token = learner(other, registered, sub="colleague", custom=SUPPORT)
    assert not [r for r in _review_rows(other, other_token) if r["section"] == "reflection"]


def test_a_placed_path_opens_the_learners_page_and_the_designers_editor(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    path_id = saved_path(app)
    token = learner(client, registered, custom=SUPPORT)
    response = client.get(f"/paths/{path_id}", query_string={"lt": token})
    assert response.status_code == 303 and "/paths/mine" in response.headers["Location"]
    designer = app.test_client()
    designer_token = signed_in(designer, registered)
    response = designer.get(f"/paths/{path_id}", query_string={"lt": designer_token})
    assert response.status_code == 303 and "/path" in response.headers["Location"]
    other = saved_path(app, definition("other"), "dep-2")
    assert client.get(f"/paths/{other}", query_string={"lt": token}).status_code == 404


def test_the_path_page_is_in_dutch_for_a_dutch_learner(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = learner(client, registered, custom=SUPPORT, locale="nl")
    page = _mine(client, token)
    assert '<html lang="nl">' in page
    assert "<h1>Supportpad</h1>" in page and "Haal de productquiz" in page
    assert "Jouw volgende stap" in page and "Waarom deze rol?" in page
