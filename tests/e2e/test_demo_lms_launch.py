"""The real ``lti1p3platform`` demo LMS, served on loopback, launches LearnLoop over HTTP
(LTI Core 1.3 §5.1: OIDC third-party initiated login, then the signed id_token launch)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from flask import Flask

from lti_tool.demo.people import COURSE, find_person
from lti_tool.lti.keys import signing_key
from tests.support.demo import DemoServers, authorize, demo_servers, open_learnloop

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


@pytest.fixture
def demo(app: Flask) -> Iterator[DemoServers]:
    with demo_servers(app) as servers:
        yield servers


@pytest.fixture
def browser() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _landing(demo: DemoServers, browser: requests.Session, person: str) -> str:
    page = open_learnloop(browser, demo, person)
    assert page.status_code == 200, page.text
    assert page.url.startswith(demo.tool_url)
    return page.text


def test_the_course_page_lists_the_learner_the_instructor_and_the_administrator(
    demo: DemoServers, browser: requests.Session
) -> None:
    page = browser.get(demo.course_page_url())
    assert page.status_code == 200
    assert COURSE.title in page.text
    for key in ("learner", "instructor", "admin"):
        person = find_person(key)
        assert person is not None
        assert f"Open LearnLoop as {person.name}" in page.text


def test_choosing_a_person_shows_learnloop_in_a_titled_iframe_that_starts_the_login(
    demo: DemoServers, browser: requests.Session
) -> None:
    page = browser.get(demo.course_page_url("instructor", locale="nl"))
    assert '<iframe id="learnloop-frame"' in page.text
    assert 'title="LearnLoop, opened as Ivo Jansen"' in page.text
    assert 'src="/launch?as=instructor&amp;lang=nl"' in page.text


def test_the_login_initiation_sends_what_lti_core_5_1_1_asks_for(
    demo: DemoServers, browser: requests.Session
) -> None:
    response = browser.get(demo.launch_url("learner"), allow_redirects=False)
    location = urlsplit(response.headers["Location"])
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert response.status_code == 302
    assert f"{location.scheme}://{location.netloc}{location.path}" == demo.tool_url + "/lti/login"
    assert params["iss"] == demo.lms_url
    assert params["login_hint"] == "learner"
    assert params["target_link_uri"] == demo.tool_url + "/lti/launch"
    assert params["client_id"] == "learnloop-demo"
    assert params["lti_deployment_id"] == "demo-deployment"
    assert params["lti_message_hint"]
    assert "lti_storage_target" not in params


def test_a_learner_lands_on_my_learning_with_their_name_and_the_course(
    demo: DemoServers, browser: requests.Session
) -> None:
    html = _landing(demo, browser, "learner")
    assert "<h1>My learning</h1>" in html
    assert "Lena Visser" in html and COURSE.title in html


def test_an_instructor_lands_on_course_setup_with_their_name_and_the_course(
    demo: DemoServers, browser: requests.Session
) -> None:
    html = _landing(demo, browser, "instructor")
    assert "<h1>Course setup</h1>" in html
    assert "Ivo Jansen" in html and COURSE.title in html


def test_an_administrator_lands_on_settings_with_their_name_and_the_course(
    demo: DemoServers, browser: requests.Session
) -> None:
    html = _landing(demo, browser, "admin")
    assert "<h1>Settings</h1>" in html
    assert "Amira Bakker" in html and COURSE.title in html
    assert "learnloop-demo" in html  # the platform's product family, from the tool_platform claim


def test_a_dutch_launch_shows_the_landing_page_in_dutch(
    demo: DemoServers, browser: requests.Session
) -> None:
    page = open_learnloop(browser, demo, "learner", locale="nl")
    assert page.status_code == 200
    assert '<html lang="nl">' in page.text
    assert "<h1>Mijn leren</h1>" in page.text


def test_reposting_the_same_id_token_and_state_is_rejected_as_already_used(
    demo: DemoServers, browser: requests.Session
) -> None:
    form = authorize(browser, demo, "learner")
    first = browser.post(form.action, data=form.fields)
    again = browser.post(form.action, data=form.fields, allow_redirects=False)
    assert first.status_code == 200
    assert again.status_code == 403
    assert "already used" in again.text


def test_the_id_token_is_signed_with_the_published_key_and_carries_the_course_and_roles(
    demo: DemoServers, browser: requests.Session
) -> None:
    form = authorize(browser, demo, "admin", locale="nl")
    jwks = browser.get(demo.lms_url + "/jwks").json()
    kid = jwt.get_unverified_header(form.fields["id_token"])["kid"]
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == kid))
    claims = jwt.decode(
        form.fields["id_token"], key.key, algorithms=["RS256"], audience="learnloop-demo"
    )
    assert claims["iss"] == demo.lms_url and claims["azp"] == "learnloop-demo"
    assert claims[CLAIM + "deployment_id"] == "demo-deployment"
    assert claims[CLAIM + "context"]["title"] == COURSE.title
    assert (
        "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"
        in claims[CLAIM + "roles"]
    )
    assert claims["locale"] == "nl" and claims[CLAIM + "launch_presentation"]["locale"] == "nl"
    assert claims[CLAIM + "tool_platform"]["product_family_code"] == "learnloop-demo"
    assert claims["given_name"] == "Amira" and claims["family_name"] == "Bakker"


def test_with_platform_storage_on_the_login_names_the_parent_frame_and_the_launch_succeeds(
    demo: DemoServers, browser: requests.Session
) -> None:
    login = browser.get(demo.launch_url("learner", storage=True))
    assert 'data-target="_parent"' in login.text  # the tool's page that stores the state first
    page = open_learnloop(browser, demo, "learner", storage=True)
    assert page.status_code == 200
    assert "<h1>My learning</h1>" in page.text


def _auth_request(demo: DemoServers, browser: requests.Session, person: str) -> dict[str, str]:
    start = browser.get(demo.launch_url(person), allow_redirects=False)
    login = browser.get(start.headers["Location"], allow_redirects=False)
    return {k: v[0] for k, v in parse_qs(urlsplit(login.headers["Location"]).query).items()}


def test_the_auth_endpoint_refuses_a_redirect_uri_other_than_the_tools_launch_url(
    demo: DemoServers, browser: requests.Session
) -> None:
    params = _auth_request(demo, browser, "learner")
    params["redirect_uri"] = "http://attacker.example/collect"
    response = browser.get(demo.lms_url + "/auth", params=params)
    assert response.status_code == 400
    assert "redirect_uri" in response.text and "id_token" not in response.text


def test_the_auth_endpoint_refuses_a_login_hint_the_launch_was_not_for(
    demo: DemoServers, browser: requests.Session
) -> None:
    params = _auth_request(demo, browser, "learner")
    params["login_hint"] = "admin"
    response = browser.post(demo.lms_url + "/auth", data=params)
    assert response.status_code == 400
    assert "login_hint" in response.text


def test_the_token_endpoint_grants_a_token_for_an_assertion_signed_with_the_tools_key(
    demo: DemoServers, browser: requests.Session
) -> None:
    # 1EdTech Security Framework §4.1.1: client_credentials with a JWT the tool signs.
    with demo.tool_app.app_context():
        key = signing_key()
    now = int(time.time())
    assertion = jwt.encode(
        {
            "iss": "learnloop-demo",
            "sub": "learnloop-demo",
            "aud": demo.lms_url + "/token",
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        },
        key.private_pem,
        algorithm="RS256",
        headers={"kid": key.kid},
    )
    scope = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
    response = browser.post(
        demo.lms_url + "/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": scope,
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == scope and response.json()["token_type"] == "bearer"
