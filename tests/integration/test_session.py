"""After launch the session survives in the iframe without cookies: pages carry a token."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from tests.integration.launch_helpers import launch
from tests.support.platform import INSTRUCTOR, LEARNER, TestPlatform


def _token(location: str) -> str:
    return parse_qs(urlsplit(location).query)["lt"][0]


def test_pages_work_with_the_token_alone_when_cookies_are_blocked(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _token(launch(client, registered, roles=(INSTRUCTOR,)).headers["Location"])
    cookieless = app.test_client(use_cookies=False)
    page = cookieless.get("/course", query_string={"lt": token})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "lt=" in html, "links on the page must carry the token onwards"


def test_pages_work_with_the_session_cookie_when_the_browser_keeps_it(
    client: FlaskClient, registered: TestPlatform
) -> None:
    launch(client, registered)
    assert client.get("/learn").status_code == 200


def test_a_tampered_token_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _token(launch(client, registered).headers["Location"])
    response = app.test_client(use_cookies=False).get(
        "/learn", query_string={"lt": token[:-2] + "xx"}
    )
    assert response.status_code == 401
    assert "Open LearnLoop again from your course." in response.get_data(as_text=True)


def test_an_expired_token_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _token(launch(client, registered).headers["Location"])
    app.config["SESSION_TOKEN_MAX_AGE"] = -1
    response = app.test_client(use_cookies=False).get("/learn", query_string={"lt": token})
    assert response.status_code == 401


def test_without_a_launch_there_is_no_page(app: Flask) -> None:
    response = app.test_client().get("/learn", headers={"Accept-Language": "nl"})
    assert response.status_code == 401
    assert "Je LearnLoop-sessie is beëindigd" in response.get_data(as_text=True)


def test_a_learner_cannot_open_course_setup_or_settings(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _token(launch(client, registered, roles=(LEARNER,)).headers["Location"])
    for path in ("/course", "/settings"):
        response = client.get(path, query_string={"lt": token})
        assert response.status_code == 403
        assert "This page is not for your role" in response.get_data(as_text=True)


def test_the_jwks_endpoint_serves_public_keys_only(client: FlaskClient, app: Flask) -> None:
    from lti_tool.core.db import commit_or_rollback
    from lti_tool.lti.keys import ensure_keys

    with app.app_context(), commit_or_rollback():
        ensure_keys()
    response = client.get("/lti/jwks.json")
    assert response.status_code == 200
    keys = response.get_json()["keys"]
    assert len(keys) == 2 and all("d" not in k and k["kid"] for k in keys)


def test_unknown_pages_are_friendly_404s(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Open LearnLoop again from your course." in response.get_data(as_text=True)


def test_pages_never_leak_their_token_to_other_sites(
    client: FlaskClient, registered: TestPlatform
) -> None:
    page = client.get(launch(client, registered).headers["Location"], follow_redirects=True)
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["Cache-Control"] == "no-store"
