"""The demo LMS's site administration: its tools, and registering one by LTI Dynamic
Registration 1.0 — the platform's side: the configuration (§3.4), the registration endpoint
(§3.5–§3.6), and the page that opens the tool's registration URL in an iframe (§3.3) and
closes it when the tool says ``org.imsglobal.lti.close``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, jsonify, render_template, request, url_for

from lti_tool.demo import registration
from lti_tool.demo.platform import all_tools, current_settings
from lti_tool.demo.tools import store

bp = Blueprint("demo_admin", __name__, template_folder="templates")


@bp.get("/.well-known/openid-configuration")
def openid_configuration() -> Any:
    """Public, as Moodle's is; a registration token, when sent, must be valid (Canvas)."""
    settings = current_settings()
    if request.headers.get("Authorization"):
        try:
            registration.read_token(request.headers["Authorization"], settings.key)
        except registration.RegistrationRefused as exc:
            return jsonify(exc.body()), exc.status
    return jsonify(registration.openid_configuration(settings.lms_url))


@bp.post("/lti/registrations")
def register_tool() -> Any:
    try:
        token = registration.read_token(
            request.headers.get("Authorization"), current_settings().key
        )
        _, answer = registration.register(request.get_json(silent=True), token, store())
    except registration.RegistrationRefused as exc:
        return jsonify(exc.body()), exc.status
    return jsonify(answer)


@bp.get("/admin/tools")
def tools() -> str:
    settings = current_settings()
    return render_template(
        "demo/tools.html",
        tools=all_tools(),
        registration_url=settings.tool_url + "/lti/register",
        registered=request.args.get("registered") == "1",
    )


@bp.get("/admin/tools/register")
def start_registration() -> Any:
    """LTI DR 1.0 §3.3: open the tool's registration URL with our configuration and a token."""
    url = request.args.get("url", "").strip()
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        page = render_template(
            "demo/error.html",
            title="That is not a tool registration URL",
            message="Enter the tool's registration URL, an http or https address.",
        )
        return page, 400
    settings = current_settings()
    token = registration.issue_token(
        settings.key, names_deployment=request.args.get("deployment") == "1"
    )
    query = urlencode(
        {
            "openid_configuration": settings.lms_url + url_for("demo_admin.openid_configuration"),
            "registration_token": token,
        }
    )
    frame_src = url + ("&" if urlsplit(url).query else "?") + query
    return render_template("demo/register_tool.html", frame_src=frame_src, tool_url=url)
