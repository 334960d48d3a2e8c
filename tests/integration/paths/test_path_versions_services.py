"""Saving path definitions as versions, reading and exporting them, per tenant."""

from __future__ import annotations

import pytest
from flask import Flask
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from lti_tool.core.db import commit_or_rollback, db
from lti_tool.paths.definition import SCHEMA, DefinitionInvalid
from lti_tool.paths.models import JobRole, Path, PathVersion, Skill
from lti_tool.paths.services import NotFound, catalogue, path_versions
from tests.integration.paths.engine_helpers import definition, enrol, new_user, publish, tenant_of
from tests.support.platform import TestPlatform


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_saving_a_definition_makes_its_role_skills_priorities_and_a_first_version(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    path = publish(app, tenant)
    with app.app_context():
        role = catalogue.find_role(tenant, "support")
        assert role is not None
        ranked = [(s.key, s.priority) for s in catalogue.role_skills(tenant, role.id)]
        version = path_versions.current_version(tenant, path)
        assert version is not None and version.number == 1
        current = path_versions.current(tenant, path)
        assert current is not None and current.role_key == "support"
    assert ranked == [("listening", 1), ("product", 2), ("writing", 3), ("coaching", None)]


def test_saving_the_same_definition_again_adds_no_version_and_a_change_adds_one(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    path = publish(app, tenant)
    publish(app, tenant)
    assert _count(app, PathVersion) == 1
    publish(app, tenant, definition(title={"en": "Support path, 2nd edition"}))
    with app.app_context():
        found = db.session.get(Path, path)
        assert found is not None and found.current_version == 2
        current = path_versions.current(tenant, path)
        assert current is not None and current.title == {"en": "Support path, 2nd edition"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda d: d.update(priority_skills=["listening", "product", "writing", "coaching"] * 2),
            "priority_skills",
        ),
        (
            lambda d: d["stages"][0]["steps"][0].update(depends_on=["read-kb"]),
            "stages[0].steps[0].depends_on[0]",
        ),
        (lambda d: d["stages"][1].update(steps=[]), "stages[1].steps"),
        (
            lambda d: d["stages"][0]["steps"][0]["evidence"].update(activity="not an iri"),
            "stages[0].steps[0].evidence.activity",
        ),
    ],
)
def test_an_invalid_definition_is_refused_by_field_and_nothing_is_half_saved(
    app: Flask, registered: TestPlatform, change: object, field: str
) -> None:
    tenant = tenant_of(app)
    data = definition()
    change(data)  # type: ignore[operator]
    with app.app_context(), pytest.raises(DefinitionInvalid) as refused, commit_or_rollback():
        path_versions.save_definition(tenant, data, None)
    assert field in [error.field for error in refused.value.errors]
    assert [_count(app, model) for model in (JobRole, Skill, Path, PathVersion)] == [0, 0, 0, 0]


def test_the_export_is_valid_against_the_published_schema_and_imports_as_the_same_path(
    app: Flask, registered: TestPlatform
) -> None:
    tenant, other = tenant_of(app), tenant_of(app, "dep-2")
    path = publish(app, tenant)
    with app.app_context():
        exported = path_versions.export(tenant, path)
    assert not list(Draft202012Validator(SCHEMA).iter_errors(exported))
    assert publish(app, tenant, exported) == path  # imported back here: nothing new
    assert _count(app, PathVersion) == 1
    elsewhere = publish(app, other, exported)  # shared with another organisation
    with app.app_context():
        assert path_versions.current(other, elsewhere) == path_versions.current(tenant, path)


def test_the_path_list_shows_role_title_version_and_how_many_are_enrolled(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    path = publish(app, tenant)
    publish(
        app, tenant, definition(role={"key": "lead", "name": {"en": "Team lead"}}, title="Lead")
    )
    for sub in ("a", "b"):
        enrol(app, tenant, new_user(app, sub), path)
    with app.app_context():
        listed = [
            (p.role_key, p.title["en"], p.version, p.enrolled) for p in path_versions.paths(tenant)
        ]
    assert listed == [("lead", "Lead", 1, 0), ("support", "Support path", 1, 2)]


def test_another_tenants_paths_are_not_found_here(app: Flask, registered: TestPlatform) -> None:
    tenant, other = tenant_of(app), tenant_of(app, "dep-2")
    theirs = publish(app, other)
    with app.app_context():
        assert path_versions.paths(tenant) == []
        for read in (path_versions.current, path_versions.export, path_versions.current_version):
            with pytest.raises(NotFound):
                read(tenant, theirs)
