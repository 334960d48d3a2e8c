"""Settings changes: xAPI listener credentials (create, revoke) and LRS connections (add,
disable, enable, change, reset the pull cursor, delete after a confirmation page).

Every change is a POST that must carry the page token (``lt``), in the form or its URL. A form
on another site cannot know the token, whereas our session cookie would ride along with its
POST (``SameSite=None`` inside LMS iframes): so the token, never the cookie alone, authorises a
change (CSRF).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request
from flask_babel import lazy_gettext as _l

from lti_tool.core.db import db
from lti_tool.core.errors import UserError
from lti_tool.core.urls import tool_url
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.viewer import TOKEN_PARAM, Viewer, current_viewer
from xapi import connections, credentials
from xapi.models import LrsConnection

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


# Why an LRS connection was refused, by the input at fault (connections.InvalidConnection).
_INVALID_CONNECTION = {
    "endpoint": _l("Enter the LRS's xAPI endpoint: an http or https address without a query."),
    "username": _l("Enter both the key and the secret that the LRS gave you."),
    "version": _l("Choose xAPI version 1.0.3 or 2.0."),
    "direction": _l("Choose what LearnLoop does with this LRS: read, send, or both."),
    "since": _l("The date to read from must not be in the future."),
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
        raise _no_connection(viewer, connection_id)
    db.session.commit()
    return redirect(tool_url("home.settings", _anchor="lrs"), code=303)


@bp.get("/lrs-connections/<int:connection_id>/edit")
def edit_lrs_connection(connection_id: int) -> str:
    viewer = _administrator(page=True)
    return render_template(
        "admin/lrs_connection_edit.html",
        viewer=viewer,
        connection=_connection(viewer, connection_id),
    )


@bp.post("/lrs-connections/<int:connection_id>/edit")
def change_lrs_connection_settings(connection_id: int) -> Any:
    viewer = _administrator()
    try:
        changed = connections.update(viewer.tenant_id, connection_id, _connection_input())
    except connections.InvalidConnection as exc:
        raise UserError(
            _INVALID_CONNECTION[exc.field],
            title=_l("The LRS connection was not changed"),
            log_reason=str(exc),
        ) from exc
    if changed is None:
        raise _no_connection(viewer, connection_id)
    db.session.commit()
    return redirect(tool_url("home.settings", _anchor="lrs"), code=303)


@bp.post("/lrs-connections/<int:connection_id>/reset-pull")
def reset_lrs_connection_pull(connection_id: int) -> Any:
    viewer = _administrator()
    try:
        found = connections.reset_pull(viewer.tenant_id, connection_id, _read_from())
    except connections.InvalidConnection as exc:
        raise UserError(
            _INVALID_CONNECTION[exc.field],
            title=_l("The LRS is not read again"),
            log_reason=str(exc),
        ) from exc
    if not found:
        raise _no_connection(viewer, connection_id)
    db.session.commit()
    return redirect(tool_url("home.settings", _anchor="lrs"), code=303)


@bp.get("/lrs-connections/<int:connection_id>/delete")
def confirm_lrs_connection_deletion(connection_id: int) -> str:
    viewer = _administrator(page=True)
    connection = _connection(viewer, connection_id)
    return render_template(
        "admin/lrs_connection_delete.html",
        viewer=viewer,
        connection=connection,
        waiting=connections.waiting(connection.id),
    )


@bp.post("/lrs-connections/<int:connection_id>/delete")
def delete_lrs_connection(connection_id: int) -> Any:
    viewer = _administrator()
    if connections.delete(viewer.tenant_id, connection_id) is None:
        raise _no_connection(viewer, connection_id)
    db.session.commit()
    return redirect(tool_url("home.settings", _anchor="lrs"), code=303)


def _connection(viewer: Viewer, connection_id: int) -> LrsConnection:
    connection = connections.get(viewer.tenant_id, connection_id)
    if connection is None:
        raise _no_connection(viewer, connection_id)
    return connection


def _no_connection(viewer: Viewer, connection_id: int) -> UserError:
    return UserError(
        _l("This LRS connection does not exist here."),
        title=_l("Not found"),
        status=404,
        log_reason=f"LRS connection {connection_id} is not in tenant {viewer.tenant_id}",
    )


def _read_from() -> dt.datetime | None:
    """Where to read the LRS again from: ``None`` for its beginning, or a date (UTC)."""
    if request.form.get("from") == "beginning":
        return None
    try:
        day = dt.date.fromisoformat(request.form.get("since", "").strip())
    except ValueError as exc:
        raise UserError(
            _l("Choose the date to read from (year-month-day), or read from the beginning."),
            title=_l("The LRS is not read again"),
            log_reason=f"reset-pull date {request.form.get('since', '')[:40]!r}",
        ) from exc
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


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


def _administrator(*, page: bool = False) -> Viewer:
    """The administrator asking. A change (not a ``page``) must carry the page token."""
    if not page and not request.values.get(TOKEN_PARAM):
        raise LaunchError("session_expired", "settings change without the page token (CSRF?)")
    viewer = current_viewer()
    if not viewer.is_admin:
        raise LaunchError("not_allowed", f"{viewer.landing} tried to change settings")
    return viewer
