"""A platform's *configuration*: its OpenID configuration with the LTI platform configuration
inside (LTI Dynamic Registration 1.0 §3.4), parsed from whatever shape the LMS sends.

``messages_supported`` comes in every shape seen in the wild (notes/lti-advantage.md §3):
- Moodle 3.10: the LTI key with a trailing space, ``["LtiResourceLink", "LtiDeepLinkingRequest"]``;
- Moodle before 4.0: strings, with ``placements`` beside them for all messages;
- Moodle 4.0+ and Canvas: ``[{"type": …, "placements": […]}]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from lti_tool.lti import products
from lti_tool.lti.registration.platform_http import origin

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
CANVAS_ACCOUNT_NAME = "https://canvas.instructure.com/lti/account_name"
# LTI Core 1.3 §5.1.3 / Security Framework §6.1: RSA signatures (as the launch accepts).
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512")
_MESSAGE_ALIASES = {"LtiResourceLink": "LtiResourceLinkRequest"}  # Moodle 3.10


class InvalidConfiguration(ValueError):
    """The platform's configuration cannot be used; ``code`` says how it is wrong."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code  # "not_a_configuration" | "wrong_issuer"
        self.detail = detail


@dataclass(frozen=True)
class SupportedMessage:
    type: str
    placements: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlatformConfiguration:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    product_family: str = "generic"
    version: str | None = None
    messages: tuple[SupportedMessage, ...] = ()
    scopes_supported: tuple[str, ...] = ()
    claims_supported: tuple[str, ...] = ()
    account_name: str | None = None  # Canvas: the account LearnLoop is being installed into

    def supports(self, message_type: str) -> bool:
        """Whether the platform takes this message (when it lists none, assume so)."""
        return not self.messages or any(m.type == message_type for m in self.messages)

    def placements_for(self, message_type: str) -> tuple[str, ...]:
        found = [p for m in self.messages if m.type == message_type for p in m.placements]
        return tuple(dict.fromkeys(found))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlatformConfiguration:
        values = dict(data)
        values["messages"] = tuple(
            SupportedMessage(m["type"], tuple(m["placements"])) for m in values["messages"]
        )
        for name in ("scopes_supported", "claims_supported"):
            values[name] = tuple(values[name])
        return cls(**values)


def parse(raw: Any, configuration_url: str) -> PlatformConfiguration:
    """The configuration fetched from ``configuration_url``; ``InvalidConfiguration`` if unusable."""
    if not isinstance(raw, dict):
        raise InvalidConfiguration("not_a_configuration", "the configuration is not a JSON object")
    lti = _lti_part(raw)
    issuer = _url(raw, "issuer")
    _check_issuer(issuer, configuration_url)
    family = _text(lti.get("product_family_code")) or "generic"
    product = products.for_family(family)
    authorization = raw.get("authorization_endpoint") or product.default_authorization_endpoint(
        issuer
    )
    _check_methods(raw)
    registration_endpoint = _url(raw, "registration_endpoint")
    if origin(registration_endpoint) != origin(configuration_url):
        # Canvas and Moodle serve both on the issuer's site; our registration goes nowhere else.
        raise InvalidConfiguration(
            "not_a_configuration", "registration_endpoint is not on the configuration's site"
        )
    return PlatformConfiguration(
        issuer=issuer,
        authorization_endpoint=_url(
            {"authorization_endpoint": authorization}, "authorization_endpoint"
        ),
        token_endpoint=_url(raw, "token_endpoint"),
        jwks_uri=_url(raw, "jwks_uri"),
        registration_endpoint=registration_endpoint,
        product_family=family.strip().lower()[:64],
        version=_text(lti.get("version")),
        messages=supported_messages(lti),
        scopes_supported=_strings(raw.get("scopes_supported")),
        claims_supported=_strings(raw.get("claims_supported")),
        account_name=_text(lti.get(CANVAS_ACCOUNT_NAME)),
    )


def _lti_part(raw: dict[str, Any]) -> dict[str, Any]:
    for key in (PLATFORM_CONFIGURATION, PLATFORM_CONFIGURATION + " "):  # Moodle 3.10's typo
        if isinstance(raw.get(key), dict):
            return raw[key]
    raise InvalidConfiguration(
        "not_a_configuration", f"no {PLATFORM_CONFIGURATION} object: not an LTI platform"
    )


def supported_messages(lti: Mapping[str, Any]) -> tuple[SupportedMessage, ...]:
    """``messages_supported`` in any of its shapes, as (type, placements) pairs."""
    entries = lti.get("messages_supported")
    if not isinstance(entries, list):
        return ()
    shared = _strings(lti.get("placements"))  # Moodle < 4.0: one list for every message
    found: dict[str, SupportedMessage] = {}
    for entry in entries:
        if isinstance(entry, str):
            message_type, placements = entry, shared
        elif isinstance(entry, dict) and isinstance(entry.get("type"), str):
            message_type, placements = entry["type"], _strings(entry.get("placements"))
        else:
            continue  # an entry we cannot read says nothing we could use
        message_type = _MESSAGE_ALIASES.get(message_type.strip(), message_type.strip())
        if message_type and message_type not in found:
            found[message_type] = SupportedMessage(message_type, placements)
    return tuple(found.values())


def _check_issuer(issuer: str, configuration_url: str) -> None:
    # LTI DR 1.0 §3.5.1 "Issuer and OpenID Configuration URL Match": a configuration served by
    # one site cannot speak for another site's issuer (Canvas cloud serves it on the issuer host).
    if origin(issuer) != origin(configuration_url):
        raise InvalidConfiguration(
            "wrong_issuer",
            f"issuer {issuer!r} is not on the site of the configuration URL {configuration_url!r}",
        )


def _check_methods(raw: Mapping[str, Any]) -> None:
    methods = raw.get("token_endpoint_auth_methods_supported")
    if isinstance(methods, list) and "private_key_jwt" not in methods:
        raise InvalidConfiguration(
            "not_a_configuration", "the token endpoint does not accept private_key_jwt"
        )
    algorithms = raw.get("id_token_signing_alg_values_supported")
    if isinstance(algorithms, list) and not set(algorithms) & set(SIGNING_ALGORITHMS):
        raise InvalidConfiguration(
            "not_a_configuration", f"id_tokens are not signed with RSA ({algorithms!r})"
        )


def _url(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidConfiguration("not_a_configuration", f"{name} is missing")
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or len(value) > 2048:
        raise InvalidConfiguration("not_a_configuration", f"{name} is not an http(s) URL")
    return value


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip()[:255] or None


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(v.strip() for v in value if isinstance(v, str) and v.strip()))
