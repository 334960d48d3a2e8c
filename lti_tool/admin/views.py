"""Settings changes: xAPI listener credentials (create, revoke) and LRS connections (add,
disable, enable).

Every change is a POST that must carry the page token (``lt``), in the form or its URL. A form
on another site cannot know the token, whereas our session cookie would ride along with its
POST (``SameSite=None`` inside LMS iframes): so the token, never the cookie alone, authorises a
change (CSRF).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request
from flask_babel import lazy_gettext as _l

from lti_tool.core.db import db
from lti_tool.core.errors import UserError
from lti_tool.core.urls import tool_url
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.viewer import TOKEN_PARAM, Viewer, current_viewer
from xapi import connections, credentials

bp = Blueprint("admin", __name__, url_prefix="/settings", template_folder="templates")


@bp.post("/xapi-credentials")
def create_xapi_credential() -> str:
    viewer = _administrator()
    created = credentials.create(viewer.tenant_id, request.form.get("label", "").strip())
    db.session.commit()
    return render_template(
        "admin/xapi_credential_created.html",
        viewer=viewer,
        created=created,
        endpoint=current_app.config["BASE_URL"] + "/xapi/",
    )


@bp.post("/xapi-credentials/<int:credential_id>/revoke")
def revoke_xapi_credential(credential_id: int) -> Any:
    viewer = _administrator()
    if not credentials.revoke(viewer.tenant_id, credential_id):
        raise UserError(
            _l("This credential does not exist here."),
            title=_l("Not found"),
            status=404,
            log_reason=f"credential {credential_id} is not in tenant {viewer.tenant_id}",
        )
    db.session.commit()
    return redirect(tool_url("home.settings", _anchor="xapi"), code=303)


# Why a new LRS connection was refused, by the input at fault (connections.InvalidConnection).
_INVALID_CONNECTION = {
    "endpoint": _l("Enter the LRS's xAPI endpoint: an http or https address without a query."),
    "username": _l("Enter both the key and the secret that the LRS gave you."),
    "version": _l("Choose xAPI version 1.0.3 or 2.0."),
    "direction": _l("Choose what LearnLoop does with this LRS: read, send, or both."),
}


@bp.post("/lrs-connections")
def add_lrs_connection() -> Any:
    viewer = _administrator()
    try:
        connections.create(viewer.tenant_id, _connection_input())
    except connections.InvalidConnection as exc:
        raise UserError(
            _INVALID_CONNECTION[exc.field],
            title=_l("The LRS connection was not added"),
            log_reason=str(exc),
        ) from exc
    db.session.commit()
    return redirect(tool_url("home.settings", _anchor="lrs"), code=303)


@bp.post("/lrs-connections/<int:connection_id>/<any(enable, disable):change>")
def change_lrs_connection(connection_id: int, change: str) -> Any:
    viewer = _administrator()
    if not connections.set_enabled(viewer.tenant_id, connection_id, change == "enable"):
        raise UserError(
            _l("This LRS connection does not exist here."),
            title=_l("Not found"),
            status=404,
            log_reason=f"LRS connection {connection_id} is not in tenant {viewer.tenant_id}",
        )
    db.session.commit()
    return redirect(tool_url("home.settings", _anchor="lrs"), code=303)


def _connection_input() -> connections.ConnectionInput:
    form = request.form
    return connections.ConnectionInput(
        endpoint=form.get("endpoint", ""),
        username=form.get("key", "").strip(),
        password=form.get("secret", ""),
        version=form.get("version", ""),
        label=form.get("label", ""),
        pull="pull" in form,
        send="send" in form,
    )


def _administrator() -> Viewer:
    if not request.values.get(TOKEN_PARAM):
        raise LaunchError("session_expired", "settings change without the page token (CSRF?)")
    viewer = current_viewer()
    if not viewer.is_admin:
        raise LaunchError("not_allowed", f"{viewer.landing} tried to change settings")
    return viewer
