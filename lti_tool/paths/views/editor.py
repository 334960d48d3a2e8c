"""The path editor: a role's stages, steps, evidence rules and reflection questions, as a form.

*Save* validates the whole definition (every problem next to its field, a 400, nothing saved)
and appends a version; learners keep what they completed, since progress is kept per step key.
*Preview* counts what a step's rule would match in recent statements, before saving. The other
buttons (add or remove a step or a stage, move a step) only change the form.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request
from flask_babel import lazy_gettext as _l

from lti_tool.core.db import db
from lti_tool.core.errors import UserError
from lti_tool.core.urls import tool_url
from lti_tool.lti.viewer import Viewer
from lti_tool.paths import queries
from lti_tool.paths.definition import DefinitionInvalid, PathDefinition
from lti_tool.paths.models import JobRole
from lti_tool.paths.schemas import editor as forms
from lti_tool.paths.schemas.messages import check, explain
from lti_tool.paths.services import FieldErrors, catalogue, path_versions, progress
from lti_tool.paths.views import bp
from lti_tool.paths.views.common import designer, not_found, with_errors

TEMPLATE = "paths/editor.html"


@bp.get("/roles/<int:role_id>/path")
def editor_page(role_id: int) -> str:
    viewer = designer()
    role, base = _base(viewer, role_id)
    current = _current(viewer, role)
    data = current.raw if current else forms.starter(base)
    saved = request.args.get("saved")
    warnings = _unmatched_rules(viewer, current) if saved and current else {}
    return render_template(TEMPLATE, **_page(viewer, role, data), warnings=warnings, saved=saved)


@bp.post("/roles/<int:role_id>/path")
def edit_path(role_id: int) -> Any:
    viewer = designer(change=True)
    role, base = _base(viewer, role_id)
    act = forms.action(request.form)
    data = forms.definition_from_form(request.form, base)
    if act is None:
        raise _no_such_button(role_id)
    if act.name == "save":
        return _save(viewer, role, data)
    if act.name == "preview":
        return _preview(viewer, role, data, act)
    if not forms.apply(data, act):
        raise _no_such_button(role_id)
    focus = _focus_after(data, act)
    return render_template(TEMPLATE, **_page(viewer, role, data), changed=True, focus=focus)


def _save(viewer: Viewer, role: JobRole, data: dict[str, Any]) -> Any:
    try:
        check(data)
        version = path_versions.save_definition(viewer.tenant_id, data, viewer.user.id)
    except (DefinitionInvalid, FieldErrors) as exc:
        db.session.rollback()
        errors = [explain(error) for error in exc.errors]
        return with_errors(TEMPLATE, errors, **_page(viewer, role, data))
    db.session.commit()
    return redirect(tool_url("paths.editor_page", role_id=role.id, saved=version.number), code=303)


def _preview(viewer: Viewer, role: JobRole, data: dict[str, Any], act: forms.Action) -> Any:
    try:
        where, rule = forms.rule_for_preview(data, act)
    except DefinitionInvalid as exc:
        return with_errors(TEMPLATE, exc.errors, **_page(viewer, role, data))
    result = progress.preview_rule(viewer.tenant_id, rule)
    return render_template(
        TEMPLATE, **_page(viewer, role, data), previews={where: result}, focus=f"{where}.preview"
    )


def _unmatched_rules(viewer: Viewer, current: PathDefinition) -> dict[str, bool]:
    """Steps whose rule matches no recent statement: a warning, since the activity may be new."""
    found = {}
    for s, stage in enumerate(current.stages):
        for m, step in enumerate(stage.steps):
            if step.evidence is not None:
                preview = progress.preview_rule(viewer.tenant_id, step.evidence)
                found[f"stages[{s}].steps[{m}]"] = preview.statements == 0
    return {where: True for where, unmatched in found.items() if unmatched}


def _page(viewer: Viewer, role: JobRole, data: dict[str, Any]) -> dict[str, Any]:
    path = queries.path_of_role(viewer.tenant_id, role.id)
    return {
        "viewer": viewer,
        "role": role,
        "path": path,
        "data": data,
        "skills": catalogue.skills(viewer.tenant_id),
        "missing_stages": forms.stages_missing(data),
    }


def _base(viewer: Viewer, role_id: int) -> tuple[JobRole, forms.Base]:
    role = queries.role(viewer.tenant_id, role_id)
    if role is None:
        raise not_found("role", f"role {role_id} is not in tenant {viewer.tenant_id}")
    return role, catalogue_base(viewer.tenant_id, role)


def catalogue_base(tenant_id: int, role: JobRole) -> forms.Base:
    """What the catalogue holds for a role's path: its names, skills and priorities."""
    ranks = queries.role_priorities(tenant_id, role.id)
    skills = [
        _entry(skill.key, skill.name, skill.description) for skill in catalogue.skills(tenant_id)
    ]
    return forms.Base(
        role=_entry(role.key, role.name, role.description),
        skills=skills,
        tracked=list(ranks),
        priority_skills=sorted((k for k, r in ranks.items() if r), key=lambda k: ranks[k] or 0),
    )


def republish(tenant_id: int, role: JobRole, user_id: int) -> None:
    """After the catalogue changed a role (its names, its priorities), its path's definition
    says so too: a new version, so that the path file and the page agree. Flushes only."""
    path = queries.path_of_role(tenant_id, role.id)
    if path is None or not path.current_version:
        return
    current = path_versions.current(tenant_id, path.id)
    if current is not None:
        data = forms.with_catalogue(dict(current.raw), catalogue_base(tenant_id, role))
        data.pop("$schema", None)
        path_versions.save_definition(tenant_id, data, user_id)


def _entry(key: str, name: str, description: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": key, "name": queries.texts(name) or {"en": key}}
    if about := queries.texts(description):
        entry["description"] = about
    return entry


def _current(viewer: Viewer, role: JobRole) -> PathDefinition | None:
    path = queries.path_of_role(viewer.tenant_id, role.id)
    if path is None or not path.current_version:
        return None
    return path_versions.current(viewer.tenant_id, path.id)


def _focus_after(data: dict[str, Any], act: forms.Action) -> str | None:
    """Where the keyboard goes after a button: the new step's title, or the stage list."""
    if act.name == "add-step" and act.stage is not None:
        step = len(data["stages"][act.stage]["steps"]) - 1
        return f"stages[{act.stage}].steps[{step}].title.en"
    if act.name in ("move-up", "move-down") and act.stage is not None and act.step is not None:
        moved = act.step + (-1 if act.name == "move-up" else 1)
        return f"stages[{act.stage}].steps[{moved}].title.en"
    return "stages"


def _no_such_button(role_id: int) -> UserError:
    return UserError(
        _l("The editor did not understand that button. Open the path editor again."),
        log_reason=f"path editor of role {role_id}: action {request.form.get('action', '')[:60]!r}",
    )
