"""Deep Linking in real Chromium, inside the demo LMS's iframe: the instructor opens the
picker, chooses with the keyboard, returns to the course, and a learner opens the new link."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from lti_tool.core.db import commit_or_rollback
from lti_tool.demo.tool_setup import install_example_paths
from tests.browser.conftest import serious_violations
from tests.support.demo import demo_servers

pytestmark = pytest.mark.browser
FRAME = "iframe[title^='LearnLoop']"


def _picker(page: Any) -> Any:
    page.frame_locator(FRAME).locator("h1", has_text="LearnLoop").wait_for(timeout=10_000)
    return next(f for f in page.frames if "/lti/deep-linking" in f.url)


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("en", "Add LearnLoop to your course"), ("nl", "Voeg LearnLoop toe aan je cursus")],
)
def test_the_picker_inside_the_lms_iframe_is_accessible_in_both_languages(
    app: Flask, page: Any, lang: str, heading: str
) -> None:
    with demo_servers(app) as servers:
        page.goto(f"{servers.lms_url}/?lang={lang}")
        page.get_by_role("button", name="Add an activity from the tool").click()
        picker = _picker(page)
        assert picker.locator("h1").inner_text() == heading
        assert serious_violations(picker) == []


def test_a_designer_places_a_role_path_and_a_learner_lands_on_it(app: Flask, page: Any) -> None:
    with demo_servers(app) as servers:
        with app.app_context(), commit_or_rollback():
            install_example_paths(servers.lms_url)
        page.goto(servers.lms_url + "/")
        page.get_by_role("button", name="Add an activity from the tool").click()
        picker = _picker(page)
        choice = picker.get_by_label("Customer support: from first ticket to trusted expert")
        choice.focus()
        page.keyboard.press("Space")
        assert choice.is_checked()
        picker.get_by_role("button", name="Add to course").focus()
        page.keyboard.press("Enter")
        # The signed response goes back to the LMS, which verifies it and reloads the course.
        page.get_by_role("status").filter(has_text="1 item(s) were added").wait_for(timeout=10_000)
        activities = page.locator("ul.activities li")
        assert activities.count() == 1
        assert "Customer support: from first ticket" in activities.first.inner_text()
        activities.first.get_by_role("link", name="Open as Lena Visser").click()
        # The link names the path's role, so the learner is enrolled and sees that path.
        frame = page.frame_locator(FRAME)
        frame.locator("h1").wait_for(timeout=10_000)
        assert "Customer support: from first ticket" in frame.locator("h1").inner_text()
