"""The learner's summary (stages, skills, next step, branch, reflections), rule previews, and
evidence from LearnLoop's own events."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from lti_tool.core.db import commit_or_rollback
from lti_tool.paths.definition import EvidenceRule
from lti_tool.paths.services import enrolment, progress
from tests.integration.paths.engine_helpers import (
    BOOK,
    COMPLETED,
    EXPERIENCED,
    QUIZ,
    account,
    done_steps,
    enrol,
    new_user,
    publish,
    said,
    summary,
    tenant_of,
)
from tests.integration.xapi_helpers import Lrs
from tests.support.platform import TestPlatform

NOW = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)


def _rule(activity: str, prefix: bool = False, **conditions: object) -> EvidenceRule:
    return EvidenceRule(
        verbs=frozenset({COMPLETED}),
        activity=activity,
        prefix=prefix,
        success=conditions.get("success"),  # type: ignore[arg-type]
        min_scaled=conditions.get("min_scaled"),  # type: ignore[arg-type]
    )


def test_a_learner_on_no_path_has_no_summary(app: Flask, registered: TestPlatform) -> None:
    with app.app_context():
        assert progress.summary(tenant_of(app), new_user(app, "ada")) is None


def test_a_step_waits_for_the_steps_it_depends_on_and_the_next_step_skips_it(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    user = new_user(app, "ada")
    enrol(app, tenant, user, publish(app, tenant))
    first = summary(app, tenant, user)
    advanced = first.stages[1].steps[0]
    assert (advanced.key, advanced.blocked_by) == ("course-2", ("read-kb",))
    assert first.next_step is not None and first.next_step.key == "read-kb"
    assert (first.done, first.total, first.percent) == (0, 4, 0)
    lrs.post(said(account(registered.issuer, "ada"), COMPLETED, BOOK))
    after = summary(app, tenant, user)
    assert after.stages[1].steps[0].blocked_by == ()
    assert after.next_step is not None and after.next_step.key == "quiz"


def test_the_branch_stages_count_once_the_learner_chooses_one(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    user = new_user(app, "ada")
    enrol(app, tenant, user, publish(app, tenant))
    before = summary(app, tenant, user)
    assert (before.needs_branch, before.branch, before.branches) == (
        True,
        None,
        ("leadership", "specialist"),
    )
    assert [s.counts for s in before.stages] == [True, True, False, False]
    assert "coaching" not in {s.key for s in before.skills}  # not a priority skill
    with app.app_context(), commit_or_rollback():
        enrolment.choose_branch(tenant, user, "specialist")
    after = summary(app, tenant, user)
    assert (after.needs_branch, after.branch, after.total) == (False, "specialist", 5)
    assert [s.counts for s in after.stages] == [True, True, False, True]
    assert [(s.key, s.priority) for s in after.skills] == [
        ("listening", 1),
        ("product", 2),
        ("writing", 3),
    ]


def test_learnloop_events_complete_a_step_once_per_event(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    user = new_user(app, "ada")
    enrol(app, tenant, user, publish(app, tenant), branch="specialist")
    other = tenant_of(app, "dep-2")
    with app.app_context(), commit_or_rollback():
        assert progress.record_learnloop_evidence(tenant, user, "spec-1", "slot:3", NOW)
        assert not progress.record_learnloop_evidence(tenant, user, "spec-1", "slot:3", NOW)
        assert not progress.record_learnloop_evidence(tenant, user, "no-such-step", "x", NOW)
        assert not progress.record_learnloop_evidence(other, user, "spec-1", "y", NOW)
    assert done_steps(app, tenant, user) == {"spec-1"}


def test_a_rule_preview_counts_matching_statements_and_distinct_learners(
    app: Flask, lrs: Lrs, other_tenants_lrs: Lrs, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    a, b = account(registered.issuer, "a"), account(registered.issuer, "b")
    recent, old = "2026-11-20T09:00:00Z", "2026-06-01T09:00:00Z"
    sent = [
        said(a, COMPLETED, QUIZ + "1", success=True, score={"scaled": 0.9}),
        said(a, COMPLETED, QUIZ + "2", success=False, score={"scaled": 0.4}),
        said(b, COMPLETED, QUIZ + "1", success=True, score={"scaled": 0.6}),
        said(b, EXPERIENCED, QUIZ + "1"),  # another verb
        said(b, COMPLETED, QUIZ.upper() + "1"),  # another activity
        said(b, COMPLETED, BOOK),
    ]
    for statement in sent:
        statement["timestamp"] = recent
    too_old = said(a, COMPLETED, QUIZ + "3", success=True)
    too_old["timestamp"] = old
    lrs.post([*sent, too_old])
    other_tenants_lrs.post(said(a, COMPLETED, QUIZ + "1", success=True))  # not this tenant's
    with app.app_context():
        preview = lambda rule: progress.preview_rule(tenant, rule, now=NOW)  # noqa: E731
        assert preview(_rule(QUIZ, prefix=True)) == progress.RulePreview(3, 2)
        assert preview(_rule(QUIZ, prefix=True, success=True)) == progress.RulePreview(2, 2)
        assert preview(_rule(QUIZ, prefix=True, min_scaled=0.6)) == progress.RulePreview(2, 2)
        assert preview(_rule(QUIZ + "1")) == progress.RulePreview(2, 2)
        assert preview(_rule("https://lms.example.edu/new-activity")) == progress.RulePreview(0, 0)
        assert (
            progress.preview_rule(tenant, _rule(QUIZ, prefix=True), days=365, now=NOW).statements
            == 4
        )


def test_a_prefix_preview_treats_like_wildcards_as_plain_characters(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    a = account(registered.issuer, "a")
    statement = said(a, COMPLETED, "https://lms.example.edu/a_b/1")
    statement["timestamp"] = "2026-11-20T09:00:00Z"
    lrs.post(statement)
    with app.app_context():
        preview = progress.preview_rule(
            tenant_of(app), _rule("https://lms.example.edu/a%", True), now=NOW
        )
        assert preview.statements == 0
        found = progress.preview_rule(
            tenant_of(app), _rule("https://lms.example.edu/a_", True), now=NOW
        )
        assert found.statements == 1


@pytest.mark.parametrize("days", [1, 90])
def test_a_preview_looks_back_the_given_number_of_days(
    app: Flask, lrs: Lrs, registered: TestPlatform, days: int
) -> None:
    statement = said(account(registered.issuer, "a"), COMPLETED, BOOK)
    statement["timestamp"] = (NOW - dt.timedelta(days=30)).isoformat()
    lrs.post(statement)
    with app.app_context():
        found = progress.preview_rule(tenant_of(app), _rule(BOOK), days=days, now=NOW)
    assert found.statements == (1 if days == 90 else 0)
