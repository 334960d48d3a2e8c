"""lti1p3platform, made to run on Flask: the demo LMS as an LTI 1.3 platform.

The library is a set of abstract classes (its Django and FastAPI adapters are the model):

- ``FlaskRequest``: the current request as the library reads it;
- ``DemoPlatformConf``: the platform's registration of one tool (LearnLoop registered by hand,
  or a tool registered by Dynamic Registration: :mod:`.tools`) and the platform key;
- ``FlaskOIDCLogin``: third-party initiated login (LTI Core 1.3 §5.1.1), which the library
  builds without ``lti_storage_target``; we add it when the course page offers platform storage;
- ``FlaskMessageLaunch``: checks the tool's authentication request and answers with a signed
  id_token in a form that posts itself to the tool (1EdTech Security Framework §5.1.1.2–5.1.1.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import flask
from flask import current_app, make_response, redirect, render_template
from lti1p3platform.exceptions import PreflightRequestValidationException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest

from lti_tool.demo import hints, links
from lti_tool.demo.keys import PlatformKey
from lti_tool.demo.people import COURSE, LOCALES, RESOURCE_LINK, Person, find_person
from lti_tool.demo.tools import DemoTool, store

CLIENT_ID = hints.HAND_REGISTERED
DEPLOYMENT_ID = "demo-deployment"
PRODUCT_FAMILY = "learnloop-demo"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
_COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"
EXTENSION = "learnloop.demo_lms"


@dataclass(frozen=True)
class DemoSettings:
    """Where the platform and the tool live; both URLs are known only once the servers listen."""

    lms_url: str
    tool_url: str
    key: PlatformKey

    @property
    def tool_launch_url(self) -> str:
        return self.tool_url + "/lti/launch"

    @property
    def tool_origin(self) -> str:
        """Where the tool's pages post platform-storage messages from."""
        parts = urlsplit(self.tool_url)
        return f"{parts.scheme}://{parts.netloc}"


def current_settings() -> DemoSettings:
    return DemoSettings(
        lms_url=current_app.config["DEMO_LMS_URL"],
        tool_url=current_app.config["DEMO_TOOL_URL"],
        key=current_app.extensions[EXTENSION],
    )


def hand_registered_tool(settings: DemoSettings) -> DemoTool:
    """LearnLoop as an LMS admin registers it by hand (``learnloop register`` on its side)."""
    return DemoTool(
        client_id=CLIENT_ID,
        deployment_id=DEPLOYMENT_ID,
        name="LearnLoop",
        login_url=settings.tool_url + "/lti/login",
        launch_url=settings.tool_launch_url,
        jwks_url=settings.tool_url + "/lti/jwks.json",
        redirect_uris=(settings.tool_launch_url,),
    )


def all_tools() -> list[DemoTool]:
    return [hand_registered_tool(current_settings()), *store().all()]


def find_tool(client_id: str | None) -> DemoTool | None:
    return next((t for t in all_tools() if t.client_id == client_id), None)


class FlaskRequest(Request):
    def build_metadata(self, request: flask.Request) -> TRequest:
        return {
            "method": request.method,
            "form_data": request.form.to_dict(),
            "get_data": request.args.to_dict(),
            "headers": request.headers,
            "content_type": request.content_type,
            "path": request.path,
            "json": request.get_json(silent=True),
        }


class DemoRegistration(Registration):
    """The library derives the kid from a JWK that has none; ours is the key's thumbprint."""

    def __init__(self, key: PlatformKey) -> None:
        self._key = key
        self.set_platform_private_key(key.private_pem)
        self.set_platform_public_key(key.public_pem)

    def get_kid(self) -> str:
        return self._key.kid

    def get_jwks(self) -> list[dict[str, Any]]:
        return [self._key.public_jwk]


class DemoPlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self.settings: DemoSettings = kwargs["settings"]
        self.tool: DemoTool = kwargs.get("tool") or hand_registered_tool(self.settings)

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        settings, tool = self.settings, self.tool
        return (
            DemoRegistration(settings.key)
            .set_iss(settings.lms_url)
            .set_client_id(tool.client_id)
            .set_deployment_id(tool.deployment_id)
            .set_oidc_login_url(tool.login_url)
            .set_launch_url(tool.launch_url)
            .set_tool_key_set_url(tool.jwks_url)
        )


class FlaskOIDCLogin(OIDCLoginAbstract):
    def __init__(
        self,
        request: FlaskRequest,
        platform_config: DemoPlatformConf,
        storage_target: str | None = None,
    ) -> None:
        super().__init__(request, platform_config)
        self._storage_target = storage_target

    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def prepare_preflight_url(self, user_id: str) -> str:
        url = super().prepare_preflight_url(user_id)
        if self._storage_target:  # LTI Client Side postMessages: where platform storage lives
            url += "&" + urlencode({"lti_storage_target": self._storage_target})
        return url

    def get_redirect(self, url: str) -> flask.Response:
        response = redirect(url, code=302)
        response.headers["Cache-Control"] = "no-store"
        return response


class AuthRequestError(PreflightRequestValidationException):
    """The tool's authentication request cannot be answered; the message says why."""


# OpenID Connect Core §3.1.2.1 as LTI profiles it (Security Framework §5.1.1.2).
_FIXED_PARAMS = {
    "scope": "openid",
    "response_type": "id_token",
    "response_mode": "form_post",
    "prompt": "none",
}


class FlaskMessageLaunch(LTIAdvantageMessageLaunchAbstract):
    def __init__(self, request: FlaskRequest, platform_config: DemoPlatformConf) -> None:
        super().__init__(request, platform_config)
        self.settings = platform_config.settings
        self.tool = platform_config.tool
        self.person: Person | None = None
        self.choice: hints.LaunchChoice | None = None

    def validate_preflight_response(self, preflight_response: dict[str, Any]) -> None:
        try:
            super().validate_preflight_response(preflight_response)
        except PreflightRequestValidationException as exc:
            raise AuthRequestError(
                "nonce, state or redirect_uri missing, or client_id wrong"
            ) from exc
        for name, expected in _FIXED_PARAMS.items():
            if preflight_response.get(name) != expected:
                raise AuthRequestError(f"{name} must be {expected!r}")
        # The library takes any redirect_uri; a platform must only post to a registered one.
        if preflight_response["redirect_uri"] not in self.tool.redirect_uris:
            raise AuthRequestError("redirect_uri is not one of the tool's registered ones")
        try:
            self.choice = hints.read(
                preflight_response.get("lti_message_hint", ""), self.settings.key.private_pem
            )
        except hints.BadHint as exc:
            raise AuthRequestError(str(exc)) from exc
        if self.choice.tool != self.tool.client_id:
            raise AuthRequestError("the launch was started for another tool")
        self.person = find_person(preflight_response.get("login_hint"))
        if self.person is None or self.person.key != self.choice.person:
            raise AuthRequestError("login_hint does not name the person this launch was for")

    def prepare_launch(self, preflight_response: dict[str, Any]) -> None:
        person, choice = self.person, self.choice
        assert person is not None and choice is not None
        self.set_user_data(
            person.sub, list(person.roles), full_name=person.name, email_address=person.email
        )
        self.set_launch_context_claim(COURSE.id, [_COURSE_OFFERING], COURSE.title, COURSE.label)
        self.set_extra_claims(self._extra_claims(person, choice))
        if choice.deep_link:
            self.set_extra_claims(self._deep_linking_claims(choice))
            return
        link = links.store().find(choice.link) if choice.link else None
        if link is not None:
            self.set_resource_link_claim(link.id, title=link.title)
            self.set_custom_parameters_claim({"course_label": COURSE.label, **link.custom})
        else:
            self.set_resource_link_claim(RESOURCE_LINK["id"], title=RESOURCE_LINK["title"])
            self.set_custom_parameters_claim({"course_label": COURSE.label})

    def _deep_linking_claims(self, choice: hints.LaunchChoice) -> dict[str, Any]:
        """LTI DL 2.0 §4.4: the request an instructor's "Add an item" sends."""
        return {
            CLAIM + "message_type": "LtiDeepLinkingRequest",
            DL_CLAIM + "deep_linking_settings": {
                "deep_link_return_url": self.settings.lms_url + "/deep-linking/return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": True,
                "accept_lineitem": True,
                "auto_create": True,
                "title": COURSE.title,
                # Opaque to the tool; it comes back so the return is tied to this request.
                "data": hints.issue(choice, self.settings.key.private_pem),
            },
        }

    def _extra_claims(self, person: Person, choice: hints.LaunchChoice) -> dict[str, Any]:
        locale = choice.locale if choice.locale in LOCALES else "en"
        return {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "locale": locale,
            CLAIM + "launch_presentation": {
                "document_target": "iframe",
                "return_url": self.settings.lms_url + "/",
                "locale": locale,
            },
            CLAIM + "tool_platform": {
                "guid": "learnloop-demo-lms",
                "name": "LearnLoop demo LMS",
                "product_family_code": PRODUCT_FAMILY,
                "version": "1",
            },
        }

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> flask.Response:
        storage = self.choice is not None and self.choice.storage
        page = render_template(
            "demo/launch_form.html",
            launch=launch_data,
            storage_target="_parent" if storage else None,
        )
        response = make_response(page)
        response.headers["Cache-Control"] = "no-store"  # it carries a signed id_token
        return response
