"""The operator console: ``/operator`` (sign in, registrations, register a platform by hand)."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request
from flask_babel import lazy_gettext as _l

from lti_tool.core.db import db
from lti_tool.core.errors import log
from lti_tool.core.urls import tool_url
from lti_tool.lti.keys import ensure_keys
from lti_tool.lti.products.base import ToolSite
from lti_tool.lti.registration import manual
from lti_tool.lti.registrations import all_registrations, register
from lti_tool.operator import passwords, throttle
from lti_tool.operator.session import SignInRequired, require_operator, token_for

bp = Blueprint("operator", __name__, url_prefix="/operator", template_folder="templates")


@bp.errorhandler(SignInRequired)
def _sign_in_first(error: SignInRequired) -> tuple[str, int]:
    log.info("operator console: %s", error.log_reason)
    return _login_page(error.message, 401)


def _login_page(problem: Any = None, status: int = 200) -> tuple[str, int]:
    page = render_template("operator/login.html", problem=problem, password_set=passwords.is_set())
    return page, status


@bp.get("/login")
def login_form() -> tuple[str, int]:
    return _login_page()


@bp.post("/login")
def login() -> Any:
    client = request.remote_addr or "unknown"
    if not passwords.is_set():
        return _login_page(_l("No operator password is set yet."), 403)
    wait = throttle.retry_after(client)
    if wait is not None:
        minutes = math.ceil(wait / 60)
        problem = _l("Too many wrong passwords. Try again in %(minutes)d minutes.", minutes=minutes)
        page, _ = _login_page(problem, 429)
        return page, 429, {"Retry-After": str(wait)}
    generation = passwords.verify(request.form.get("password", ""))
    if generation is None:
        throttle.record_failure(client)
        db.session.commit()  # the failure counts even though this request is refused
        log.warning("operator console: wrong password from %s", client)
        return _login_page(_l("That is not the operator password."), 401)
    throttle.clear(client)
    db.session.commit()  # also a rehash, if the password's parameters were outdated
    return redirect(tool_url("operator.index", lt=token_for(generation)), code=303)


@bp.post("/logout")
def logout() -> Any:
    require_operator()
    passwords.end_sessions()
    db.session.commit()
    return redirect(tool_url("operator.login_form", lt=None), code=303)


@bp.get("/")
def index() -> str:
    require_operator()
    return render_template(
        "operator/index.html",
        registrations=all_registrations(),
        site=ToolSite(current_app.config["BASE_URL"]),
        dynamic_registration=current_app.config["DYNAMIC_REGISTRATION"] == "open",
    )


@bp.get("/registrations/new")
def new_registration() -> str:
    require_operator()
    return render_template("operator/register.html", values={}, errors={})


@bp.post("/registrations")
def create_registration() -> Any:
    require_operator()
    try:
        data = manual.parse(request.form)
    except manual.InvalidManualRegistration as exc:
        page = render_template("operator/register.html", values=request.form, errors=exc.errors)
        return page, 400
    registration, deployments = register(data)
    ensure_keys()
    db.session.commit()
    log.info("operator registered %s client_id %s", registration.issuer, registration.client_id)
    return render_template(
        "operator/registered.html", registration=registration, deployments=deployments
    )
