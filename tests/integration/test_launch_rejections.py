"""Negative launch suite: every refused launch is a 4xx page that says what to do, logs why,
and changes nothing. Each case names the spec section it enforces:

- SEC = 1EdTech Security Framework 1.0, §5.1.3 "Authentication Response Validation"
- CORE = LTI Core 1.3, §5.3 "Required message claims"
- DL = LTI Deep Linking 2.0, §4.4 "Deep linking request message"
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lti_tool.core.db import db
from lti_tool.lti.models import User
from tests.integration.launch_helpers import launch, login
from tests.support.platform import CLAIM, TestPlatform, new_rsa_key

DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def user_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)) or 0


def assert_refused(app: Flask, response: Any, status: int, *phrases: str) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == status, html
    assert "Traceback" not in html
    for phrase in phrases:
        assert phrase in html
    assert user_count(app) == 0, "a refused launch must not create anyone"


# -- signature and keys ---------------------------------------------------------------------


def test_sec_5_1_3_step_1_a_token_signed_with_another_key_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    other_pem, _ = new_rsa_key()
    response = launch(client, registered, sign={"key_pem": other_pem})
    assert_refused(app, response, 403, "We could not verify this launch")


def test_sec_5_1_3_step_1_a_token_with_an_unknown_kid_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, sign={"kid": "no-such-key"})
    assert_refused(app, response, 403, "We could not verify this launch")


def test_sec_5_1_3_step_6_alg_none_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    auth = login(client, registered)
    header = '{"alg":"none","kid":"platform-key-1","typ":"JWT"}'
    import base64
    import json

    def b64(data: str) -> str:
        return base64.urlsafe_b64encode(data.encode()).rstrip(b"=").decode()

    token = b64(header) + "." + b64(json.dumps(registered.claims(auth["nonce"]))) + "."
    response = client.post("/lti/launch", data={"id_token": token, "state": auth["state"]})
    assert_refused(app, response, 403, "We could not verify this launch")


def test_sec_5_1_3_step_6_hs256_signed_with_the_public_key_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    import hashlib
    import hmac
    import json
    from base64 import urlsafe_b64encode

    def b64(data: bytes) -> str:
        return urlsafe_b64encode(data).rstrip(b"=").decode()

    auth = login(client, registered)
    public_json = json.dumps(registered.public_jwks["keys"][0]).encode()
    signing_input = (
        b64(b'{"alg":"HS256","kid":"platform-key-1"}')
        + "."
        + b64(json.dumps(registered.claims(auth["nonce"])).encode())
    )
    signature = hmac.new(public_json, signing_input.encode(), hashlib.sha256).digest()
    token = signing_input + "." + b64(signature)
    response = client.post("/lti/launch", data={"id_token": token, "state": auth["state"]})
    assert_refused(app, response, 403, "We could not verify this launch")


def test_a_token_that_is_not_a_jwt_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    auth = login(client, registered)
    response = client.post("/lti/launch", data={"id_token": "not.a-jwt", "state": auth["state"]})
    assert_refused(app, response, 403, "We could not verify this launch")


def test_a_launch_without_an_id_token_is_refused(app: Flask, client: FlaskClient) -> None:
    response = client.post("/lti/launch", data={"state": "x"})
    assert_refused(app, response, 400, "The launch is missing information")


# -- issuer, audience, authorised party -----------------------------------------------------


def test_sec_5_1_3_step_2_an_unknown_issuer_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, iss="https://evil.example.com")
    assert_refused(app, response, 400, "LearnLoop is not set up for this LMS yet")


def test_sec_5_1_3_step_3_an_audience_that_is_not_our_client_id_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, aud="someone-else")
    assert_refused(app, response, 400, "LearnLoop is not set up for this LMS yet")


def test_sec_5_1_3_step_4_a_list_audience_without_azp_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, aud=["other-client", registered.client_id])
    assert_refused(app, response, 403, "We could not verify this launch")


def test_sec_5_1_3_step_5_an_azp_that_is_not_our_client_id_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(
        client, registered, aud=[registered.client_id, "other-client"], azp="other-client"
    )
    assert response.status_code in (400, 403)
    assert user_count(app) == 0


def test_sec_5_1_3_step_5_a_list_audience_with_our_azp_is_accepted(
    client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(
        client, registered, aud=["other-client", registered.client_id], azp=registered.client_id
    )
    assert response.status_code == 303


def test_sec_5_1_3_step_3_a_list_audience_without_our_client_id_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, aud=["other-client"], azp=registered.client_id)
    assert_refused(app, response, 403, "We could not verify this launch")


# -- time -----------------------------------------------------------------------------------


def test_sec_5_1_3_step_8_a_two_second_clock_skew_on_iat_and_nbf_is_accepted(
    client: FlaskClient, registered: TestPlatform
) -> None:
    ahead = int(time.time()) + 2
    response = launch(client, registered, iat=ahead, nbf=ahead)
    assert response.status_code == 303, response.get_data(as_text=True)


def test_sec_5_1_3_step_8_an_iat_far_in_the_future_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, iat=int(time.time()) + 600)
    assert_refused(app, response, 403, "We could not verify this launch")


@pytest.mark.parametrize("seconds_ago", [1, 30, 3600])
def test_sec_5_1_3_step_7_an_expired_token_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform, seconds_ago: int
) -> None:
    response = launch(client, registered, exp=int(time.time()) - seconds_ago)
    assert_refused(app, response, 400, "This launch has expired", "Open LearnLoop again")


def test_sec_5_1_3_step_7_a_token_without_exp_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    auth = login(client, registered)
    claims = registered.claims(auth["nonce"])
    del claims["exp"]
    response = client.post(
        "/lti/launch", data={"id_token": registered.sign(claims), "state": auth["state"]}
    )
    assert_refused(app, response, 403, "We could not verify this launch")


# -- nonce and state ------------------------------------------------------------------------


def test_sec_5_1_3_step_9_the_same_id_token_and_state_posted_twice_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    auth = login(client, registered)
    form = {"id_token": registered.sign(registered.claims(auth["nonce"])), "state": auth["state"]}
    assert client.post("/lti/launch", data=form).status_code == 303
    users_after_first = user_count(app)
    with caplog.at_level(logging.WARNING, logger="learnloop"):
        again = client.post("/lti/launch", data=form)
    html = again.get_data(as_text=True)
    assert again.status_code == 403
    assert "This launch link was already used" in html
    assert "Open LearnLoop again from your course." in html
    assert user_count(app) == users_after_first
    assert any("replayed" in record.getMessage() for record in caplog.records)


def test_sec_5_1_3_step_9_a_replay_from_another_browser_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    auth = login(client, registered)
    form = {"id_token": registered.sign(registered.claims(auth["nonce"])), "state": auth["state"]}
    assert client.post("/lti/launch", data=form).status_code == 303
    response = app.test_client().post("/lti/launch", data=form)
    assert response.status_code == 403
    assert "already used" in response.get_data(as_text=True)


def test_sec_5_1_3_step_9_a_nonce_we_never_issued_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    auth = login(client, registered)
    token = registered.sign(registered.claims("made-up-nonce"))
    response = client.post("/lti/launch", data={"id_token": token, "state": auth["state"]})
    assert_refused(app, response, 403, "We could not verify this launch")


def test_oidc_state_that_differs_from_the_one_issued_with_the_nonce_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, state="another-state")
    assert_refused(app, response, 403, "does not belong to this browser window")


def test_oidc_a_launch_whose_state_cookie_is_missing_offers_a_new_window(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    auth = login(client, registered)
    token = registered.sign(registered.claims(auth["nonce"]))
    cookieless = app.test_client()  # the browser withheld our cookie inside the iframe
    response = cookieless.post("/lti/launch", data={"id_token": token, "state": auth["state"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Continue in a new window" in html
    assert "lti1p3_new_window=1" in html and 'target="_blank"' in html
    assert user_count(app) == 0


def test_oidc_the_new_window_login_completes_the_launch(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    auth = login(client, registered)
    token = registered.sign(registered.claims(auth["nonce"]))
    cookieless = app.test_client()
    refused = cookieless.post("/lti/launch", data={"id_token": token, "state": auth["state"]})
    assert refused.status_code == 403
    # In the new (top-level) window, the same login runs again and cookies work.
    window = app.test_client()
    second = login(window, registered)
    token = registered.sign(registered.claims(second["nonce"]))
    response = window.post("/lti/launch", data={"id_token": token, "state": second["state"]})
    assert response.status_code == 303


def test_an_oidc_login_that_expired_before_the_launch_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    app.config["LTI_LOGIN_TTL"] = -1
    response = launch(client, registered)
    assert_refused(app, response, 400, "This launch has expired")


# -- target_link_uri ------------------------------------------------------------------------


def test_core_5_3_4_a_target_link_uri_elsewhere_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, target_link_uri="https://evil.example.com/lti/launch")
    assert_refused(app, response, 400, "This link points somewhere else")


def test_core_5_3_4_a_target_link_uri_on_another_port_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, target_link_uri="http://127.0.0.1:5999/lti/launch")
    assert_refused(app, response, 400, "This link points somewhere else")


def test_core_5_3_4_a_login_for_a_target_elsewhere_is_refused(
    client: FlaskClient, registered: TestPlatform
) -> None:
    response = client.post(
        "/lti/login", data=registered.login_params(target_link_uri="https://evil.example.com/x")
    )
    assert response.status_code == 400
    assert "This link points somewhere else" in response.get_data(as_text=True)


def test_core_5_3_4_a_target_link_uri_that_differs_from_the_login_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, target_link_uri="http://127.0.0.1:5000/lti/launch?x=1")
    assert_refused(app, response, 400, "This link points somewhere else")


# -- deployment and required claims ---------------------------------------------------------


def test_core_5_3_3_an_unknown_deployment_id_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, deployment_id="dep-unknown")
    assert_refused(app, response, 403, "This LearnLoop installation is not known")


def test_core_5_3_3_a_missing_deployment_id_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, **{CLAIM + "deployment_id": None})
    assert_refused(app, response, 403, "This LearnLoop installation is not known")


@pytest.mark.parametrize(
    ("section", "claim", "value"),
    [
        ("5.3.2 version", CLAIM + "version", "1.1"),
        ("5.3.1 message_type", CLAIM + "message_type", "LtiSomethingElse"),
        ("5.3.1 message_type missing", CLAIM + "message_type", None),
        ("5.3.6 sub", "sub", None),
        ("5.3.7 roles", CLAIM + "roles", None),
        ("5.3.5 resource_link", CLAIM + "resource_link", None),
        ("5.3.5 resource_link.id", CLAIM + "resource_link", {"title": "no id"}),
    ],
)
def test_core_5_3_a_launch_missing_a_required_claim_is_refused(
    app: Flask,
    client: FlaskClient,
    registered: TestPlatform,
    section: str,
    claim: str,
    value: Any,
) -> None:
    response = launch(client, registered, **{claim: value})
    assert_refused(app, response, 400, "The launch is missing information")


def test_dl_4_4_a_deep_linking_request_without_its_settings_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(
        client,
        registered,
        **{CLAIM + "message_type": "LtiDeepLinkingRequest", CLAIM + "resource_link": None},
    )
    assert_refused(app, response, 400, "The launch is missing information")


def test_dl_4_4_a_deep_linking_request_with_its_settings_is_accepted(
    client: FlaskClient, registered: TestPlatform
) -> None:
    settings = {
        "deep_link_return_url": registered.issuer + "/dl/return",
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
    }
    response = launch(
        client,
        registered,
        **{
            CLAIM + "message_type": "LtiDeepLinkingRequest",
            CLAIM + "resource_link": None,
            DL_SETTINGS: settings,
        },
        roles=("http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",),
    )
    assert response.status_code == 303


# -- the login request itself ---------------------------------------------------------------


@pytest.mark.parametrize("missing", ["iss", "login_hint", "target_link_uri"])
def test_sec_5_1_1_1_a_login_missing_a_required_parameter_is_refused(
    client: FlaskClient, registered: TestPlatform, missing: str
) -> None:
    response = client.post("/lti/login", data=registered.login_params(**{missing: ""}))
    assert response.status_code == 400
    assert "The login request is incomplete" in response.get_data(as_text=True)


def test_sec_5_1_1_1_a_login_from_an_unregistered_platform_names_what_to_register(
    client: FlaskClient, registered: TestPlatform
) -> None:
    response = client.get(
        "/lti/login", query_string=registered.login_params(iss="https://new-lms.example.org")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "https://new-lms.example.org" in html and registered.client_id in html


def test_refusals_are_explained_in_dutch_too(client: FlaskClient, registered: TestPlatform) -> None:
    auth = login(client, registered)
    form = {"id_token": registered.sign(registered.claims(auth["nonce"])), "state": auth["state"]}
    client.post("/lti/launch", data=form)
    again = client.post("/lti/launch", data=form, headers={"Accept-Language": "nl"})
    html = again.get_data(as_text=True)
    assert again.status_code == 403
    assert '<html lang="nl">' in html
    assert "Deze startlink is al gebruikt" in html
