"""Settings changes: create and revoke xAPI listener credentials.

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
from xapi import credentials

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


def _administrator() -> Viewer:
    if not request.values.get(TOKEN_PARAM):
        raise LaunchError("session_expired", "settings change without the page token (CSRF?)")
    viewer = current_viewer()
    if not viewer.is_admin:
        raise LaunchError("not_allowed", f"{viewer.landing} tried to change settings")
    return viewer
