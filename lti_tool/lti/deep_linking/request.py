"""The Deep Linking request of a launch (LTI DL 2.0 §4.4), carried between the picker's pages.

The settings arrive in the validated id_token. The picker keeps them in a signed, expiring
token in its form, rather than on the server: it holds nothing a person could use elsewhere,
and the tenant id inside must match the viewer's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lti_tool.core.security import TokenError, sign, unsign
from lti_tool.lti.errors import LaunchError

SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
_SALT = "learnloop-deep-linking"
# How long a designer may take to choose. The response is signed when they submit, so a slow
# choice never sends a stale token (Canvas refuses one whose iat is over 5 minutes old).
MAX_AGE = 3600


@dataclass(frozen=True)
class DeepLinkRequest:
    tenant_id: int
    return_url: str
    accept_multiple: bool
    accept_lineitem: bool
    data: str | None  # opaque; must come back unchanged (§4.4.1 "data")
    title: str | None

    def to_token(self) -> str:
        return sign(
            {
                "t": self.tenant_id,
                "u": self.return_url,
                "m": self.accept_multiple,
                "l": self.accept_lineitem,
                "d": self.data,
                "n": self.title,
            },
            _SALT,
        )


def from_settings(tenant_id: int, settings: Any) -> DeepLinkRequest:
    """The request from a launch's settings claim; refuses a return URL that is not http(s)."""
    if not isinstance(settings, dict):
        raise LaunchError("invalid_message", "deep_linking_settings is not an object")
    return_url = settings.get("deep_link_return_url")
    if not isinstance(return_url, str) or urlsplit(return_url).scheme not in ("http", "https"):
        raise LaunchError("invalid_message", f"deep_link_return_url {return_url!r} is not a URL")
    data = settings.get("data")
    title = settings.get("title")
    return DeepLinkRequest(
        tenant_id=tenant_id,
        return_url=return_url,
        accept_multiple=settings.get("accept_multiple") is not False,
        accept_lineitem=settings.get("accept_lineitem") is not False,
        data=data if isinstance(data, str) else None,
        title=title if isinstance(title, str) else None,
    )


def from_token(token: str, tenant_id: int) -> DeepLinkRequest:
    try:
        payload = unsign(token, _SALT, MAX_AGE)
    except TokenError as exc:
        raise LaunchError("session_expired", f"deep linking token rejected: {exc}") from exc
    if payload["t"] != tenant_id:
        raise LaunchError("not_allowed", "deep linking token of another tenant")
    return DeepLinkRequest(
        tenant_id=payload["t"],
        return_url=payload["u"],
        accept_multiple=payload["m"],
        accept_lineitem=payload["l"],
        data=payload["d"],
        title=payload["n"],
    )
