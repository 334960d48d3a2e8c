"""Deep Linking round trip with the real demo LMS (lti1p3platform) on loopback: the instructor
asks to add an activity, picks in LearnLoop's picker, the LMS verifies the signed response and
lists the link, and a learner launching that link lands on the placed item (LTI DL 2.0)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from flask import Flask

from lti_tool.demo import links
from tests.support.demo import DemoServers, demo_servers, open_learnloop, parse_page


@pytest.fixture
def demo(app: Flask) -> Iterator[DemoServers]:
    with demo_servers(app) as servers:
        yield servers


def pick(browser: requests.Session, demo: DemoServers, **choice: str) -> requests.Response:
    """The instructor's Deep Linking request, the picker, and the choice posted back to it."""
    picker = open_learnloop(browser, demo, "instructor", extra={"deep_link": "1"})
    assert picker.status_code == 200, picker.text
    assert "Add LearnLoop to your course" in picker.text
    form = parse_page(picker.text, picker.url).form
    assert form is not None and "dl" in form.fields
    back = browser.post(form.action, data={"dl": form.fields["dl"], **choice})
    assert back.status_code == 200, back.text
    return back


def placed(demo: DemoServers) -> list[links.PlacedLink]:
    with demo.lms_app.app_context():
        return links.store().all()


def test_an_instructor_places_an_item_and_a_learner_opens_it(demo: DemoServers) -> None:
    with requests.Session() as instructor:
        back = pick(instructor, demo, item="home")
        form = parse_page(back.text, back.url).form
        assert form is not None and form.action == demo.lms_url + "/deep-linking/return"
        claims = jwt.decode(form.fields["JWT"], options={"verify_signature": False})
        assert claims["aud"] == demo.lms_url
        done = instructor.post(form.action, data=form.fields)
    assert done.status_code == 200, done.text
    (link,) = placed(demo)
    assert link.custom == {"learnloop_item": "home"}
    course = requests.get(demo.course_page_url(), timeout=10)
    assert link.title in course.text
    with requests.Session() as learner:
        landing = open_learnloop(learner, demo, "learner", extra={"link": link.id})
    assert landing.status_code == 200, landing.text
    assert urlsplit(landing.url).path == "/learn"


def test_the_lms_refuses_a_response_that_was_tampered_with(demo: DemoServers) -> None:
    with requests.Session() as instructor:
        back = pick(instructor, demo, item="home")
        form = parse_page(back.text, back.url).form
        assert form is not None
        header, payload, signature = form.fields["JWT"].split(".")
        forged = ".".join([header, payload, signature[::-1]])
        refused = instructor.post(form.action, data={"JWT": forged})
    assert refused.status_code == 400
    assert "Nothing was added" in refused.text
    assert placed(demo) == []


def test_cancelling_in_the_picker_adds_nothing(demo: DemoServers) -> None:
    with requests.Session() as instructor:
        back = pick(instructor, demo, cancel="1")
        form = parse_page(back.text, back.url).form
        assert form is not None
        done = instructor.post(form.action, data=form.fields)
    assert done.status_code == 200
    assert "Nothing added" in done.text
    assert placed(demo) == []
