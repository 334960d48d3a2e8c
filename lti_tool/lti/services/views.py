"""The instructor's course pages for the LMS services: ``/course/roster`` (NRPS) and
``/course/grades`` (AGS scores still on their way).

Instructors and designers of the course only, within their tenant and course. A change is a POST
that carries the page token (``lt``), never the cookie alone (CSRF, as on the Settings page).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request
from flask_babel import lazy_gettext as _l

from lti_tool.core.db import db
from lti_tool.core.errors import UserError
from lti_tool.core.urls import tool_url
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.roles import short_names
from lti_tool.lti.services import course_pages
from lti_tool.lti.viewer import TOKEN_PARAM, Viewer, current_viewer

bp = Blueprint("lti_services", __name__, url_prefix="/course", template_folder="templates")


def _instructor(*, changing: bool = False) -> Viewer:
    """The instructor or designer asking. A change must carry the page token."""
    if changing and not request.values.get(TOKEN_PARAM):
        raise LaunchError("session_expired", "course page change without the page token (CSRF?)")
    viewer = current_viewer()
    if not viewer.is_designer:
        raise LaunchError("not_allowed", f"{viewer.landing} opened an instructor's course page")
    return viewer


@bp.get("/roster")
def roster() -> str:
    viewer = _instructor()
    tenant, course = viewer.tenant_id, viewer.context.id
    return render_template(
        "services/roster.html",
        viewer=viewer,
        people=course_pages.roster(tenant, course),
        source=course_pages.roster_source(tenant, course),
        changes=course_pages.recent_changes(tenant, course),
        short_names=short_names,
        asked=request.args.get("sync") == "asked",
    )


@bp.post("/roster/sync")
def sync_roster() -> Any:
    viewer = _instructor(changing=True)
    if not course_pages.request_sync(viewer.tenant_id, viewer.context.id):
        raise UserError(
            _l(
                "Your LMS did not offer this course's roster to LearnLoop. Ask your LMS "
                "administrator to allow the Names and Role Provisioning service for LearnLoop, "
                "then open LearnLoop from the course again."
            ),
            title=_l("The roster cannot be synced"),
            status=409,
            log_reason=f"no roster source for context {viewer.context.id}",
        )
    db.session.commit()
    return redirect(tool_url("lti_services.roster", sync="asked"), code=303)


@bp.get("/grades")
def grades() -> str:
    viewer = _instructor()
    return render_template(
        "services/grades.html",
        viewer=viewer,
        overview=course_pages.grades(viewer.tenant_id, viewer.context.id),
        retried=request.args.get("retry") == "asked",
    )


@bp.post("/grades/retry")
def retry_grades() -> Any:
    viewer = _instructor(changing=True)
    course_pages.retry_now(viewer.tenant_id, viewer.context.id)
    db.session.commit()
    return redirect(tool_url("lti_services.grades", retry="asked"), code=303)
