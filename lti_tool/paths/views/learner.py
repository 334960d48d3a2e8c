"""The learner's path: progress per stage and priority skill, the next step, reflections due,
the branch for the third stage, and protected learning time; choosing a role once when the
launch named none. A person sees and changes only their own.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request
from flask_babel import lazy_gettext as _l

from lti_tool.core.db import db, utcnow
from lti_tool.core.errors import UserError
from lti_tool.core.urls import tool_url
from lti_tool.lti.viewer import Viewer
from lti_tool.paths import queries
from lti_tool.paths.definition import FieldError
from lti_tool.paths.schemas import FormInvalid
from lti_tool.paths.schemas import learner as forms
from lti_tool.paths.schemas.messages import by_field
from lti_tool.paths.services import FieldErrors, NotFound, enrolment, path_versions, progress
from lti_tool.paths.services import confirmation as confirmations
from lti_tool.paths.services import reflections as answers
from lti_tool.paths.services import time as learning_time
from lti_tool.paths.views import bp
from lti_tool.paths.views.common import not_found, person

MINE = "paths.my_path"


@bp.get("/mine")
def my_path() -> Any:
    return _page(person())


def _page(viewer: Viewer, errors: list[FieldError] | None = None, **extra: Any) -> Any:
    """The path page (or the role choice), with ``errors`` from a form: then a 400."""
    status = 400 if errors else 200
    grouped = by_field(errors or [])
    summary = progress.summary(viewer.tenant_id, viewer.user.id)
    if summary is None:
        page = render_template(
            "paths/choose.html", viewer=viewer, paths=_choosable(viewer), errors=grouped, **extra
        )
        return page, status
    today = utcnow().date()
    week = learning_time.week(viewer.tenant_id, viewer.user.id, today)
    page = render_template(
        "paths/mine.html",
        viewer=viewer,
        summary=summary,
        week=week,
        today=today,
        errors=grouped,
        error_list=errors or [],
        **_confirmations(viewer, summary),
        **extra,
    )
    return page, status


page_with_errors = _page  # for the confirmation views, which answer on this page too


def _confirmations(viewer: Viewer, summary: progress.PathProgress) -> dict[str, Any]:
    """The write-ups and, when a step waits for one, the colleagues who could confirm it."""
    waiting = any(
        step.needs_confirmation and step.answered and not step.done
        for stage in summary.stages
        for step in stage.steps
    )
    tenant, user = viewer.tenant_id, viewer.user.id
    return {
        "write_ups": confirmations.write_ups(tenant, user, summary.path_id),
        "colleagues": confirmations.colleagues(tenant, viewer.context.id, user) if waiting else [],
    }


def _choosable(viewer: Viewer) -> list[path_versions.PathListing]:
    return [listing for listing in path_versions.paths(viewer.tenant_id) if listing.version]


@bp.post("/mine/role")
def choose_role() -> Any:
    viewer = person(change=True)
    if enrolment.enrolment_of(viewer.tenant_id, viewer.user.id) is not None:
        raise UserError(
            _l("You already have a role path. Ask your course's designer to change it."),
            title=_l("Your role is chosen"),
            status=409,
            log_reason=f"user {viewer.user.id} chose a role again",
        )
    chosen = request.form.get("path", "")
    offered = {listing.id for listing in _choosable(viewer)}
    if not chosen.isdigit() or int(chosen) not in offered:
        return _page(viewer, [FieldError("path", str(_l("Choose the role that fits you.")))])
    enrolment.enrol(viewer.tenant_id, viewer.user.id, int(chosen), "learner")
    db.session.commit()
    return redirect(tool_url(MINE), code=303)


@bp.post("/mine/branch")
def choose_branch() -> Any:
    viewer = person(change=True)
    summary = _summary(viewer)
    try:
        branch = forms.branch(request.form, summary.branches)
        enrolment.choose_branch(viewer.tenant_id, viewer.user.id, branch)
    except (FormInvalid, FieldErrors) as exc:
        db.session.rollback()
        return _page(viewer, exc.errors, failed="branch")
    db.session.commit()
    return redirect(tool_url(MINE, _anchor="stages"), code=303)


@bp.post("/mine/reflections")
def answer_reflection() -> Any:
    viewer = person(change=True)
    summary = _summary(viewer)
    question = request.form.get("question", "")
    try:
        key, text = forms.answer(request.form)
        answers.answer(viewer.tenant_id, viewer.user.id, summary.path_id, key, text)
    except (FormInvalid, FieldErrors) as exc:
        db.session.rollback()
        errors = [FieldError(f"answer.{question}", e.message) for e in exc.errors]
        return _page(viewer, errors, failed=f"reflection:{question}")
    except NotFound as exc:
        raise UserError(
            _l("This question is not on your path (any more). Open your path again."),
            status=404,
            log_reason=f"reflection {question[:64]!r}: {exc}",
        ) from exc
    db.session.commit()
    return redirect(tool_url(MINE, answered=key, _anchor="reflections"), code=303)


@bp.post("/mine/goal")
def set_goal() -> Any:
    viewer = person(change=True)
    try:
        minutes = forms.weekly_goal(request.form)
        enrolment.set_weekly_goal(viewer.tenant_id, viewer.user.id, minutes)
    except FormInvalid as exc:
        return _page(viewer, exc.errors, failed="goal")
    except FieldErrors as exc:
        db.session.rollback()
        return _page(viewer, _named(exc.errors, "goal"), failed="goal")
    except NotFound as exc:
        raise _not_enrolled(viewer) from exc
    db.session.commit()
    return redirect(tool_url(MINE, _anchor="time"), code=303)


@bp.post("/mine/time")
def log_time() -> Any:
    viewer = person(change=True)
    today = utcnow().date()
    try:
        entry = forms.logged_time(request.form, today)
        learning_time.log_time(
            viewer.tenant_id, viewer.user.id, entry.minutes, entry.day, entry.note, today
        )
    except FormInvalid as exc:
        return _page(viewer, exc.errors, failed="log")
    except FieldErrors as exc:
        db.session.rollback()
        return _page(viewer, _named(exc.errors, "log"), failed="log")
    db.session.commit()
    return redirect(tool_url(MINE, logged=entry.minutes, _anchor="time"), code=303)


@bp.get("/<int:path_id>")
def placed(path_id: int) -> Any:
    """A path placed in a course (Deep Linking): the designer's editor, the learner's page."""
    viewer = person()
    found = queries.path(viewer.tenant_id, path_id)
    if found is None:
        raise not_found("path", f"path {path_id} is not in tenant {viewer.tenant_id}")
    if viewer.is_designer:
        return redirect(tool_url("paths.editor_page", role_id=found.role_id), code=303)
    return redirect(tool_url(MINE), code=303)


def _summary(viewer: Viewer) -> progress.PathProgress:
    summary = progress.summary(viewer.tenant_id, viewer.user.id)
    if summary is None:
        raise _not_enrolled(viewer)
    return summary


def _not_enrolled(viewer: Viewer) -> UserError:
    return UserError(
        _l("You are not on a role path yet. Open your path page to choose your role."),
        title=_l("No role path yet"),
        status=409,
        log_reason=f"user {viewer.user.id} is on no path",
    )


def _named(errors: list[FieldError], form: str) -> list[FieldError]:
    """The service's fields (``minutes``, ``occurred_on``…) as this page's form names them."""
    names = {"occurred_on": "day"}
    return [FieldError(f"{form}.{names.get(e.field, e.field)}", e.message) for e in errors]
