"""LTI Deep Linking 2.0: the picker, the signed response, and launching what was placed.

Each test drives a real signed Deep Linking request through the OIDC login and launch.
"""

from __future__ import annotations

import re
import time
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
from jwt import PyJWK
from werkzeug.test import TestResponse

from lti_tool.lti import keys
from tests.integration.launch_helpers import launch, login
from tests.support.platform import CLAIM, INSTRUCTOR, LEARNER, TestPlatform

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
RETURN_URL = "https://lms.example.edu/deep-linking/return?course=7"


def settings(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "deep_link_return_url": RETURN_URL,
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": True,
        "data": "opaque-csrf-1",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def deep_linking_launch(
    client: FlaskClient,
    platform: TestPlatform,
    roles: tuple[str, ...] = (INSTRUCTOR,),
    deployment_id: str = "dep-1",
    **dl: Any,
) -> TestResponse:
    """A Deep Linking request launch; ``dl`` changes its settings claim."""
    return launch(
        client,
        platform,
        roles=roles,
        deployment_id=deployment_id,
        **{
            CLAIM + "resource_link": None,
            CLAIM + "message_type": "LtiDeepLinkingRequest",
            DL + "deep_linking_settings": settings(**dl),
        },
    )


def open_picker(client: FlaskClient, platform: TestPlatform, **dl: Any) -> tuple[str, str, str]:
    """Launch a Deep Linking request; (picker page html, page token, picker token)."""
    response = deep_linking_launch(client, platform, **dl)
    assert response.status_code == 303, response.get_data(as_text=True)
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return page.get_data(as_text=True), query["lt"][0], query["dl"][0]


def returned_jwt(app: Flask, response: TestResponse) -> dict[str, Any]:
    """The JWT of the auto-submitting return form, verified with the tool's published JWKS."""
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    action = re.search(r'<form id="deep-linking-return" method="post" action="([^"]+)"', html)
    assert action is not None and unescape(action.group(1)) == RETURN_URL
    token = re.search(r'name="JWT" value="([^"]+)"', html)
    assert token is not None
    header = jwt.get_unverified_header(token.group(1))
    with app.app_context():
        published = {key["kid"]: key for key in keys.jwks()["keys"]}
    public = PyJWK(published[header["kid"]]).key
    return jwt.decode(
        token.group(1), public, algorithms=["RS256"], audience="https://lms.example.edu"
    )


def test_a_designer_sees_what_can_be_placed_and_why_the_rest_cannot(
    client: FlaskClient, registered: TestPlatform
) -> None:
    html, _, _ = open_picker(client, registered)
    assert "Add LearnLoop to your course" in html
    assert 'value="home"' in html
    assert "No role paths exist here yet" in html
    assert re.search(r'id="item-path-none"\s+disabled', html)
    assert 'type="checkbox"' in html


def test_the_picker_speaks_dutch(client: FlaskClient, registered: TestPlatform) -> None:
    _, token, dl_token = open_picker(client, registered)
    html = client.get("/lti/deep-linking", query_string={"lt": token, "dl": dl_token, "lang": "nl"})
    assert "Voeg LearnLoop toe aan je cursus" in html.get_data(as_text=True)


def test_dl_2_0_s4_5_the_choice_returns_as_a_signed_response_with_a_resource_link(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    _, token, dl_token = open_picker(client, registered)
    response = client.post(
        "/lti/deep-linking", query_string={"lt": token}, data={"dl": dl_token, "item": "home"}
    )
    claims = returned_jwt(app, response)
    assert claims["iss"] == registered.client_id
    assert claims["aud"] == registered.issuer
    assert abs(claims["iat"] - time.time()) < 5 and claims["exp"] > claims["iat"]
    assert claims["nonce"]
    assert claims[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[CLAIM + "version"] == "1.3.0"
    assert claims[CLAIM + "deployment_id"] == "dep-1"
    assert claims[DL + "data"] == "opaque-csrf-1"
    (item,) = claims[DL + "content_items"]
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == "http://127.0.0.1:5000/lti/launch"
    assert item["custom"] == {"learnloop_item": "home"}
    assert "lineItem" not in item  # the home page is not graded


def test_cancelling_returns_no_items_and_says_so(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    _, token, dl_token = open_picker(client, registered, data=None)
    response = client.post(
        "/lti/deep-linking", query_string={"lt": token}, data={"dl": dl_token, "cancel": "1"}
    )
    claims = returned_jwt(app, response)
    assert claims[DL + "content_items"] == []
    assert DL + "data" not in claims
    assert claims[DL + "msg"] == "Nothing was added from LearnLoop."


@pytest.mark.parametrize(
    ("form", "status", "phrase"),
    [
        ({}, 400, "Choose at least one item"),
        ({"item": "path:999"}, 404, "does not exist here"),
    ],
)
def test_a_choice_of_nothing_or_of_an_unknown_item_is_refused(
    client: FlaskClient, registered: TestPlatform, form: dict[str, str], status: int, phrase: str
) -> None:
    _, token, dl_token = open_picker(client, registered)
    response = client.post(
        "/lti/deep-linking", query_string={"lt": token}, data={"dl": dl_token, **form}
    )
    assert response.status_code == status
    assert phrase in response.get_data(as_text=True)
    assert "JWT" not in response.get_data(as_text=True)


def test_a_platform_that_accepts_one_item_gets_radio_buttons_and_refuses_two(
    client: FlaskClient, registered: TestPlatform
) -> None:
    html, token, dl_token = open_picker(client, registered, accept_multiple=False)
    assert 'type="radio"' in html and 'type="checkbox"' not in html
    response = client.post(
        "/lti/deep-linking",
        query_string={"lt": token},
        data={"dl": dl_token, "item": ["home", "home-2"]},
    )
    assert response.status_code == 400
    assert "one item at a time" in response.get_data(as_text=True)


def test_a_learner_cannot_use_deep_linking(client: FlaskClient, registered: TestPlatform) -> None:
    response = deep_linking_launch(client, registered, roles=(LEARNER,))
    assert response.status_code == 403


def test_a_request_without_a_usable_return_url_is_refused(
    client: FlaskClient, registered: TestPlatform
) -> None:
    response = deep_linking_launch(client, registered, deep_link_return_url="javascript:alert(1)")
    assert response.status_code == 400


def test_a_forged_deep_linking_request_is_refused_like_any_launch(
    client: FlaskClient, registered: TestPlatform
) -> None:
    from tests.support.platform import new_rsa_key

    other_pem, _ = new_rsa_key()
    auth = login(client, registered)
    claims = registered.claims(
        auth["nonce"],
        roles=(INSTRUCTOR,),
        **{
            CLAIM + "message_type": "LtiDeepLinkingRequest",
            DL + "deep_linking_settings": settings(),
        },
    )
    forged = registered.sign(claims, key_pem=other_pem)
    response = client.post("/lti/launch", data={"id_token": forged, "state": auth["state"]})
    assert response.status_code in (400, 401, 403)
    assert "/lti/deep-linking" not in response.headers.get("Location", "")


def test_a_replayed_deep_linking_request_is_refused(
    client: FlaskClient, registered: TestPlatform
) -> None:
    auth = login(client, registered)
    claims = registered.claims(
        auth["nonce"],
        roles=(INSTRUCTOR,),
        **{
            CLAIM + "message_type": "LtiDeepLinkingRequest",
            DL + "deep_linking_settings": settings(),
        },
    )
    form = {"id_token": registered.sign(claims), "state": auth["state"]}
    assert client.post("/lti/launch", data=form).status_code == 303
    assert client.post("/lti/launch", data=form).status_code == 403


def test_a_picker_token_is_only_good_in_its_own_tenant(
    app: Flask, registered: TestPlatform
) -> None:
    _, _, dl_token = open_picker(app.test_client(), registered)
    other = app.test_client()
    response = deep_linking_launch(other, registered, deployment_id="dep-2")
    other_token = parse_qs(urlsplit(response.headers["Location"]).query)["lt"][0]
    refused = other.post(
        "/lti/deep-linking", query_string={"lt": other_token}, data={"dl": dl_token, "item": "home"}
    )
    assert refused.status_code == 403, refused.get_data(as_text=True)[-3000:]
    assert "JWT" not in refused.get_data(as_text=True)


def test_a_placed_link_opens_its_item(client: FlaskClient, registered: TestPlatform) -> None:
    response = launch(client, registered, **{CLAIM + "custom": {"learnloop_item": "home"}})
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/home"


def test_a_placed_link_whose_item_is_gone_lands_on_the_home_page_saying_so(
    client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, **{CLAIM + "custom": {"learnloop_item": "path:404"}})
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == "/home"
    assert parse_qs(location.query)["missing"] == ["1"]
