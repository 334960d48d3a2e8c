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

from lti_tool.demo import hints
from lti_tool.demo.people import COURSE, LOCALES, PEOPLE, find_person
from lti_tool.demo.platform import (
    AuthRequestError,
    DemoPlatformConf,
    FlaskMessageLaunch,
    FlaskOIDCLogin,
    FlaskRequest,
    current_settings,
)

bp = Blueprint("demo_lms", __name__, template_folder="templates")


def _choice(person_key: str) -> hints.LaunchChoice:
    locale = request.args.get("lang", "en")
    return hints.LaunchChoice(
        person=person_key,
        locale=locale if locale in LOCALES else "en",
        storage=request.args.get("storage") == "1",
    )


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
        )
    return render_template(
        "demo/course.html",
        course=COURSE,
        people=PEOPLE,
        locales=LOCALES,
        person=person,
        choice=choice,
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
        DemoPlatformConf(settings=settings),
        storage_target="_parent" if choice.storage else None,
    )
    login.set_lti_message_hint(hint=hints.issue(choice, settings.key.private_pem))
    return login.initiate_login(person.key)


@bp.route("/auth", methods=["GET", "POST"])
def authorize() -> Any:
    """OIDC authorization endpoint: answers the tool with a signed id_token (form_post)."""
    platform = DemoPlatformConf(settings=current_settings())
    try:
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
    platform = DemoPlatformConf(settings=current_settings())
    platform.get_registration()
    try:
        return jsonify(platform.get_access_token(request.form.to_dict()))
    except MissingRequiredClaim as exc:
        return jsonify(error="invalid_request", error_description=str(exc)), 400
    except UnsupportedGrantType:
        return jsonify(error="unsupported_grant_type"), 400
    except (LtiException, InvalidKeySetUrl, jwt.PyJWTError, ValueError) as exc:
        return jsonify(error="invalid_client", error_description=str(exc)), 401
