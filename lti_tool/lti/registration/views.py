"""Registration pages: ``/lti/register`` (LTI Dynamic Registration 1.0), ``/lti/canvas.json``
(Canvas developer-key configuration) and ``/lti/setup/moodle`` (values for Moodle's "Configure a
tool manually").

``/lti/register`` runs inside the LMS's iframe, where the browser may withhold our cookies: the
confirmation form carries the proposal signed with SECRET_KEY (valid as long as the platform's
registration token, one hour), which is also what protects it from cross-site posts.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from lti_tool.core.db import db
from lti_tool.core.errors import log
from lti_tool.core.security import TokenError, sign, unsign
from lti_tool.lti.products.base import DEEP_LINKING, RESOURCE_LINK, SCOPES, ToolSite
from lti_tool.lti.products.canvas.developer_key import developer_key_json
from lti_tool.lti.products.moodle.manual import manual_settings
from lti_tool.lti.registration import dynamic
from lti_tool.lti.registration.errors import RegistrationError
from lti_tool.lti.registration.platform_config import PlatformConfiguration

bp = Blueprint("lti_registration", __name__, url_prefix="/lti", template_folder="templates")

_PROPOSAL_SALT = "learnloop-dynamic-registration"
_PROPOSAL_MAX_AGE = 3600  # Moodle's and Canvas's registration tokens live one hour
MODES = ("open", "off")


@bp.record_once
def _check_mode(state: Any) -> None:
    mode = state.app.config.get("DYNAMIC_REGISTRATION")
    if mode not in MODES:
        raise ValueError(f"LEARNLOOP_DYNAMIC_REGISTRATION must be one of {MODES}, not {mode!r}")


def site() -> ToolSite:
    return ToolSite(current_app.config["BASE_URL"])


def _require_open() -> None:
    if current_app.config["DYNAMIC_REGISTRATION"] != "open":
        raise RegistrationError("turned_off", "LEARNLOOP_DYNAMIC_REGISTRATION is off")


@bp.get("/register")
def start() -> str:
    """LTI DR 1.0 §3.3: the platform opens this with its configuration URL and a token."""
    _require_open()
    proposal = dynamic.propose(
        request.args.get("openid_configuration", "").strip(),
        request.args.get("registration_token") or None,
        site(),
    )
    signed = sign(
        {
            "u": proposal.configuration_url,
            "t": proposal.registration_token,
            "p": proposal.platform.to_dict(),
        },
        _PROPOSAL_SALT,
    )
    return render_template("registration/proposal.html", proposal=proposal, signed=signed)


@bp.post("/register")
def confirm() -> str:
    _require_open()
    proposal = _signed_proposal(request.form.get("proposal", ""))
    try:
        registered = dynamic.complete(proposal)
        db.session.commit()  # one transaction, after the platform accepted
    except SQLAlchemyError as exc:
        db.session.rollback()
        raise RegistrationError("not_stored", f"storing failed: {exc}") from exc
    log.info(
        "dynamic registration: %s client_id %s (%s)",
        registered.registration.issuer,
        registered.registration.client_id,
        registered.product.family,
    )
    return render_template("registration/registered.html", registered=registered)


def _signed_proposal(token: str) -> dynamic.Proposal:
    try:
        data = unsign(token, _PROPOSAL_SALT, max_age=_PROPOSAL_MAX_AGE)
        platform = PlatformConfiguration.from_dict(data["p"])
    except (TokenError, KeyError, TypeError, ValueError) as exc:
        raise RegistrationError("page_expired", f"proposal token: {exc}") from exc
    return dynamic.proposal_for(data["u"], data["t"], platform, site())


@bp.errorhandler(RegistrationError)
def _failed(error: RegistrationError) -> tuple[str, int]:
    log.warning("dynamic registration stopped (%s): %s", error.status, error.log_reason)
    page = render_template(
        "registration/failed.html",
        error=error,
        retry_hint=_l("Start the registration again from your LMS."),
    )
    return page, error.status


@bp.get("/canvas.json")
def canvas_json() -> Any:
    """Canvas: Admin → Developer Keys → + LTI Key → Method "Enter URL" (or paste this JSON)."""
    response = jsonify(developer_key_json(site()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/setup/moodle")
def moodle_setup() -> str:
    return render_template(
        "registration/moodle.html",
        site=site(),
        settings=manual_settings(site()),
        dynamic_registration=current_app.config["DYNAMIC_REGISTRATION"] == "open",
    )


# Labels for what the proposal page lists; a value we have no label for is shown as it is.
SCOPE_LABELS = dict(
    zip(
        SCOPES,
        (
            _l("Grades: create and change grade columns"),
            _l("Grades: read grade columns"),
            _l("Grades: read results"),
            _l("Grades: send scores"),
            _l("Course roster: read the members of a course and their roles"),
        ),
        strict=True,
    )
)
CLAIM_LABELS = {
    "iss": _l("Platform ID"),
    "sub": _l("User ID"),
    "name": _l("Full name"),
    "given_name": _l("Given name"),
    "family_name": _l("Family name"),
    "email": _l("E-mail address"),
    "locale": _l("Language"),
}
MESSAGE_LABELS = {
    RESOURCE_LINK: _l("Opening LearnLoop from a link in a course"),
    DEEP_LINKING: _l(
        "Deep Linking: placing a piece of LearnLoop in a course, as a link or an assignment"
    ),
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "scope_labels": SCOPE_LABELS,
        "claim_labels": CLAIM_LABELS,
        "message_labels": MESSAGE_LABELS,
        "language_url": language_url,
    }


def language_url(code: str) -> str:
    """This page in another language, keeping its query (the platform's parameters)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return url_for(request.endpoint or "lti_registration.start", **args, lang=code)
