"""LTI endpoints: ``/lti/login``, ``/lti/launch``, ``/lti/launch/complete``, ``/lti/jwks.json``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from lti_tool.core.db import db
from lti_tool.core.security import TokenError, sign, unsign
from lti_tool.lti import keys, launches, login, oidc_state
from lti_tool.lti.deep_linking.destination import destination
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.message_launch import LearnLoopLaunch
from lti_tool.lti.viewer import remember

bp = Blueprint("lti", __name__, url_prefix="/lti", template_folder="templates")

_PARKED_SALT = "learnloop-parked-launch"
_STATE_TTL = 600


def _secure() -> bool:
    return current_app.config["BASE_URL"].startswith("https://")


def state_cookie_name(browser_id: str) -> str:
    # __Host- pins the cookie to our origin (no Domain, Path=/); it requires Secure.
    # Named by the state's short browser_id: the signed state itself is too long for a name.
    return ("__Host-" if _secure() else "") + "lti1p3-state-" + browser_id


def _cookie_options() -> dict[str, Any]:
    if _secure():
        return {
            "secure": True,
            "samesite": "None",
            "partitioned": True,
            "httponly": True,
            "path": "/",
        }
    return {"httponly": True, "samesite": "Lax", "path": "/"}


@bp.route("/login", methods=["GET", "POST"])
def oidc_login() -> Any:
    values = request.values.to_dict()
    started = login.start_login(values, new_window=bool(values.get("lti1p3_new_window")))
    if started.storage_target:
        response = Response(render_template("lti/storage_login.html", started=started))
    else:
        response = redirect(started.auth_url, code=302)
    response.set_cookie(
        state_cookie_name(started.browser_id),
        started.browser_id,
        max_age=_STATE_TTL,
        **_cookie_options(),
    )
    return response


@bp.post("/launch")
def launch() -> Any:
    validated = LearnLoopLaunch(request.form.to_dict()).validate()
    state, registration = validated.login, validated.registration_model
    assert state is not None and registration is not None
    if request.cookies.get(state_cookie_name(state.browser_id)) == state.browser_id:
        recorded = launches.record_launch(
            registration, validated.claims, validated.deployment_model, login=state
        )
        return _finish(recorded, state.browser_id)
    if state.storage_target:
        login_id = launches.park_for_storage_check(state, validated.claims)
        db.session.commit()
        return render_template(
            "lti/verify_state.html",
            state=state.token,
            storage_target=state.storage_target,
            platform_origin=login.origin_of(registration.auth_login_url),
            code=sign(login_id, _PARKED_SALT),
            new_window_url=_new_window_url(state.params),
        )
    if oidc_state.was_used(state):  # the same browser posting again: its cookie is gone
        raise LaunchError("replayed", "nonce already used")
    raise LaunchError(
        "state_mismatch",
        "state cookie missing (third-party cookies blocked?) and no platform storage offered",
        new_window_url=_new_window_url(state.params),
    )


def _new_window_url(params: dict[str, str]) -> str:
    """The same OIDC login again, top-level, where the browser keeps our cookies."""
    retry = {k: v for k, v in params.items() if k != "lti_storage_target"}
    retry["lti1p3_new_window"] = "1"
    return url_for("lti.oidc_login") + "?" + urlencode(retry)


@bp.post("/launch/complete")
def complete_launch() -> Any:
    try:
        login_id = unsign(request.form.get("code", ""), _PARKED_SALT, max_age=_STATE_TTL)
    except TokenError as exc:
        raise LaunchError("state_mismatch", f"bad completion code: {exc}") from exc
    registration, claims = launches.take_parked(int(login_id), request.form.get("state", ""))
    return _finish(launches.record_launch(registration, claims), None)


def _finish(recorded: launches.Launch, browser_id: str | None) -> Any:
    token = remember(recorded.membership_id, recorded.tenant_id)
    where = destination(recorded, token) or url_for("home.landing", lt=token)
    db.session.commit()
    response = redirect(where, code=303)
    if browser_id:
        response.delete_cookie(state_cookie_name(browser_id), **_cookie_options())
    return response


@bp.get("/jwks.json")
def jwks() -> Any:
    response = jsonify(keys.jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
