"""Enrolling learners by choice, their branch and their weekly goal, per tenant."""

from __future__ import annotations

import pytest
from flask import Flask

from lti_tool.core.db import commit_or_rollback
from lti_tool.paths.services import FieldErrors, NotFound, enrolment
from tests.integration.paths.engine_helpers import definition, new_user, publish, tenant_of
from tests.support.platform import TestPlatform


def test_a_learner_chooses_a_path_once_and_can_move_to_another(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    support = publish(app, tenant)
    lead = publish(app, tenant, definition(role={"key": "lead", "name": "Lead"}))
    user = new_user(app, "ada")
    with app.app_context(), commit_or_rollback():
        first = enrolment.enrol(tenant, user, support, "learner")
        enrolment.choose_branch(tenant, user, "leadership")
        assert enrolment.enrol(tenant, user, support, "learner").branch == "leadership"
        moved = enrolment.enrol(tenant, user, lead, "learner")
        assert (moved.id, moved.path_id, moved.branch) == (first.id, lead, None)


def test_only_a_branch_the_path_offers_can_be_chosen(app: Flask, registered: TestPlatform) -> None:
    tenant = tenant_of(app)
    data = definition()
    data["stages"] = data["stages"][:3]  # core, advanced, leadership
    path = publish(app, tenant, data)
    user = new_user(app, "ada")
    with app.app_context(), commit_or_rollback():
        enrolment.enrol(tenant, user, path, "learner")
    with app.app_context(), pytest.raises(FieldErrors) as refused:
        enrolment.choose_branch(tenant, user, "specialist")
    assert refused.value.errors[0].field == "branch"
    with app.app_context():
        found = enrolment.enrolment_of(tenant, user)
        assert found is not None and found.branch is None


@pytest.mark.parametrize("minutes", [0, -5, 2401, 30.5, True, "60"])
def test_a_weekly_goal_outside_1_to_2400_whole_minutes_is_refused(
    app: Flask, registered: TestPlatform, minutes: object
) -> None:
    tenant = tenant_of(app)
    user, path = new_user(app, "ada"), publish(app, tenant)
    with app.app_context(), commit_or_rollback():
        enrolment.enrol(tenant, user, path, "learner")
    with app.app_context(), pytest.raises(FieldErrors):
        enrolment.set_weekly_goal(tenant, user, minutes)  # type: ignore[arg-type]
    with app.app_context(), commit_or_rollback():
        assert enrolment.set_weekly_goal(tenant, user, 90).weekly_goal_minutes == 90


def test_an_unpublished_path_or_an_unknown_way_of_choosing_is_refused(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    path = publish(app, tenant)
    user = new_user(app, "ada")
    with app.app_context(), pytest.raises(FieldErrors):
        enrolment.enrol(tenant, user, path, "admin")
    with app.app_context():
        assert enrolment.enrolment_of(tenant, user) is None


def test_another_tenants_paths_and_people_are_not_found(
    app: Flask, registered: TestPlatform
) -> None:
    tenant, other = tenant_of(app), tenant_of(app, "dep-2")
    theirs, ours = publish(app, other), publish(app, tenant)
    user = new_user(app, "ada")
    stranger = new_user(app, "zoe")
    with app.app_context():
        with pytest.raises(NotFound):
            enrolment.enrol(tenant, user, theirs, "learner")
        with pytest.raises(NotFound):
            enrolment.enrol(tenant, 10_000, ours, "learner")
        with pytest.raises(NotFound):  # on no path in this tenant
            enrolment.choose_branch(tenant, stranger, "leadership")
        with pytest.raises(NotFound):
            enrolment.set_weekly_goal(tenant, stranger, 30)
    with app.app_context(), commit_or_rollback():
        enrolment.enrol(other, user, theirs, "learner")
    with app.app_context():
        assert enrolment.enrolment_of(tenant, user) is None
