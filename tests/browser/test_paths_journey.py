"""Role paths in real Chromium, inside the demo LMS's iframe: a designer builds a path in the
editor with the keyboard and form fields only; a learner chooses that role; statements arrive
at the xAPI listener; the learner sees the path move. axe-core finds no serious violation on
the designers' and the learners' pages, in English and in Dutch."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from lti_tool.core.db import commit_or_rollback, db
from lti_tool.lti.models import Deployment
from tests.browser.conftest import serious_violations
from tests.support.demo import DemoServers, demo_servers
from xapi import credentials

pytestmark = pytest.mark.browser

PASSED = "http://adlnet.gov/expapi/verbs/passed"
QUIZ_PATH = "/mod/quiz/view.php?id=102"


def _open_as(page: Any, servers: DemoServers, person: str, lang: str = "en") -> Any:
    """The LearnLoop iframe as a Frame, launched as ``person`` from the demo course page."""
    page.goto(servers.lms_url + "/")
    page.get_by_label("Language sent to LearnLoop").select_option(lang)
    page.get_by_role("button", name=f"Open LearnLoop as {person}").click()
    page.frame_locator("iframe[title^='LearnLoop']").locator("h1").wait_for(timeout=10_000)
    return next(f for f in page.frames if f != page.main_frame and "/lti/" not in f.url)


def _accessible(frame: Any) -> None:
    assert serious_violations(frame) == [], frame.url


def _build_path(frame: Any, quiz: str) -> None:
    """As a designer: skills, a role with ranked priorities, and its path in the editor."""
    frame.get_by_role("link", name="Role paths").click()
    frame.locator("h1", has_text="Roles and skills").wait_for()
    _accessible(frame)
    for name in ("Listening", "Product knowledge", "Writing"):
        frame.locator("#f-skill-name-en").fill(name)
        frame.get_by_role("button", name="Add the skill").click()
        frame.locator("a", has_text=name).wait_for()
    frame.locator("#f-role-name-en").fill("Support agent")
    frame.locator("#f-role-name-nl").fill("Supportmedewerker")
    frame.locator("#f-role-key").fill("support")
    frame.get_by_role("button", name="Add the role").click()
    frame.get_by_text("The role was added").wait_for()
    for rank, key in enumerate(("listening", "product-knowledge", "writing"), start=1):
        frame.locator(f"#f-rank-{key}").fill(str(rank))
    frame.get_by_role("button", name="Save the priorities").click()
    frame.get_by_text("The priority skills were saved.").wait_for()
    _accessible(frame)
    frame.get_by_role("link", name="Build the path").first.click()
    frame.locator("h1", has_text="Path: Support agent").wait_for()
    step = frame.locator("#f-stages-0-steps-0")
    step.locator("#f-stages-0-steps-0-title-en").fill("Pass the product quiz")
    step.locator("#f-stages-0-steps-0-title-nl").fill("Haal de productquiz")
    step.locator("#f-stages-0-steps-0-skills-0-skill").select_option("product-knowledge")
    step.get_by_label("passed", exact=True).check()
    step.locator("#f-stages-0-steps-0-evidence-activity").fill(quiz)
    step.get_by_role("button", name="Preview the rule").click()
    frame.get_by_text("Would match 0 statements from 0 learners").wait_for()
    advanced = frame.locator("#f-stages-1-steps-0")
    advanced.locator("#f-stages-1-steps-0-title-en").fill("Check-in with your lead")
    advanced.locator("#f-stages-1-steps-0-kind").select_option("checkin")
    frame.get_by_role("button", name="Save the path").first.click()
    frame.get_by_text("Saved as version 1").wait_for()
    frame.get_by_text("1 rule matches no statement from the last 90 days yet").wait_for()
    _accessible(frame)


def _keyboard_adds_a_step(page: Any, frame: Any) -> None:
    """Enter on "Add a step" puts the keyboard in the new step's title field."""
    frame.get_by_role("button", name="Add a step to Core").focus()
    page.keyboard.press("Enter")
    frame.locator("#f-stages-0-steps-1-title-en").wait_for()
    deadline = time.monotonic() + 5
    while frame.evaluate("document.activeElement && document.activeElement.id") != (
        "f-stages-0-steps-1-title-en"
    ):
        assert time.monotonic() < deadline, "focus did not move to the new step"
        time.sleep(0.1)
    page.keyboard.type("Read the refund guide")
    assert frame.locator("#f-stages-0-steps-1-title-en").input_value() == "Read the refund guide"


def _statement_arrives(app: Flask, servers: DemoServers, quiz: str) -> None:
    with app.app_context(), commit_or_rollback():
        tenant = db.session.scalars(select(Deployment.id)).one()
        credential = credentials.create(tenant, "journey")
    actor = {
        "objectType": "Agent",
        "account": {"homePage": servers.lms_url, "name": "demo-user-learner"},
    }
    response = requests.post(
        servers.tool_url + "/xapi/statements",
        json=[
            {
                "id": str(uuid.uuid4()),
                "actor": actor,
                "verb": {"id": PASSED, "display": {"en-US": "passed"}},
                "object": {"objectType": "Activity", "id": quiz},
                "result": {"success": True, "duration": "PT20M"},
            }
        ],
        auth=(credential.key, credential.secret),
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def _reload_until(frame: Any, text: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while frame.get_by_text(text).count() == 0:
        assert time.monotonic() < deadline, f"the page never showed {text!r}"
        time.sleep(0.5)
        frame.goto(frame.url.split("#")[0])  # a fragment alone would not reload


def test_a_designer_builds_a_path_and_a_learner_sees_it_move_when_statements_arrive(
    app: Flask, page: Any
) -> None:
    with demo_servers(app) as servers:
        quiz = servers.lms_url + QUIZ_PATH
        designer = _open_as(page, servers, "Ivo Jansen (instructor)")
        _build_path(designer, quiz)
        _keyboard_adds_a_step(page, designer)

        learner = _open_as(page, servers, "Lena Visser (learner)")
        learner.get_by_role("link", name="Choose your role path").click()
        learner.locator("h1", has_text="Choose your role").wait_for()
        _accessible(learner)
        learner.get_by_label("Support agent").check()
        learner.get_by_role("button", name="Start this path").click()
        learner.get_by_text("0 of 2 steps done").wait_for()
        _accessible(learner)

        _statement_arrives(app, servers, quiz)
        _reload_until(learner, "1 of 2 steps done")
        assert learner.get_by_text("This week: 20 of your 60 minutes.").count() == 1
        learner.get_by_role("link", name="A printable overview").click()
        learner.locator("h1", has_text="My learning record").wait_for()
        _accessible(learner)


@pytest.mark.parametrize(
    ("person", "heading"),
    [
        ("Ivo Jansen (instructor)", "Rollen en vaardigheden"),
        ("Lena Visser (learner)", "Kies je rol"),
    ],
)
def test_the_paths_pages_are_accessible_in_dutch(
    app: Flask, page: Any, person: str, heading: str
) -> None:
    from lti_tool.paths import examples

    with demo_servers(app) as servers:
        with app.app_context(), commit_or_rollback():
            examples.install(db.session.scalars(select(Deployment.id)).one())
        frame = _open_as(page, servers, person, lang="nl")
        if "instructor" in person:
            frame.get_by_role("link", name="Rolpaden").click()
            frame.locator("h1", has_text=heading).wait_for()
            _accessible(frame)
            frame.get_by_role("link", name="Het pad bewerken").first.click()
            frame.locator("h1", has_text="Pad:").wait_for()
            assert frame.locator("html").get_attribute("lang") == "nl"
            _accessible(frame)
        else:
            frame.get_by_role("link", name="Kies je rolpad").click()
            frame.locator("h1", has_text=heading).wait_for()
            _accessible(frame)
            frame.get_by_label("Teamleider").check()
            frame.get_by_role("button", name="Dit pad beginnen").click()
            frame.get_by_text("Jouw volgende stap").wait_for()
            assert frame.locator("html").get_attribute("lang") == "nl"
            _accessible(frame)
