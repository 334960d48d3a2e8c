"""The demo LMS in real Chromium: its course page is accessible, and when the browser withholds
LearnLoop's cookies in the iframe, LTI platform storage (the course page's postMessage
handler, lti_tool/demo/static/platform-storage.js) completes the launch instead."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.browser.conftest import serious_violations
from tests.support.demo import demo_servers

pytestmark = pytest.mark.browser


def test_the_demo_lms_course_page_with_learnloop_open_has_no_serious_axe_violations(
    app: Flask, page: Any
) -> None:
    with demo_servers(app) as servers:
        page.goto(servers.lms_url + "/")
        page.get_by_role("button", name="Open LearnLoop as Ivo Jansen (instructor)").click()
        heading = page.frame_locator("iframe[title^='LearnLoop']").locator("h1")
        heading.wait_for(timeout=10_000)
        assert heading.inner_text() == "Course setup"
        assert serious_violations(page) == []


def test_without_cookies_in_the_iframe_platform_storage_completes_the_launch(
    app: Flask, page: Any
) -> None:
    # The LMS on localhost and LearnLoop on 127.0.0.1 are different sites: the tool's
    # SameSite=Lax state cookie is not sent in the iframe, so only platform storage can help.
    with demo_servers(app, lms_host="localhost") as servers:
        completions: list[str] = []
        page.on("request", lambda r: "/launch/complete" in r.url and completions.append(r.url))
        page.goto(servers.lms_url + "/")
        page.get_by_label("Offer LTI platform storage").check()
        page.get_by_role("button", name="Open LearnLoop as Lena Visser (learner)").click()
        heading = page.frame_locator("iframe[title^='LearnLoop']").locator("h1")
        heading.wait_for(timeout=10_000)
        assert heading.inner_text() == "My learning"
        assert completions  # the state came back from the course page, not from a cookie
        assert page.evaluate("localStorage.length") == 0  # and its key was deleted afterwards


def _learnloop_frame(page: Any) -> Any:
    """The LearnLoop iframe as a Frame, once its landing page has loaded."""
    page.frame_locator("iframe[title^='LearnLoop']").locator("h1").wait_for(timeout=10_000)
    return next(f for f in page.frames if f != page.main_frame and "/lti/" not in f.url)


@pytest.mark.parametrize(
    ("person", "lang", "heading"),
    [
        ("Lena Visser (learner)", "en", "My learning"),
        ("Ivo Jansen (instructor)", "en", "Course setup"),
        ("Amira Bakker (administrator)", "en", "Settings"),
        ("Lena Visser (learner)", "nl", "Mijn leren"),
        ("Ivo Jansen (instructor)", "nl", "Cursusinrichting"),
        ("Amira Bakker (administrator)", "nl", "Instellingen"),
    ],
)
def test_each_landing_page_inside_the_lms_iframe_is_accessible_in_both_languages(
    app: Flask, page: Any, person: str, lang: str, heading: str
) -> None:
    with demo_servers(app) as servers:
        page.goto(servers.lms_url + "/")
        page.get_by_label("Language sent to LearnLoop").select_option(lang)
        page.get_by_role("button", name=f"Open LearnLoop as {person}").click()
        frame = _learnloop_frame(page)
        assert frame.locator("h1").inner_text() == heading
        assert frame.locator("html").get_attribute("lang") == lang
        assert serious_violations(frame) == []


def test_a_keyboard_user_opens_learnloop_and_moves_between_its_sections(
    app: Flask, page: Any
) -> None:
    with demo_servers(app) as servers:
        page.goto(servers.lms_url + "/")
        button = page.get_by_role("button", name="Open LearnLoop as Amira Bakker (administrator)")
        button.focus()
        page.keyboard.press("Enter")
        frame = _learnloop_frame(page)
        assert frame.locator("h1").inner_text() == "Settings"
        # Inside the iframe: the skip link comes first, then the section links.
        frame.locator("body").focus()
        frame.locator("a.skip-link").focus()
        assert frame.evaluate("document.activeElement.textContent") == "Skip to content"
        frame.get_by_role("link", name="Course setup").focus()
        page.keyboard.press("Enter")
        frame.locator("h1", has_text="Course setup").wait_for(timeout=10_000)
        assert "Amira Bakker" in frame.locator("table").inner_text()
