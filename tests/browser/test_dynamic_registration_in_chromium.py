"""An LMS administrator registers LearnLoop by LTI Dynamic Registration in real Chromium: the
demo LMS opens LearnLoop's registration page in an iframe on another site (no third-party
cookies needed), the administrator confirms with the keyboard, and LearnLoop's "Return to your
LMS" posts ``org.imsglobal.lti.close``, which closes the registration in the LMS."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.browser.conftest import serious_violations
from tests.support.demo import demo_servers

pytestmark = pytest.mark.browser

HEADINGS = {
    "en": ("Register LearnLoop with your LMS", "Register LearnLoop", "LearnLoop is registered"),
    "nl": ("Registreer LearnLoop bij je LMS", "Registreer LearnLoop", "LearnLoop is geregistreerd"),
}


def _registration_frame(page: Any) -> Any:
    page.frame_locator("#registration-frame").locator("h1").wait_for(timeout=15_000)
    return page.frame(url=lambda url: "/lti/register" in url)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_an_administrator_confirms_a_dynamic_registration_inside_the_lms_iframe(
    app: Flask, browser: Any, lang: str
) -> None:
    context = browser.new_context(locale={"en": "en-GB", "nl": "nl-NL"}[lang])
    page = context.new_page()
    try:
        with demo_servers(app, lms_host="localhost") as servers:
            page.goto(servers.lms_url + "/admin/tools")
            page.get_by_role("button", name="Register the tool").click()
            frame = _registration_frame(page)
            title, confirm, done = HEADINGS[lang]
            assert frame.locator("h1").inner_text() == title
            assert frame.locator("html").get_attribute("lang") == lang
            assert serious_violations(frame) == []

            frame.get_by_role("button", name=confirm).focus()
            page.keyboard.press("Enter")
            frame.locator("h1", has_text=done).wait_for(timeout=15_000)
            frame = page.frame(url=lambda url: "/lti/register" in url)
            assert serious_violations(frame) == []

            frame.locator("button[data-lti-close]").focus()
            page.keyboard.press("Enter")
            page.wait_for_url("**/admin/tools?registered=1", timeout=15_000)
            assert "Dynamic Registration, client demo-" in page.locator("table").inner_text()
            assert serious_violations(page) == []
    finally:
        context.close()
