"""What every LMS gets from LearnLoop, and the hooks where one LMS differs (a *product*).

A product is chosen by the platform's ``product_family_code`` (its Dynamic Registration
configuration, or the ``tool_platform`` claim of a launch): ``products.for_family``. Domain code
asks the product, never "is this Moodle?". This base is the spec's behaviour (LTI Dynamic
Registration 1.0, LTI Core 1.3); ``moodle.py`` and ``canvas.py`` override what those LMSs do
their own way (sources in notes/lti-advantage.md §3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from lti_tool.lti.registration.platform_config import PlatformConfiguration

TOOL_NAME = "LearnLoop"
TOOL_DESCRIPTION = (
    "Role paths, just-in-time resource cards, peer-teaching slots and fair recognition "
    "for learning at work."
)
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"

_AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
# All four AGS scopes: Moodle checks lineitem.readonly when a line item is read (notes §5).
SCOPES = (
    _AGS + "lineitem",
    _AGS + "lineitem.readonly",
    _AGS + "result.readonly",
    _AGS + "score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
)
# LearnLoop shows people by name and matches xAPI statements by e-mail.
CLAIMS = ("iss", "sub", "name", "given_name", "family_name", "email", "locale")


@dataclass(frozen=True)
class ToolSite:
    """LearnLoop's own addresses, from its public BASE_URL."""

    base_url: str

    @property
    def login_url(self) -> str:
        return self.base_url + "/lti/login"

    @property
    def launch_url(self) -> str:
        return self.base_url + "/lti/launch"

    @property
    def deep_linking_url(self) -> str:
        # One target for every message type: /lti/launch reads the message_type claim.
        return self.launch_url

    @property
    def jwks_url(self) -> str:
        return self.base_url + "/lti/jwks.json"

    @property
    def registration_url(self) -> str:
        return self.base_url + "/lti/register"

    @property
    def domain(self) -> str:
        """host[:port], the port only when not the scheme's default (Moodle compares them)."""
        parts = urlsplit(self.base_url)
        default = {"http": 80, "https": 443}.get(parts.scheme)
        host = parts.hostname or ""
        if ":" in host:  # IPv6
            host = f"[{host}]"
        return host if parts.port in (None, default) else f"{host}:{parts.port}"


class Product:
    """The generic LTI 1.3 platform; subclasses change only what their LMS does differently."""

    family: ClassVar[str] = "generic"
    label: ClassVar[str] = "LTI 1.3"

    # -- Dynamic Registration: the tool configuration we send -------------------------------
    def registration_request(self, platform: PlatformConfiguration, site: ToolSite) -> dict:
        """The client registration body (LTI DR 1.0 §3.5.2, OpenID Connect Registration)."""
        return {
            "application_type": "web",
            "grant_types": ["client_credentials", "implicit"],
            "response_types": ["id_token"],
            "redirect_uris": [site.launch_url],
            "initiate_login_uri": site.login_url,
            "client_name": TOOL_NAME,
            "jwks_uri": site.jwks_url,
            "token_endpoint_auth_method": "private_key_jwt",
            "scope": " ".join(self.scopes(platform)),
            TOOL_CONFIGURATION: self.tool_configuration(platform, site),
        }

    def tool_configuration(self, platform: PlatformConfiguration, site: ToolSite) -> dict:
        return {
            "domain": site.domain,
            "target_link_uri": site.launch_url,
            "description": TOOL_DESCRIPTION,
            "claims": list(CLAIMS),
            "messages": self.messages(platform, site),
            **self.tool_extensions(platform),
        }

    def scopes(self, platform: PlatformConfiguration) -> list[str]:
        """The services we use, among those the platform offers (all, when it lists none)."""
        offered = set(platform.scopes_supported)
        return [s for s in SCOPES if not offered or s in offered]

    def messages(self, platform: PlatformConfiguration, site: ToolSite) -> list[dict]:
        wanted = (
            (RESOURCE_LINK, site.launch_url, self.resource_link_placements),
            (DEEP_LINKING, site.deep_linking_url, self.deep_linking_placements),
        )
        messages = []
        for message_type, target, placements in wanted:
            if not platform.supports(message_type):
                continue
            message: dict[str, Any] = {
                "type": message_type,
                "target_link_uri": target,
                "label": TOOL_NAME,
            }
            offered = self.usable_placements(platform, message_type, placements)
            if offered:
                message["placements"] = offered
            message.update(self.message_extensions(message_type))
            messages.append(message)
        return messages

    # Placements in the spec's vocabulary (LTI DR 1.0 §3.3: ContentArea, RichTextEditor, ...).
    resource_link_placements: ClassVar[tuple[str, ...]] = ()
    deep_linking_placements: ClassVar[tuple[str, ...]] = ("ContentArea",)

    def usable_placements(
        self, platform: PlatformConfiguration, message_type: str, wanted: tuple[str, ...]
    ) -> list[str]:
        """The placements we want that the platform lists for this message (all if it lists none)."""
        offered = platform.placements_for(message_type)
        return [p for p in wanted if not offered or p in offered]

    def message_extensions(self, message_type: str) -> dict:
        return {}

    def tool_extensions(self, platform: PlatformConfiguration) -> dict:
        return {}

    # -- Dynamic Registration: reading the platform ------------------------------------------
    def default_authorization_endpoint(self, issuer: str) -> str | None:
        """Where to send the OIDC authentication request when the configuration does not say."""
        return None

    def deployment_id(self, response: Mapping[str, Any]) -> str | None:
        """The deployment the registration response names (LTI DR 1.0 §3.6: optional)."""
        configuration = response.get(TOOL_CONFIGURATION)
        value = configuration.get("deployment_id") if isinstance(configuration, Mapping) else None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # some platforms send the tool's numeric id
        return value if isinstance(value, str) and 0 < len(value) <= 255 else None

    def after_registration(self, learns_deployments: bool) -> list[Any]:
        """What the LMS administrator still has to do there, as translatable sentences."""
        if learns_deployments:
            return [_LEARNS_DEPLOYMENTS]
        return []


_LEARNS_DEPLOYMENTS = _l(
    "Your LMS did not send a deployment ID. LearnLoop accepts each deployment of this "
    "registration at its first launch."
)
