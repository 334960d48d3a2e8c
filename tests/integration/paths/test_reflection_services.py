"""Answering coaching questions, and apply steps done when written up or confirmed."""

from __future__ import annotations

import pytest
from flask import Flask

from lti_tool.core.db import commit_or_rollback
from lti_tool.paths.services import FieldErrors, NotFound, reflections
from tests.integration.paths.engine_helpers import (
    definition,
    done_steps,
    enrol,
    new_user,
    publish,
    summary,
    tenant_of,
)
from tests.support.platform import TestPlatform


def _learner(app: Flask, data: dict | None = None) -> tuple[int, int, int]:
    tenant = tenant_of(app)
    path = publish(app, tenant, data)
    user = new_user(app, "ada")
    enrol(app, tenant, user, path)
    return tenant, path, user


def test_answering_a_stage_question_takes_it_off_the_reflections_due(
    app: Flask, registered: TestPlatform
) -> None:
    tenant, path, user = _learner(app)
    assert [r.key for r in summary(app, tenant, user).reflections_due] == ["why"]
    with app.app_context(), commit_or_rollback():
        reflections.answer(tenant, user, path, "why", "I like helping people.")
        again = reflections.answer(tenant, user, path, "why", "  I like solving problems. ")
        assert again.answer == "I like solving problems."
    assert summary(app, tenant, user).reflections_due == ()


def test_an_apply_step_that_needs_confirmation_is_done_only_once_a_colleague_confirms(
    app: Flask, registered: TestPlatform
) -> None:
    tenant, path, user = _learner(app)
    colleague = new_user(app, "bea")
    with app.app_context(), commit_or_rollback():
        written = reflections.answer(tenant, user, path, "apply-1", "Fixed ticket #42 by …")
    assert "apply-1" not in done_steps(app, tenant, user)
    with app.app_context(), pytest.raises(FieldErrors):
        reflections.confirm(tenant, user, written.id)  # not by its author
    with app.app_context(), commit_or_rollback():
        confirmed = reflections.confirm(tenant, colleague, written.id)
        assert confirmed.confirmed_by == colleague
        reflections.confirm(tenant, colleague, written.id)  # again: nothing more
    step = summary(app, tenant, user).stages[0].steps[2]
    assert (step.key, step.done, step.evidence_count, step.confirmed) == ("apply-1", True, 1, True)


def test_an_apply_step_without_confirmation_is_done_when_written_up(
    app: Flask, registered: TestPlatform
) -> None:
    data = definition()
    data["stages"][0]["steps"][2]["needs_confirmation"] = False
    tenant, path, user = _learner(app, data)
    with app.app_context(), commit_or_rollback():
        reflections.answer(tenant, user, path, "apply-1", "Wrote the macro for refunds.")
    assert "apply-1" in done_steps(app, tenant, user)


@pytest.mark.parametrize(
    ("key", "text", "field"),
    [("nope", "x", "question_key"), ("read-kb", "x", "question_key"), ("why", " ", "text")],
)
def test_an_unknown_question_or_an_empty_answer_is_refused(
    app: Flask, registered: TestPlatform, key: str, text: str, field: str
) -> None:
    tenant, path, user = _learner(app)
    with app.app_context(), pytest.raises(FieldErrors) as refused:
        reflections.answer(tenant, user, path, key, text)
    assert refused.value.errors[0].field == field


def test_reflections_stay_within_their_tenant(app: Flask, registered: TestPlatform) -> None:
    tenant, path, user = _learner(app)
    other = tenant_of(app, "dep-2")
    outsider = new_user(app, "out", "dep-2")
    with app.app_context(), commit_or_rollback():
        written = reflections.answer(tenant, user, path, "apply-1", "Done.")
    with app.app_context():
        with pytest.raises(NotFound):
            reflections.confirm(other, outsider, written.id)  # their tenant has no such row
        with pytest.raises(NotFound):
            reflections.confirm(tenant, 10_000, written.id)  # nobody of this tenant
        with pytest.raises(NotFound):
            reflections.answer(other, user, path, "why", "x")
        assert reflections.reflections_of(other, user) == []
        assert [r.id for r in reflections.reflections_of(tenant, user)] == [written.id]
