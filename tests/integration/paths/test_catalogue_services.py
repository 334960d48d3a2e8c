"""The catalogue services: roles, skills and ranked priorities, per tenant."""

from __future__ import annotations

import pytest
from flask import Flask

from lti_tool.core.db import commit_or_rollback
from lti_tool.paths.services import FieldErrors, NotFound, catalogue
from tests.integration.paths.engine_helpers import tenant_of
from tests.support.platform import TestPlatform

SKILLS = ("listening", "product", "writing", "coaching", "planning", "tools", "empathy")


def _catalogue(app: Flask, tenant: int) -> int:
    with app.app_context(), commit_or_rollback():
        for key in SKILLS:
            catalogue.save_skill(tenant, key, {"en": key.title(), "nl": key}, {})
        return catalogue.save_role(tenant, "support", {"en": "Support agent"}, {}).id


def _priorities(app: Flask, tenant: int, role: int) -> list[tuple[str, int | None]]:
    with app.app_context():
        return [(s.key, s.priority) for s in catalogue.role_skills(tenant, role)]


def test_saving_a_role_again_changes_its_texts_and_keeps_its_id(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    role = _catalogue(app, tenant)
    with app.app_context(), commit_or_rollback():
        again = catalogue.save_role(tenant, "support", {"en": " Agent ", "nl": ""}, {"en": "Hi"})
        assert again.id == role
    with app.app_context():
        found = catalogue.find_role(tenant, "support")
        assert found is not None
        assert (found.name, found.description) == ('{"en": "Agent"}', '{"en": "Hi"}')


@pytest.mark.parametrize(
    ("key", "name", "field"),
    [
        ("Support Agent", {"en": "x"}, "key"),
        ("", {"en": "x"}, "key"),
        ("ok", {}, "name"),
        ("ok", {"en": "  "}, "name"),
        ("ok", {"english": "x"}, "name.english"),
        ("ok", "just text", "name"),
    ],
)
def test_a_bad_key_or_name_is_refused_by_field_and_nothing_is_saved(
    app: Flask, registered: TestPlatform, key: str, name: object, field: str
) -> None:
    tenant = tenant_of(app)
    with app.app_context(), pytest.raises(FieldErrors) as refused:
        catalogue.save_role(tenant, key, name, {})  # type: ignore[arg-type]
    assert field in [error.field for error in refused.value.errors]
    with app.app_context():
        assert catalogue.roles(tenant) == []


def test_priorities_are_ranked_in_order_and_the_rest_tracked(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    role = _catalogue(app, tenant)
    with app.app_context(), commit_or_rollback():
        catalogue.set_priorities(tenant, role, ["writing", "listening", "product"], ["tools"])
    assert _priorities(app, tenant, role) == [
        ("writing", 1),
        ("listening", 2),
        ("product", 3),
        ("tools", None),
    ]
    with app.app_context(), commit_or_rollback():  # re-ranking swaps ranks in one go
        catalogue.set_priorities(tenant, role, ["product", "writing"], ["listening"])
    assert _priorities(app, tenant, role) == [("product", 1), ("writing", 2), ("listening", None)]


def test_a_sixth_priority_is_refused_and_the_old_ranking_stays(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    role = _catalogue(app, tenant)
    with app.app_context(), commit_or_rollback():
        catalogue.set_priorities(tenant, role, ["writing", "listening", "product"], [])
    with app.app_context(), pytest.raises(FieldErrors) as refused:
        catalogue.set_priorities(tenant, role, list(SKILLS[:6]), [])
    assert [e.field for e in refused.value.errors] == ["priorities"]
    assert "at most 5" in refused.value.errors[0].message
    assert _priorities(app, tenant, role) == [("writing", 1), ("listening", 2), ("product", 3)]


def test_unknown_and_twice_ranked_skills_are_refused_by_position(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    role = _catalogue(app, tenant)
    with app.app_context(), pytest.raises(FieldErrors) as refused:
        catalogue.set_priorities(tenant, role, ["writing", "nope", "writing"], ["ghost"])
    assert [e.field for e in refused.value.errors] == [
        "priorities[1]",
        "priorities[2]",
        "tracked[0]",
    ]


def test_another_tenants_roles_and_skills_are_not_found_here(
    app: Flask, registered: TestPlatform
) -> None:
    tenant, other = tenant_of(app), tenant_of(app, "dep-2")
    theirs = _catalogue(app, other)
    with app.app_context():
        assert catalogue.roles(tenant) == [] and catalogue.skills(tenant) == []
        assert catalogue.find_role(tenant, "support") is None
        assert catalogue.role_skills(tenant, theirs) == []
        with pytest.raises(NotFound):
            catalogue.role(tenant, theirs)
        with pytest.raises(NotFound):
            catalogue.set_priorities(tenant, theirs, [], [])
    _catalogue(app, tenant)  # the same keys in this tenant are its own
    with app.app_context():
        assert len(catalogue.skills(tenant)) == len(catalogue.skills(other)) == len(SKILLS)
