"""OIDC third-party initiated login (LTI Core 1.3 §5.1.1; Security Framework §5.1.1).

The platform calls ``/lti/login``; we check who is asking, issue a signed state carrying a
nonce (:mod:`.oidc_state`: nothing is written) and send the browser to the platform's
authorisation endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from flask import current_app

from lti_tool.lti import oidc_state, registrations
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.message_launch import points_at_us
from lti_tool.lti.registrations import RegistrationInfo

# What the platform may send (Moodle and Canvas add their own; see notes/lti-advantage.md §7).
LOGIN_PARAMS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "client_id",
    "lti_deployment_id",
    "lti_storage_target",
)


@dataclass(frozen=True)
class LoginRedirect:
    auth_url: str
    state: str
    browser_id: str  # names the state cookie
    storage_target: str | None
    platform_origin: str


def start_login(raw: Mapping[str, str], *, new_window: bool = False) -> LoginRedirect:
    params = {k: raw[k] for k in LOGIN_PARAMS if raw.get(k)}
    missing = [k for k in ("iss", "login_hint", "target_link_uri") if k not in params]
    if missing:
        raise LaunchError("incomplete_login", f"login request lacks {', '.join(missing)}")
    if not points_at_us(params["target_link_uri"]):
        raise LaunchError(
            "wrong_target", f"target_link_uri {params['target_link_uri']!r} is not under BASE_URL"
        )
    registration = registrations.cached_registration(params["iss"], params.get("client_id"))
    if registration is None:
        raise LaunchError(
            "unknown_registration",
            f"no registration for issuer {params['iss']!r} client_id {params.get('client_id')!r}",
            issuer=params["iss"],
            client_id=params.get("client_id"),
        )
    # A new top-level window has cookies; platform storage belongs to the iframe's parent.
    storage_target = None if new_window else params.get("lti_storage_target")
    login = oidc_state.issue(registration.id, params, storage_target)
    return LoginRedirect(
        auth_url=_auth_url(registration, login, params),
        state=login.token,
        browser_id=login.browser_id,
        storage_target=storage_target,
        platform_origin=origin_of(registration.auth_login_url),
    )


def _auth_url(
    registration: RegistrationInfo, login: oidc_state.OidcState, params: dict[str, str]
) -> str:
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": registration.client_id,
        "redirect_uri": launch_url(),
        "state": login.token,
        "nonce": login.nonce,
        "login_hint": params["login_hint"],
    }
    if "lti_message_hint" in params:
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in registration.auth_login_url else "?"
    return registration.auth_login_url + separator + urlencode(query)


def launch_url() -> str:
    return current_app.config["BASE_URL"] + "/lti/launch"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
