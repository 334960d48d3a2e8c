"""LTI Dynamic Registration 1.0, the tool's side (§3.3–§3.6).

1. :func:`propose`: read the platform's configuration (with the registration token as Bearer)
   and build, with the platform's product module, the registration we would send: the
   *proposal* the administrator sees and confirms.
2. :func:`complete`: post it to the platform's registration endpoint and store what the
   platform answered: a ``Registration`` (``registered_via="dynamic"``), plus its
   ``Deployment`` when the platform names one (Moodle). Without one (Canvas) the registration
   learns its deployments at their first launch.

Nothing is written before the platform has accepted; the caller commits (one transaction).
Failures are ``RegistrationError`` with a code the page explains.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lti_tool.lti import products
from lti_tool.lti.keys import ensure_keys
from lti_tool.lti.models import Deployment, Registration
from lti_tool.lti.products.base import TOOL_CONFIGURATION, Product, ToolSite
from lti_tool.lti.registration import platform_config, platform_http
from lti_tool.lti.registration.errors import RegistrationError
from lti_tool.lti.registration.platform_config import PlatformConfiguration
from lti_tool.lti.registrations import RegistrationInput, register


@dataclass(frozen=True)
class Proposal:
    """What LearnLoop will register with this platform, once the administrator confirms."""

    configuration_url: str
    registration_token: str | None
    platform: PlatformConfiguration
    product: Product
    request: dict[str, Any]  # the client registration body

    @property
    def tool_configuration(self) -> dict[str, Any]:
        return self.request[TOOL_CONFIGURATION]

    @property
    def scopes(self) -> list[str]:
        return [s for s in self.request["scope"].split(" ") if s]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.tool_configuration["messages"]

    @property
    def extensions(self) -> dict[str, Any]:
        """Vendor settings in the tool configuration (Canvas: privacy level, tool id)."""
        return {k: v for k, v in self.tool_configuration.items() if k.startswith("https://")}


@dataclass(frozen=True)
class Registered:
    registration: Registration
    deployments: list[Deployment]
    product: Product

    @property
    def next_steps(self) -> list[Any]:
        return self.product.after_registration(self.registration.learns_deployments)


def propose(configuration_url: str, token: str | None, site: ToolSite) -> Proposal:
    if not configuration_url or not platform_http.is_http_url(configuration_url):
        raise RegistrationError("incomplete", f"openid_configuration {configuration_url!r}")
    try:
        raw = platform_http.fetch_configuration(configuration_url, token)
        platform = platform_config.parse(raw, configuration_url)
    except platform_http.PlatformCallFailed as exc:
        raise RegistrationError(exc.code, exc.detail, platform_text=exc.platform_text) from exc
    except platform_config.InvalidConfiguration as exc:
        raise RegistrationError(exc.code, exc.detail) from exc
    return proposal_for(configuration_url, token, platform, site)


def proposal_for(
    configuration_url: str, token: str | None, platform: PlatformConfiguration, site: ToolSite
) -> Proposal:
    product = products.for_family(platform.product_family)
    request = product.registration_request(platform, site)
    return Proposal(configuration_url, token, platform, product, request)


def complete(proposal: Proposal) -> Registered:
    """Register with the platform, then store the registration (flushed, not committed)."""
    platform = proposal.platform
    try:
        response = platform_http.post_registration(
            platform.registration_endpoint, proposal.registration_token, proposal.request
        )
    except platform_http.PlatformCallFailed as exc:
        code = "bad_response" if exc.code == "not_json" else exc.code
        raise RegistrationError(code, exc.detail, platform_text=exc.platform_text) from exc
    client_id = _client_id(response)
    deployment_id = proposal.product.deployment_id(response)
    registration, deployments = register(
        RegistrationInput(
            issuer=platform.issuer,
            client_id=client_id,
            auth_login_url=platform.authorization_endpoint,
            auth_token_url=platform.token_endpoint,
            key_set_url=platform.jwks_uri,
            deployment_ids=[deployment_id] if deployment_id else [],
            product_family=platform.product_family,
            registered_via="dynamic",
            learns_deployments=deployment_id is None,
        )
    )
    ensure_keys()  # the JWKS we registered must publish a key before the first launch
    return Registered(registration, deployments, proposal.product)


def _client_id(response: Any) -> str:
    """LTI DR 1.0 §3.6: the response is our registration with the ``client_id`` it was given."""
    value = response.get("client_id") if isinstance(response, Mapping) else None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not 0 < len(value.strip()) <= 255:
        raise RegistrationError("bad_response", f"no usable client_id in {str(response)[:300]}")
    return value.strip()
