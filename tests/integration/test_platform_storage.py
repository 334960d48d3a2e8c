"""LTI client-side platform storage: the state is confirmed by the page, not by a cookie.

Used when the LMS offers ``lti_storage_target`` (Canvas does; Moodle does not).
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.support.platform import TestPlatform, auth_request


def _storage_login(client: FlaskClient, platform: TestPlatform) -> tuple[str, dict[str, str]]:
    response = client.post("/lti/login", data=platform.login_params(lti_storage_target="_parent"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    auth_url = re.search(r'data-auth-url="([^"]+)"', html)
    assert auth_url, html
    return html, auth_request(auth_url.group(1).replace("&amp;", "&"))


def _cookieless_launch(app: Flask, platform: TestPlatform, auth: dict[str, str]) -> str:
    token = platform.sign(platform.claims(auth["nonce"]))
    response = app.test_client().post(
        "/lti/launch", data={"id_token": token, "state": auth["state"]}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_login_page_stores_the_state_in_the_platform_before_going_on(
    client: FlaskClient, registered: TestPlatform
) -> None:
    html, auth = _storage_login(client, registered)
    assert 'data-target="_parent"' in html
    assert f'data-state="{auth["state"]}"' in html
    assert 'data-origin="https://lms.example.edu"' in html  # the platform's OIDC auth origin


def test_a_cookieless_launch_waits_for_the_page_to_confirm_the_state(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    _, auth = _storage_login(client, registered)
    html = _cookieless_launch(app, registered, auth)
    assert "LearnLoopStorage.verifyState" in html
    code = re.search(r'name="code" value="([^"]+)"', html)
    assert code
    browser = app.test_client()
    done = browser.post(
        "/lti/launch/complete", data={"code": code.group(1), "state": auth["state"]}
    )
    assert done.status_code == 303
    assert browser.get(done.headers["Location"], follow_redirects=True).status_code == 200


def test_a_wrong_state_from_platform_storage_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    _, auth = _storage_login(client, registered)
    html = _cookieless_launch(app, registered, auth)
    code = re.search(r'name="code" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    response = app.test_client().post("/lti/launch/complete", data={"code": code, "state": "x"})
    assert response.status_code == 403


def test_a_confirmed_launch_cannot_be_completed_twice(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    _, auth = _storage_login(client, registered)
    html = _cookieless_launch(app, registered, auth)
    form = {
        "code": re.search(r'name="code" value="([^"]+)"', html).group(1),  # type: ignore[union-attr]
        "state": auth["state"],
    }
    assert app.test_client().post("/lti/launch/complete", data=form).status_code == 303
    again = app.test_client().post("/lti/launch/complete", data=form)
    assert again.status_code == 403
    assert "already used" in again.get_data(as_text=True)


def test_a_forged_completion_code_is_refused(app: Flask, registered: TestPlatform) -> None:
    response = app.test_client().post(
        "/lti/launch/complete", data={"code": "1.forged", "state": "s"}
    )
    assert response.status_code == 403
