"""Landing pages. Each shows who you are, the course and your role."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request

from lti_tool.core.urls import tool_url
from lti_tool.home import services
from lti_tool.lti import keys
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.roles import Landing, landing_for
from lti_tool.lti.viewer import current_viewer
from lti_tool.paths.views.panel import my_learning_panel
from xapi import connections as lrs_connections
from xapi import credentials as xapi_credentials

bp = Blueprint("home", __name__, template_folder="templates")

_PAGES = {
    Landing.LEARNER: "home.my_learning",
    Landing.DESIGNER: "home.course_setup",
    Landing.ADMIN: "home.settings",
}


@bp.get("/home")
def landing() -> Any:
    viewer = current_viewer()
    # "missing": a placed link whose item is gone (lti.deep_linking.destination) says so.
    return redirect(tool_url(_PAGES[viewer.landing], missing=request.args.get("missing")), code=303)


@bp.get("/learn")
def my_learning() -> str:
    viewer = current_viewer()
    path = my_learning_panel(viewer.tenant_id, viewer.user.id)
    return render_template("home/my_learning.html", viewer=viewer, **path)


@bp.get("/course")
def course_setup() -> str:
    viewer = current_viewer()
    if not viewer.is_designer:
        raise LaunchError("not_allowed", f"{viewer.landing} opened course setup")
    members = services.course_members(viewer.tenant_id, viewer.context.id)
    return render_template(
        "home/course_setup.html",
        viewer=viewer,
        members=members,
        counts=services.role_counts(members),
    )


@bp.get("/settings")
def settings() -> str:
    viewer = current_viewer()
    if not viewer.is_admin:
        raise LaunchError("not_allowed", f"{viewer.landing} opened settings")
    return render_template(
        "home/settings.html",
        viewer=viewer,
        overview=services.tenant_overview(viewer.tenant_id),
        base_url=current_app.config["BASE_URL"],
        key_count=len(keys.published_keys()),
        xapi_credentials=xapi_credentials.for_tenant(viewer.tenant_id),
        lrs_connections=lrs_connections.overview(viewer.tenant_id),
    )


def template_helpers() -> dict[str, Any]:
    from flask_babel import format_datetime, gettext

    labels = {
        Landing.LEARNER: gettext("Learner"),
        Landing.DESIGNER: gettext("Instructor or designer"),
        Landing.ADMIN: gettext("Administrator"),
    }
    return {
        "role_label": labels.get,
        "landing_for": landing_for,
        "Landing": Landing,
        "format_datetime": format_datetime,
    }
