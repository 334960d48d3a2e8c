"""The demo LMS's pages: the course page, the login initiation it puts in the iframe, and the
platform endpoints the tool talks to (``/auth``, ``/jwks``, ``/token``)."""

from __future__ import annotations

from typing import Any

import jwt
from flask import Blueprint, abort, jsonify, render_template, request, url_for
from lti1p3platform.exceptions import (
    InvalidKeySetUrl,
    LtiException,
    MissingRequiredClaim,
    UnsupportedGrantType,
)

from lti_tool.demo import hints, links
from lti_tool.demo.people import COURSE, LOCALES, PEOPLE, find_person
from lti_tool.demo.platform import (
    CLAIM,
    DL_CLAIM,
    AuthRequestError,
    DemoPlatformConf,
    FlaskMessageLaunch,
    FlaskOIDCLogin,
    FlaskRequest,
    all_tools,
    current_settings,
    find_tool,
)
from lti_tool.demo.tools import DemoTool

bp = Blueprint("demo_lms", __name__, template_folder="templates")


def _choice(person_key: str) -> hints.LaunchChoice:
    locale = request.args.get("lang", "en")
    tool = request.args.get("tool") or hints.HAND_REGISTERED
    return hints.LaunchChoice(
        person=person_key,
        locale=locale if locale in LOCALES else "en",
        storage=request.args.get("storage") == "1",
        tool=tool if find_tool(tool) else hints.HAND_REGISTERED,
        deep_link=request.args.get("deep_link") == "1",
        link=request.args.get("link", ""),
    )


def _tool_arg(choice: hints.LaunchChoice) -> str | None:
    """The ``tool`` query argument: left out for LearnLoop registered by hand."""
    return None if choice.tool == hints.HAND_REGISTERED else choice.tool


@bp.get("/")
def course_page() -> str:
    person = find_person(request.args.get("as"))
    choice = _choice(person.key if person else "")
    frame_src = None
    if person is not None:
        frame_src = url_for(
            "demo_lms.start_launch",
            **{"as": person.key},
            lang=choice.locale,
            storage="1" if choice.storage else None,
            tool=_tool_arg(choice),
            deep_link="1" if choice.deep_link else None,
            link=choice.link or None,
        )
    return render_template(
        "demo/course.html",
        placed=[link for link in links.store().all() if find_tool(link.tool)],
        hand_registered=hints.HAND_REGISTERED,
        added=request.args.get("added"),
        course=COURSE,
        people=PEOPLE,
        locales=LOCALES,
        tools=all_tools(),
        person=person,
        choice=choice,
        tool_arg=_tool_arg(choice),
        frame_src=frame_src,
        tool_origin=current_settings().tool_origin,
    )


@bp.get("/launch")
def start_launch() -> Any:
    """The iframe's src: third-party initiated login at the tool (LTI Core 1.3 §5.1.1)."""
    person = find_person(request.args.get("as"))
    if person is None:
        abort(404)
    choice = _choice(person.key)
    settings = current_settings()
    login = FlaskOIDCLogin(
        FlaskRequest(request),
        DemoPlatformConf(settings=settings, tool=find_tool(choice.tool)),
        storage_target="_parent" if choice.storage else None,
    )
    login.set_lti_message_hint(hint=hints.issue(choice, settings.key.private_pem))
    return login.initiate_login(person.key)


@bp.route("/auth", methods=["GET", "POST"])
def authorize() -> Any:
    """OIDC authorization endpoint: answers the tool with a signed id_token (form_post)."""
    tool = find_tool(request.values.get("client_id"))
    platform = DemoPlatformConf(settings=current_settings(), tool=tool)
    try:
        if tool is None:
            raise AuthRequestError("client_id names no tool registered here")
        return FlaskMessageLaunch(FlaskRequest(request), platform).lti_launch()
    except AuthRequestError as exc:
        page = render_template(
            "demo/error.html",
            title="LearnLoop's sign-in request was refused",
            message=f"The demo LMS did not launch LearnLoop: {exc}.",
        )
        return page, 400


@bp.get("/jwks")
def jwks() -> Any:
    platform = DemoPlatformConf(settings=current_settings())
    platform.get_registration()
    return jsonify(platform.get_jwks())


@bp.post("/token")
def token() -> Any:
    """OAuth2 client credentials with a signed JWT (Security Framework §4.1), for AGS/NRPS."""
    platform = DemoPlatformConf(settings=current_settings(), tool=_asserting_tool())
    platform.get_registration()
    try:
        return jsonify(platform.get_access_token(request.form.to_dict()))
    except MissingRequiredClaim as exc:
        return jsonify(error="invalid_request", error_description=str(exc)), 400
    except UnsupportedGrantType:
        return jsonify(error="unsupported_grant_type"), 400
    except (LtiException, InvalidKeySetUrl, jwt.PyJWTError, ValueError) as exc:
        return jsonify(error="invalid_client", error_description=str(exc)), 401


@bp.post("/deep-linking/return")
def deep_linking_return() -> Any:
    """LTI DL 2.0 §4.5: the tool returns the instructor's choice as a signed JWT."""
    try:
        placed = _placed_links(request.form.get("JWT", ""))
    except DeepLinkReturnError as exc:
        page = render_template(
            "demo/error.html",
            title="The tool's Deep Linking response was refused",
            message=f"Nothing was added to the course: {exc}.",
        )
        return page, 400
    links.store().add(placed)
    return render_template("demo/deep_linking_done.html", placed=placed, course=COURSE)


class DeepLinkReturnError(ValueError):
    """A Deep Linking response the demo LMS will not accept; the message says why."""


def _placed_links(token: str) -> list[links.PlacedLink]:
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise DeepLinkReturnError(f"the JWT cannot be read ({exc})") from exc
    tool = find_tool(str(unverified.get("iss") or ""))
    if tool is None:
        raise DeepLinkReturnError("its issuer is no tool registered here")
    settings = current_settings()
    platform = DemoPlatformConf(settings=settings, tool=tool)
    platform.get_registration()
    try:
        items = platform.validate_deeplinking_resp({"JWT": token})  # signature (tool's JWKS)
        claims = jwt.decode(token, options={"verify_signature": False})
    except (LtiException, jwt.PyJWTError, ValueError, KeyError) as exc:
        raise DeepLinkReturnError(f"its signature or content is invalid ({exc})") from exc
    _check_return_claims(claims, tool, settings.lms_url, settings.key.private_pem)
    return [
        links.PlacedLink.from_content_item(tool.client_id, item)
        for item in items
        if item.get("type") == "ltiResourceLink"
    ]


def _check_return_claims(
    claims: dict[str, Any], tool: DemoTool, lms_url: str, private_pem: str
) -> None:
    audience = claims.get("aud")
    if lms_url not in (audience if isinstance(audience, list) else [audience]):
        raise DeepLinkReturnError("it is addressed to another platform")
    if claims.get(CLAIM + "deployment_id") != tool.deployment_id:
        raise DeepLinkReturnError("it names another deployment")
    try:
        request_choice = hints.read(str(claims.get(DL_CLAIM + "data") or ""), private_pem)
    except hints.BadHint as exc:
        raise DeepLinkReturnError("it does not answer a request of this course") from exc
    if not request_choice.deep_link or request_choice.tool != tool.client_id:
        raise DeepLinkReturnError("it does not answer a Deep Linking request to this tool")


def _asserting_tool() -> DemoTool | None:
    """The tool whose client_assertion this is; the library then verifies it with its keys."""
    try:
        claims = jwt.decode(
            request.form.get("client_assertion", ""), options={"verify_signature": False}
        )
    except jwt.PyJWTError:
        return None
    return find_tool(str(claims.get("sub") or ""))
