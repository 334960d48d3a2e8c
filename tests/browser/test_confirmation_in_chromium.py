"""Asking a colleague to confirm an apply step, in real Chromium inside the demo LMS's iframe:
the learner writes up the step and asks their instructor; the instructor finds the request on
"My learning" (in Dutch, then in English) and confirms it. axe-core finds no serious violation
on the pages involved."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from lti_tool.core.db import commit_or_rollback, db
from lti_tool.lti.models import Deployment
from lti_tool.paths import examples
from tests.browser.conftest import serious_violations
from tests.browser.test_paths_journey import _open_as
from tests.support.demo import demo_servers

pytestmark = pytest.mark.browser

LEARNER, INSTRUCTOR = "Lena Visser (learner)", "Ivo Jansen (instructor)"


def _accessible(frame: Any) -> None:
    assert serious_violations(frame) == [], frame.url


def test_a_learner_asks_a_colleague_who_confirms_on_their_requests_page(
    app: Flask, page: Any
) -> None:
    with demo_servers(app) as servers:
        with app.app_context(), commit_or_rollback():
            examples.install(db.session.scalars(select(Deployment.id)).one())
        _open_as(page, servers, INSTRUCTOR)  # a colleague who opened LearnLoop

        learner = _open_as(page, servers, LEARNER)
        learner.get_by_role("link", name="Choose your role path").click()
        learner.get_by_label("Customer support agent").check()
        learner.get_by_role("button", name="Start this path").click()
        learner.get_by_label("How did you apply it to a real work problem?").fill(
            "I turned an angry customer's escalation into a renewal."
        )
        learner.get_by_role("button", name="Save my write-up").click()
        learner.get_by_text("Your answer is saved.").wait_for()
        learner.get_by_label("Ask a colleague to confirm").select_option(label="Ivo Jansen")
        learner.get_by_role("button", name="Ask to confirm").click()
        learner.get_by_text("Waiting for Ivo Jansen to confirm it").wait_for()
        _accessible(learner)

        colleague = _open_as(page, servers, INSTRUCTOR, lang="nl")
        colleague.get_by_role("link", name="Mijn leren").click()
        colleague.get_by_role("link", name="Bekijk wat je kunt bevestigen").click()
        colleague.locator("h1", has_text="Gevraagd om te bevestigen").wait_for()
        assert colleague.locator("html").get_attribute("lang") == "nl"
        _accessible(colleague)

        colleague = _open_as(page, servers, INSTRUCTOR)
        colleague.get_by_role("link", name="My learning").click()
        colleague.get_by_role("link", name="See what to confirm").click()
        colleague.get_by_text("I turned an angry customer's escalation into a renewal.").wait_for()
        _accessible(colleague)
        colleague.get_by_role("button", name="Confirm").click()
        colleague.get_by_text("Confirmed. Thank you").wait_for()
        _accessible(colleague)
