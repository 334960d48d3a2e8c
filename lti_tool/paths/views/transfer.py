"""Sharing paths between organisations: the published schema, a path's JSON download, and
uploading a definition (checked against the schema; every problem listed with its field).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify, redirect, render_template, request
from flask_babel import gettext as _

from lti_tool.core.db import db
from lti_tool.core.urls import tool_url
from lti_tool.paths import examples, queries
from lti_tool.paths.definition import SCHEMA, DefinitionInvalid, FieldError
from lti_tool.paths.schemas.messages import check, explain
from lti_tool.paths.services import FieldErrors, NotFound, path_versions
from lti_tool.paths.views import bp
from lti_tool.paths.views.common import designer, not_found, with_errors

MAX_UPLOAD = 1024 * 1024  # a path definition is a few tens of kilobytes


@bp.get("/schema.json")
def schema() -> Response:
    """Public, like any schema meant for sharing: no tenant data in it."""
    response = jsonify(SCHEMA)
    response.mimetype = "application/schema+json"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/<int:path_id>/export.json")
def export(path_id: int) -> Response:
    viewer = designer()
    path = queries.path(viewer.tenant_id, path_id)
    if path is None or not path.current_version:
        raise not_found("path", f"path {path_id} is not in tenant {viewer.tenant_id}")
    try:
        data = path_versions.export(viewer.tenant_id, path_id)
    except NotFound as exc:
        raise not_found("path", f"path {path_id}: {exc}") from exc
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = Response(body + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{path.key}.path.json"'
    return response


@bp.get("/import")
def import_page() -> str:
    return render_template("paths/import.html", viewer=designer())


@bp.post("/import")
def import_definition() -> Any:
    viewer = designer(change=True)
    try:
        data = _uploaded()
        check(data)
        version = path_versions.save_definition(viewer.tenant_id, data, viewer.user.id)
    except (DefinitionInvalid, FieldErrors) as exc:
        db.session.rollback()
        errors = [explain(error) for error in exc.errors]
        return with_errors("paths/import.html", errors, viewer=viewer)
    db.session.commit()
    path = queries.path(viewer.tenant_id, version.path_id)
    assert path is not None
    return redirect(
        tool_url("paths.editor_page", role_id=path.role_id, saved=version.number), code=303
    )


@bp.post("/examples")
def install_examples() -> Any:
    """The example roles and paths the tenant does not have yet, to start from."""
    viewer = designer(change=True)
    saved = examples.install(viewer.tenant_id, user_id=viewer.user.id)
    db.session.commit()
    return redirect(tool_url("paths.catalogue_page", examples=len(saved)), code=303)


def _uploaded() -> Any:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise DefinitionInvalid([FieldError("file", _("Choose a path file (.json) to upload."))])
    raw = upload.stream.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        raise DefinitionInvalid([FieldError("file", _("This file is too large for a path."))])
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        message = _("This file is not JSON: %(problem)s", problem=str(exc)[:200])
        raise DefinitionInvalid([FieldError("file", message)]) from exc
