"""The demo LMS's side of LTI Dynamic Registration 1.0: its registration tokens and the checks
its registration endpoint makes (as Moodle's and Canvas's do) before it stores a tool."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
import pytest

from lti_tool.demo import keys, registration
from lti_tool.demo.tools import ToolStore

TOOL = "http://127.0.0.1:5000"
CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"


@pytest.fixture
def key(tmp_path: Path) -> keys.PlatformKey:
    return keys.load_or_create(tmp_path)


@pytest.fixture
def tools(tmp_path: Path) -> ToolStore:
    return ToolStore(tmp_path / "tools.json")


def body(**changes: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "application_type": "web",
        "grant_types": ["client_credentials", "implicit"],
        "response_types": ["id_token"],
        "redirect_uris": [TOOL + "/lti/launch"],
        "initiate_login_uri": TOOL + "/lti/login",
        "client_name": "LearnLoop",
        "jwks_uri": TOOL + "/lti/jwks.json",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": registration.SCOPES[3],
        CONFIG: {
            "domain": "127.0.0.1:5000",
            "target_link_uri": TOOL + "/lti/launch",
            "claims": ["sub", "name", "email"],
            "messages": [{"type": "LtiDeepLinkingRequest", "target_link_uri": TOOL + "/dl"}],
        },
    }
    request.update(changes)
    return request


def bearer(token: str) -> str:
    return "Bearer " + token


def test_a_registration_stores_the_tool_and_answers_with_its_client_and_deployment(
    key: keys.PlatformKey, tools: ToolStore
) -> None:
    claims = registration.read_token(bearer(registration.issue_token(key)), key)
    tool, answer = registration.register(body(), claims, tools)
    assert answer["client_id"] == tool.client_id == claims["sub"]
    assert answer[CONFIG]["deployment_id"] == tool.deployment_id
    assert tools.find(tool.client_id) == tool
    assert tool.deep_linking_url == TOOL + "/dl"
    assert tool.claims == ("sub", "name", "email")


def test_a_token_issued_without_a_deployment_gets_an_answer_without_one(
    key: keys.PlatformKey, tools: ToolStore
) -> None:
    token = registration.issue_token(key, names_deployment=False)
    _, answer = registration.register(body(), registration.read_token(bearer(token), key), tools)
    assert "deployment_id" not in answer[CONFIG]


def test_a_registration_token_works_once(key: keys.PlatformKey, tools: ToolStore) -> None:
    claims = registration.read_token(bearer(registration.issue_token(key)), key)
    registration.register(body(), claims, tools)
    with pytest.raises(registration.RegistrationRefused, match="token_already_used") as refused:
        registration.register(body(), claims, tools)
    assert refused.value.status == 401
    assert len(tools.all()) == 1


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Basic abc", "Bearer ", "Bearer not.a.jwt"],
)
def test_a_missing_or_malformed_token_is_refused(
    key: keys.PlatformKey, authorization: str | None
) -> None:
    with pytest.raises(registration.RegistrationRefused) as refused:
        registration.read_token(authorization, key)
    assert (refused.value.status, refused.value.error) == (401, "invalid_token")


def test_an_expired_token_or_one_signed_by_another_platform_is_refused(
    key: keys.PlatformKey, tmp_path: Path
) -> None:
    expired = jwt.encode(
        {"sub": "x", "scope": "reg", "exp": int(time.time()) - 1}, key.private_pem, "RS256"
    )
    other = keys.load_or_create(tmp_path / "other")
    foreign = registration.issue_token(other)
    for token in (expired, foreign):
        with pytest.raises(registration.RegistrationRefused):
            registration.read_token(bearer(token), key)


def test_a_token_for_another_purpose_is_refused(key: keys.PlatformKey) -> None:
    token = jwt.encode(
        {"sub": "x", "scope": "reg-update", "exp": int(time.time()) + 60}, key.private_pem, "RS256"
    )
    with pytest.raises(registration.RegistrationRefused, match="not a registration token"):
        registration.read_token(bearer(token), key)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"application_type": "native"}, "application_type"),
        ({"grant_types": ["implicit"]}, "grant_types"),
        ({"response_types": ["code"]}, "response_types"),
        ({"token_endpoint_auth_method": "client_secret_basic"}, "token_endpoint_auth_method"),
        ({"redirect_uris": []}, "redirect_uris"),
        ({"redirect_uris": "http://x/launch"}, "redirect_uris"),
        ({"jwks_uri": "file:///etc/passwd"}, "jwks_uri"),
        ({"client_name": ""}, "client_name"),
        ({CONFIG: None}, CONFIG),
        (
            {CONFIG: {"domain": "elsewhere.example", "target_link_uri": TOOL + "/lti/launch"}},
            "domain_targetlinkuri_mismatch",
        ),
    ],
)
def test_a_registration_missing_what_a_platform_requires_is_refused_and_stores_nothing(
    key: keys.PlatformKey, tools: ToolStore, changes: dict[str, Any], reason: str
) -> None:
    claims = registration.read_token(bearer(registration.issue_token(key)), key)
    with pytest.raises(registration.RegistrationRefused, match=reason) as refused:
        registration.register(body(**changes), claims, tools)
    assert (refused.value.status, refused.value.error) == (400, "invalid_client_metadata")
    assert tools.all() == []


def test_scopes_the_platform_does_not_offer_are_refused(
    key: keys.PlatformKey, tools: ToolStore
) -> None:
    claims = registration.read_token(bearer(registration.issue_token(key)), key)
    with pytest.raises(registration.RegistrationRefused) as refused:
        registration.register(body(scope="https://example.org/scope/everything"), claims, tools)
    assert refused.value.error == "invalid_scope"


def test_the_configuration_is_an_lti_platform_configuration_on_the_issuers_site() -> None:
    config = registration.openid_configuration("http://127.0.0.1:5001")
    assert config["issuer"] == "http://127.0.0.1:5001"
    assert config["registration_endpoint"] == "http://127.0.0.1:5001/lti/registrations"
    lti = config["https://purl.imsglobal.org/spec/lti-platform-configuration"]
    assert {m["type"] for m in lti["messages_supported"]} == {
        "LtiResourceLinkRequest",
        "LtiDeepLinkingRequest",
    }
