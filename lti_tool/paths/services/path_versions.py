"""Path definitions: saving one (a new version), reading the current one, exporting it.

A path is never edited in place: each save appends a ``PathVersion`` and makes it current, so
what learners completed (kept per step *key*) survives an edit. Saving the same definition again
adds nothing. Parsed definitions are cached per process by version: a version never changes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from lti_tool.core.cache import app_cache
from lti_tool.core.db import db
from lti_tool.paths import definition as definitions
from lti_tool.paths.definition import PathDefinition
from lti_tool.paths.models import Enrolment, JobRole, Path, PathVersion
from lti_tool.paths.progress_jobs import forget_published_paths, recompute_path_later
from lti_tool.paths.services import catalogue
from lti_tool.paths.services.checks import load_text
from lti_tool.paths.services.errors import NotFound

_FOREVER = float("inf")


@dataclass(frozen=True)
class PathListing:
    id: int
    key: str
    role_id: int
    role_key: str
    role_name: dict[str, str]
    title: dict[str, str]
    version: int
    graded: bool
    enrolled: int


def save_definition(tenant_id: int, data: dict[str, Any], user_id: int | None) -> PathVersion:
    """Parse ``data`` (raises ``DefinitionInvalid``, writing nothing), then upsert its role,
    skills and priorities and append it as the path's current version. Flushes only."""
    parsed = definitions.parse(data)
    role = catalogue.save_role(
        tenant_id, parsed.role_key, parsed.role_name, parsed.role_description
    )
    for key, name in parsed.skills.items():
        catalogue.save_skill(tenant_id, key, name, parsed.skill_descriptions[key])
    tracked = [key for key in parsed.skills if key not in parsed.priority_skills]
    catalogue.set_priorities(tenant_id, role.id, parsed.priority_skills, tracked)
    path = _path_of_role(tenant_id, role)
    stored = {key: value for key, value in data.items() if key != "$schema"}  # export adds it
    text = json.dumps(stored, ensure_ascii=False, sort_keys=True)
    latest = _version(path.id, path.current_version) if path.current_version else None
    if latest is not None and latest.definition == text and path.graded == parsed.graded:
        return latest  # the same definition again: nothing new to learn
    version = PathVersion(
        tenant_id=tenant_id,
        path_id=path.id,
        number=path.current_version + 1,
        definition=text,
        created_by=user_id,
    )
    db.session.add(version)
    path.current_version, path.graded = version.number, parsed.graded
    db.session.flush()
    forget_published_paths(tenant_id)
    recompute_path_later(tenant_id, path.id)  # rules changed: the enrolled learners' evidence
    return version


def path(tenant_id: int, path_id: int) -> Path:
    found = db.session.get(Path, path_id)
    if found is None or found.tenant_id != tenant_id:
        raise NotFound(f"no path {path_id}")
    return found


def current_version(tenant_id: int, path_id: int) -> PathVersion | None:
    """The path's current version; ``None`` before the first save. :class:`NotFound` for a
    path of another tenant."""
    found = path(tenant_id, path_id)
    return _version(found.id, found.current_version) if found.current_version else None


def current(tenant_id: int, path_id: int) -> PathDefinition | None:
    version = current_version(tenant_id, path_id)
    return definition_of(version) if version is not None else None


def export(tenant_id: int, path_id: int) -> dict[str, Any]:
    """The current definition, valid against the published schema (it names it)."""
    version = current_version(tenant_id, path_id)
    if version is None:
        raise NotFound(f"path {path_id} has no published version")
    return {"$schema": definitions.SCHEMA_ID, **json.loads(version.definition)}


def paths(tenant_id: int) -> list[PathListing]:
    """The tenant's paths with their role, title, current version and enrolled count."""
    enrolled = (
        select(Enrolment.path_id, func.count().label("n"))
        .where(Enrolment.tenant_id == tenant_id)
        .group_by(Enrolment.path_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Path, JobRole.key, JobRole.name, PathVersion, func.coalesce(enrolled.c.n, 0))
        .join(JobRole, JobRole.id == Path.role_id)
        .outerjoin(
            PathVersion,
            (PathVersion.path_id == Path.id) & (PathVersion.number == Path.current_version),
        )
        .outerjoin(enrolled, enrolled.c.path_id == Path.id)
        .where(Path.tenant_id == tenant_id)
        .order_by(Path.key)
    )
    return [
        PathListing(
            id=found.id,
            key=found.key,
            role_id=found.role_id,
            role_key=role_key,
            role_name=load_text(role_name),
            title=definition_of(version).title if version is not None else load_text(role_name),
            version=found.current_version,
            graded=found.graded,
            enrolled=count,
        )
        for found, role_key, role_name, version, count in rows
    ]


def definition_of(version: PathVersion) -> PathDefinition:
    return cached_definition(version.id, version.created_at, lambda: version.definition)


def cached_definition(
    version_id: int, created_at: dt.datetime, load: Callable[[], str]
) -> PathDefinition:
    """The parsed definition of a version, parsed once per process. (``created_at`` is part of
    the key so that an id SQLite hands out again after a delete is not mistaken for the old.)"""
    cache = app_cache("paths.definitions", _FOREVER)
    found = cache.get((version_id, created_at), lambda: definitions.parse(json.loads(load())))
    assert found is not None
    return found


def _path_of_role(tenant_id: int, role: JobRole) -> Path:
    found = db.session.scalars(
        select(Path).where(Path.tenant_id == tenant_id, Path.role_id == role.id).with_for_update()
    ).one_or_none()
    if found is None:
        found = Path(tenant_id=tenant_id, role_id=role.id, key=role.key, current_version=0)
        db.session.add(found)
        db.session.flush()
    return found


def _version(path_id: int, number: int) -> PathVersion | None:
    return db.session.scalars(
        select(PathVersion).where(PathVersion.path_id == path_id, PathVersion.number == number)
    ).one_or_none()
