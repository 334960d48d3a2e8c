"""The demo LMS as the *platform* of LTI Dynamic Registration 1.0 (lti1p3platform has none).

- ``openid_configuration``: what ``/.well-known/openid-configuration`` serves (§3.4), shaped
  as Moodle 4+ and Canvas serve theirs;
- registration tokens: an RS256 JWT signed with the platform key, naming the client_id the new
  tool will get (as Moodle does) and whether the answer names its deployment (Moodle: yes;
  Canvas: no — a choice on the demo's admin page); valid one hour, used once;
- ``register``: checks a client registration as Moodle's ``registration_to_config`` and
  Canvas's registration model do (notes/lti-advantage.md §3) and turns it into a ``DemoTool``
  the course page can launch.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import jwt

from lti_tool.demo.keys import PlatformKey
from lti_tool.demo.tools import DemoTool, ToolStore

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PRODUCT_FAMILY = "learnloop-demo"
TOKEN_TTL = 3600
_AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
SCOPES = (
    _AGS + "lineitem",
    _AGS + "lineitem.readonly",
    _AGS + "result.readonly",
    _AGS + "score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
)
MESSAGES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest")


class RegistrationRefused(Exception):
    """An OpenID Connect Dynamic Client Registration 1.0 §3.3 error: ``error`` and its text."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def openid_configuration(lms_url: str) -> dict[str, Any]:
    return {
        "issuer": lms_url,
        "authorization_endpoint": lms_url + "/auth",
        "token_endpoint": lms_url + "/token",
        "jwks_uri": lms_url + "/jwks",
        "registration_endpoint": lms_url + "/lti/registrations",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", *SCOPES],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["iss", "sub", "name", "given_name", "family_name", "email", "locale"],
        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
            "product_family_code": PRODUCT_FAMILY,
            "version": "1",
            "messages_supported": [
                {"type": "LtiResourceLinkRequest"},
                {"type": "LtiDeepLinkingRequest", "placements": ["ContentArea"]},
            ],
            "variables": [],
        },
    }


def issue_token(key: PlatformKey, *, names_deployment: bool = True) -> str:
    now = int(time.time())
    claims = {
        "sub": "demo-" + secrets.token_hex(6),  # the client_id the registered tool will get
        "scope": "reg",
        "iat": now,
        "exp": now + TOKEN_TTL,
        "dep": names_deployment,
    }
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})


def read_token(authorization: str | None, key: PlatformKey) -> dict[str, Any]:
    """The registration token's claims, from an ``Authorization: Bearer`` header."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise RegistrationRefused(401, "invalid_token", "a registration token is required")
    try:
        claims = jwt.decode(
            token, key.public_pem, algorithms=["RS256"], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise RegistrationRefused(401, "invalid_token", "the registration token expired") from exc
    except jwt.InvalidTokenError as exc:
        raise RegistrationRefused(401, "invalid_token", f"bad registration token: {exc}") from exc
    if claims.get("scope") != "reg":
        raise RegistrationRefused(401, "invalid_token", "not a registration token")
    return claims


def register(
    body: Any, token: Mapping[str, Any], tools: ToolStore
) -> tuple[DemoTool, dict[str, Any]]:
    """Store the tool the body describes; the answer (§3.6) is the body with its client_id."""
    tool = _tool_from(body, str(token["sub"]))
    if not tools.add(tool):
        raise RegistrationRefused(401, "invalid_token", "token_already_used")
    configuration = dict(body[TOOL_CONFIGURATION])
    if token.get("dep", True):
        configuration["deployment_id"] = tool.deployment_id
    answer = {**body, "client_id": tool.client_id, TOOL_CONFIGURATION: configuration}
    return tool, answer


def _tool_from(body: Any, client_id: str) -> DemoTool:
    if not isinstance(body, dict):
        raise _invalid("the registration is not a JSON object")
    _require(body.get("application_type") == "web", "application_type must be web")
    grants = body.get("grant_types")
    _require(
        isinstance(grants, list) and {"client_credentials", "implicit"} <= set(grants),
        "grant_types must include client_credentials and implicit",
    )
    _require(
        isinstance(body.get("response_types"), list) and "id_token" in body["response_types"],
        "response_types must include id_token",
    )
    _require(
        body.get("token_endpoint_auth_method") == "private_key_jwt",
        "token_endpoint_auth_method must be private_key_jwt",
    )
    _require(isinstance(body.get("client_name"), str) and body["client_name"], "client_name")
    login, jwks = _http_url(body, "initiate_login_uri"), _http_url(body, "jwks_uri")
    redirects = body.get("redirect_uris")
    _require(
        isinstance(redirects, list) and redirects and all(_is_http(u) for u in redirects),
        "redirect_uris must be a list of http(s) URLs",
    )
    configuration = body.get(TOOL_CONFIGURATION)
    _require(isinstance(configuration, dict), f"{TOOL_CONFIGURATION} is missing")
    target = _http_url(configuration, "target_link_uri")
    domain = configuration.get("domain")
    # As Moodle: the launch URL must be on the domain the tool gives (host, or host:port).
    _require(domain == urlsplit(target).netloc, "domain_targetlinkuri_mismatch")
    scopes = [s for s in str(body.get("scope") or "").split(" ") if s]
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise RegistrationRefused(400, "invalid_scope", f"scopes not offered: {unknown}")
    return DemoTool(
        client_id=client_id,
        deployment_id="deployment-" + secrets.token_hex(4),
        name=body["client_name"][:100],
        login_url=login,
        launch_url=target,
        jwks_url=jwks,
        redirect_uris=tuple(redirects),
        registered_by="dynamic",
        deep_linking_url=_deep_linking_url(configuration, target),
        scopes=tuple(scopes),
        claims=tuple(c for c in configuration.get("claims") or () if isinstance(c, str)),
    )


def _deep_linking_url(configuration: dict[str, Any], default: str) -> str | None:
    for message in configuration.get("messages") or ():
        if isinstance(message, dict) and message.get("type") == "LtiDeepLinkingRequest":
            url = message.get("target_link_uri")
            return url if _is_http(url) else default
    return None


def _is_http(url: Any) -> bool:
    return isinstance(url, str) and urlsplit(url).scheme in ("http", "https")


def _http_url(data: Mapping[str, Any], name: str) -> str:
    _require(_is_http(data.get(name)), f"{name} must be an http(s) URL")
    return str(data[name])


def _require(condition: Any, description: str) -> None:
    if not condition:
        raise _invalid(description)


def _invalid(description: str) -> RegistrationRefused:
    return RegistrationRefused(400, "invalid_client_metadata", description)
