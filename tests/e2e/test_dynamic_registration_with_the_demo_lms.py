"""LTI Dynamic Registration 1.0 end to end: the demo LMS (a real platform on loopback, with the
registration endpoint it implements itself) registers LearnLoop, then launches the new tool.

Two platform behaviours: the answer names the deployment (as Moodle's does), or it does not (as
Canvas's), in which case LearnLoop learns the deployment at the first launch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from lti_tool.core.db import db
from lti_tool.demo.tools import DemoTool
from lti_tool.lti.models import Deployment, Registration
from tests.support.demo import (
    DemoServers,
    demo_servers,
    open_learnloop,
    register_by_dynamic_registration,
)


@pytest.fixture
def demo(app: Flask) -> Iterator[DemoServers]:
    with demo_servers(app) as servers:
        yield servers


@pytest.fixture
def browser() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def registered_tools(demo: DemoServers) -> list[DemoTool]:
    with demo.lms_app.app_context():
        from lti_tool.demo.tools import store

        return store().all()


def dynamic_registrations(app: Flask) -> list[tuple[Registration, list[str]]]:
    with app.app_context():
        found = db.session.scalars(
            select(Registration).where(Registration.registered_via == "dynamic")
        ).all()
        return [(r, sorted(d.deployment_id for d in r.deployments)) for r in found]


def test_the_demo_lms_registers_learnloop_which_then_launches_for_its_deployment(
    app: Flask, demo: DemoServers, browser: requests.Session
) -> None:
    done = register_by_dynamic_registration(browser, demo)
    assert done.status_code == 200, done.text
    assert "LearnLoop is registered" in done.text
    assert "data-lti-close" in done.text  # the button that posts org.imsglobal.lti.close
    (tool,) = registered_tools(demo)
    ((registration, deployments),) = dynamic_registrations(app)
    assert (registration.issuer, registration.client_id) == (demo.lms_url, tool.client_id)
    assert registration.auth_login_url == demo.lms_url + "/auth"
    assert registration.key_set_url == demo.lms_url + "/jwks"
    assert deployments == [tool.deployment_id]
    assert registration.learns_deployments is False
    assert tool.launch_url == demo.tool_url + "/lti/launch"
    assert {"name", "email"} <= set(tool.claims)

    landing = open_learnloop(browser, demo, "learner", tool=tool.client_id)
    assert landing.status_code == 200, landing.text
    assert "My learning" in landing.text


def test_without_a_deployment_in_the_answer_the_first_launch_adds_it(
    app: Flask, demo: DemoServers, browser: requests.Session
) -> None:
    done = register_by_dynamic_registration(browser, demo, names_deployment=False)
    assert "learned at the first launch" in done.text
    (tool,) = registered_tools(demo)
    ((registration, deployments),) = dynamic_registrations(app)
    assert deployments == []
    assert registration.learns_deployments is True

    landing = open_learnloop(browser, demo, "instructor", tool=tool.client_id)
    assert landing.status_code == 200, landing.text
    assert "Course setup" in landing.text
    assert dynamic_registrations(app)[0][1] == [tool.deployment_id]
    again = open_learnloop(browser, demo, "learner", tool=tool.client_id)
    assert again.status_code == 200
    with app.app_context():
        assert len(db.session.scalars(select(Deployment)).all()) == 2  # demo-deployment + it


def test_confirming_the_same_registration_twice_is_refused_by_the_platform_and_stores_nothing_more(
    app: Flask, demo: DemoServers, browser: requests.Session
) -> None:
    from tests.support.demo import parse_page

    admin = browser.get(
        f"{demo.lms_url}/admin/tools/register",
        params={"url": demo.tool_url + "/lti/register", "deployment": "1"},
    )
    src = admin.text.split('id="registration-frame" title="Tool registration" src="')[1]
    src = src.split('"')[0].replace("&amp;", "&")
    proposal = browser.get(src)
    form = parse_page(proposal.text, proposal.url).form
    assert form is not None
    assert browser.post(form.action, data=form.fields).status_code == 200
    replay = browser.post(form.action, data=form.fields)
    assert replay.status_code == 403
    assert "expired or was already used" in replay.text
    assert "token_already_used" in replay.text  # what the platform said
    assert len(dynamic_registrations(app)) == 1
    assert len(registered_tools(demo)) == 1


def test_the_hand_registered_tool_still_launches_beside_a_dynamically_registered_one(
    demo: DemoServers, browser: requests.Session
) -> None:
    register_by_dynamic_registration(browser, demo)
    page = browser.get(demo.course_page_url())
    assert "Tool to open" in page.text
    assert "LearnLoop (registered by hand)" in page.text
    landing = open_learnloop(browser, demo, "admin")
    assert landing.status_code == 200
    assert "Settings" in landing.text
