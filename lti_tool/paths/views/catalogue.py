"""Designers' catalogue: job roles, skills, and each role's three to five priority skills."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request
from flask_babel import gettext as _

from lti_tool.core.db import db
from lti_tool.core.urls import tool_url
from lti_tool.lti.viewer import Viewer
from lti_tool.paths import queries
from lti_tool.paths.definition import DefinitionInvalid, FieldError
from lti_tool.paths.models import JobRole, Skill
from lti_tool.paths.schemas import FormInvalid
from lti_tool.paths.schemas import catalogue as forms
from lti_tool.paths.schemas.messages import explain
from lti_tool.paths.services import FieldErrors, catalogue
from lti_tool.paths.views import bp
from lti_tool.paths.views.common import designer, not_found, with_errors
from lti_tool.paths.views.editor import republish


@bp.get("/")
def catalogue_page() -> str:
    viewer = designer()
    return render_template("paths/catalogue.html", **_catalogue(viewer))


def _catalogue(viewer: Viewer) -> dict[str, Any]:
    return {
        "viewer": viewer,
        "roles": queries.roles_overview(viewer.tenant_id),
        "skills": catalogue.skills(viewer.tenant_id),
    }


@bp.post("/roles")
def create_role() -> Any:
    viewer = designer(change=True)
    try:
        entry = forms.entry(request.form, "role", taken=queries.role_keys(viewer.tenant_id))
        role = catalogue.save_role(viewer.tenant_id, entry.key, entry.name, entry.description)
    except (FormInvalid, FieldErrors) as exc:
        db.session.rollback()
        errors = _entry_errors(exc, "role")
        return with_errors("paths/catalogue.html", errors, failed="role", **_catalogue(viewer))
    db.session.commit()
    return redirect(tool_url("paths.role_page", role_id=role.id, saved="created"), code=303)


@bp.post("/skills")
def create_skill() -> Any:
    viewer = designer(change=True)
    try:
        entry = forms.entry(request.form, "skill", taken=queries.skill_keys(viewer.tenant_id))
        catalogue.save_skill(viewer.tenant_id, entry.key, entry.name, entry.description)
    except (FormInvalid, FieldErrors) as exc:
        db.session.rollback()
        errors = _entry_errors(exc, "skill")
        return with_errors("paths/catalogue.html", errors, failed="skill", **_catalogue(viewer))
    db.session.commit()
    return redirect(tool_url("paths.catalogue_page", added=entry.key, _anchor="skills"), code=303)


@bp.get("/roles/<int:role_id>")
def role_page(role_id: int) -> str:
    viewer = designer()
    return render_template("paths/role.html", **_role(viewer, role_id))


def _role(viewer: Viewer, role_id: int) -> dict[str, Any]:
    role = queries.role(viewer.tenant_id, role_id)
    if role is None:
        raise not_found("role", f"role {role_id} is not in tenant {viewer.tenant_id}")
    return {
        "viewer": viewer,
        "role": role,
        "skills": catalogue.skills(viewer.tenant_id),
        "ranks": queries.role_priorities(viewer.tenant_id, role.id),
        "path": queries.path_of_role(viewer.tenant_id, role.id),
    }


@bp.post("/roles/<int:role_id>")
def change_role(role_id: int) -> Any:
    viewer = designer(change=True)
    context = _role(viewer, role_id)
    role: JobRole = context["role"]
    try:
        entry = forms.entry(request.form, "role", key=role.key, taken=set())
        catalogue.save_role(viewer.tenant_id, role.key, entry.name, entry.description)
        republish(viewer.tenant_id, role, viewer.user.id)
    except (FormInvalid, FieldErrors, DefinitionInvalid) as exc:
        db.session.rollback()
        errors = _entry_errors(exc, "role")
        return with_errors("paths/role.html", errors, failed="role", **context)
    db.session.commit()
    return redirect(tool_url("paths.role_page", role_id=role_id, saved="role"), code=303)


@bp.post("/roles/<int:role_id>/priorities")
def change_priorities(role_id: int) -> Any:
    viewer = designer(change=True)
    context = _role(viewer, role_id)
    keys = [skill.key for skill in context["skills"]]
    try:
        chosen = forms.priorities(request.form, keys)
        catalogue.set_priorities(viewer.tenant_id, role_id, chosen.ranked, chosen.tracked)
        republish(viewer.tenant_id, context["role"], viewer.user.id)
    except FormInvalid as exc:
        return with_errors("paths/role.html", exc.errors, failed="priorities", **context)
    except (FieldErrors, DefinitionInvalid) as exc:  # what the form cannot know
        db.session.rollback()
        errors = [
            FieldError(
                "priorities", _("The priorities were not saved: %(why)s", why=explain(e).message)
            )
            for e in exc.errors
        ]
        return with_errors("paths/role.html", errors, failed="priorities", **context)
    db.session.commit()
    return redirect(
        tool_url("paths.role_page", role_id=role_id, saved="priorities", _anchor="priorities"),
        code=303,
    )


@bp.get("/skills/<int:skill_id>")
def skill_page(skill_id: int) -> str:
    viewer = designer()
    return render_template("paths/skill.html", viewer=viewer, skill=_skill(viewer, skill_id))


def _skill(viewer: Viewer, skill_id: int) -> Skill:
    skill = queries.skill(viewer.tenant_id, skill_id)
    if skill is None:
        raise not_found("skill", f"skill {skill_id} is not in tenant {viewer.tenant_id}")
    return skill


@bp.post("/skills/<int:skill_id>")
def change_skill(skill_id: int) -> Any:
    viewer = designer(change=True)
    skill = _skill(viewer, skill_id)
    try:
        entry = forms.entry(request.form, "skill", key=skill.key, taken=set())
        catalogue.save_skill(viewer.tenant_id, skill.key, entry.name, entry.description)
    except (FormInvalid, FieldErrors) as exc:
        db.session.rollback()
        errors = _entry_errors(exc, "skill")
        return with_errors("paths/skill.html", errors, viewer=viewer, skill=skill)
    db.session.commit()
    return redirect(tool_url("paths.catalogue_page", _anchor="skills"), code=303)


def _entry_errors(
    exc: FormInvalid | FieldErrors | DefinitionInvalid, prefix: str
) -> list[FieldError]:
    """The form's own errors are named already; the service's are named by its arguments; the
    role's path refusing the change is said at the top."""
    if isinstance(exc, DefinitionInvalid):
        return [FieldError(prefix, explain(error).message) for error in exc.errors]
    return exc.errors if isinstance(exc, FormInvalid) else forms.prefixed(exc.errors, prefix)
