"""From xAPI statements (POSTed to the listener) to a learner's path progress: matching rules,
idempotency, voiding, time from durations, learners who launch later, tenant isolation."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from lti_tool.lti.services import dispatch
from lti_tool.paths import tasks
from lti_tool.paths.progress_statements import MAX_SECONDS
from tests.integration.launch_helpers import launch
from tests.integration.paths.engine_helpers import (
    BOOK,
    COMPLETED,
    COURSE_2,
    EXPERIENCED,
    QUIZ,
    account,
    definition,
    done_steps,
    enrol,
    evidence_rows,
    new_user,
    publish,
    said,
    summary,
    tenant_of,
    time_seconds,
    user_id,
    voiding,
)
from tests.integration.xapi_helpers import Lrs
from tests.support.platform import CLAIM, TestPlatform

LMS_PAGE = "https://lms.example.edu/mod/page/view.php?id=5"
CUSTOM = CLAIM + "custom"


def _learner(app: Flask, platform: TestPlatform, sub: str = "ada") -> tuple[int, int, dict]:
    tenant = tenant_of(app)
    user = new_user(app, sub)
    enrol(app, tenant, user, publish(app, tenant))
    return tenant, user, account(platform.issuer, sub)


def test_statements_of_an_enrolled_learner_complete_the_steps_their_rules_match(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant, user, ada = _learner(app, registered)
    response = lrs.post(
        [
            said(ada, EXPERIENCED, BOOK),
            said(ada, COMPLETED, QUIZ + "attempt.php?id=3", success=True),
            said(ada, COMPLETED, QUIZ + "attempt.php?id=4", success=False),  # failed: no
            said(ada, EXPERIENCED, COURSE_2),  # wrong verb: no
        ]
    )
    assert response.status_code == 200
    progress = summary(app, tenant, user)
    assert done_steps(app, tenant, user) == {"read-kb", "quiz"}
    core = progress.stages[0]
    assert (core.key, core.done, core.total) == ("core", 2, 3)
    assert progress.next_step is not None and progress.next_step.key == "apply-1"
    assert {s.key: s.percent for s in progress.skills} == {
        "listening": 0,
        "product": 100,  # read-kb (2) + quiz (1) of 3 weight in core+advanced (no branch yet)
        "writing": 100,
    }


def test_the_same_batch_three_times_changes_nothing(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant, user, ada = _learner(app, registered)
    batch = [
        said(ada, COMPLETED, BOOK, duration="PT30M"),
        said(ada, COMPLETED, QUIZ + "1", success=True, duration="PT10M"),
    ]
    for _ in range(3):
        assert lrs.post(batch).status_code == 200
    after_posts = evidence_rows(app)
    ids = [statement["id"] for statement in batch]
    with app.app_context():
        for _ in range(3):  # the job replayed, as a worker retry or the xAPI job would
            assert tasks.statements_recorded.delay(tenant, ids).get()["evidence"] == 0
    assert evidence_rows(app) == after_posts
    assert len(after_posts) == 2
    assert time_seconds(app, user) == 40 * 60
    assert summary(app, tenant, user).stages[0].steps[0].evidence_count == 1


def test_a_voiding_statement_retracts_its_targets_evidence_and_time(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant, user, ada = _learner(app, registered)
    kept = said(ada, COMPLETED, BOOK, duration="PT5M")
    voided = said(ada, COMPLETED, QUIZ + "9", success=True, duration="PT20M")
    lrs.post([kept, voided])
    assert done_steps(app, tenant, user) == {"read-kb", "quiz"}
    assert lrs.post(voiding(voided["id"])).status_code == 200
    assert done_steps(app, tenant, user) == {"read-kb"}
    assert time_seconds(app, user) == 5 * 60
    with app.app_context():  # recomputing does not bring it back
        assert tasks.recompute_user.delay(tenant, user).get()["evidence"] == 0
    assert done_steps(app, tenant, user) == {"read-kb"}


def test_a_step_stays_done_while_other_evidence_remains_after_one_is_voided(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant, user, ada = _learner(app, registered)
    first, second = said(ada, COMPLETED, BOOK), said(ada, EXPERIENCED, BOOK)
    lrs.post([first, second])
    lrs.post(voiding(first["id"]))
    progress = summary(app, tenant, user)
    assert progress.stages[0].steps[0].done and progress.stages[0].steps[0].evidence_count == 1


def test_durations_count_as_learning_time_of_the_week_they_happened_in(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant, user, ada = _learner(app, registered)
    this_week = dt.datetime.now(dt.UTC).replace(microsecond=0)
    statements = [
        said(ada, EXPERIENCED, LMS_PAGE, duration="PT1H30M"),  # any activity counts for time
        said(ada, EXPERIENCED, LMS_PAGE, duration="P2D"),  # capped: not one sitting
        said(ada, EXPERIENCED, LMS_PAGE, duration="PT0S"),
    ]
    for statement in statements:
        statement["timestamp"] = this_week.isoformat()
    lrs.post(statements)
    assert time_seconds(app, user) == 90 * 60 + MAX_SECONDS
    progress = summary(app, tenant, user)
    assert progress.week_minutes == 90 + MAX_SECONDS // 60
    assert progress.weekly_goal_minutes == 60


def test_statements_sent_before_the_learner_ever_launched_count_once_they_are_enrolled(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    path = publish(app, tenant)
    newcomer = account(registered.issuer, "new-hire")
    lrs.post([said(newcomer, COMPLETED, BOOK), said(newcomer, COMPLETED, QUIZ + "2", success=True)])
    assert evidence_rows(app) == []
    # Their first launch names their role: it attaches the actor and enrols them, and the
    # enrolment recomputes their progress once the launch has committed.
    first = launch(app.test_client(), registered, sub="new-hire", **{CUSTOM: {"role": "support"}})
    assert first.status_code == 303, first.get_data(as_text=True)
    dispatch.wait_for_background(app)
    user = user_id(app, "new-hire")
    assert summary(app, tenant, user).path_id == path
    assert done_steps(app, tenant, user) == {"read-kb", "quiz"}


def test_statements_of_a_learner_on_no_path_give_nothing_until_they_enrol(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    path = publish(app, tenant)
    user = new_user(app, "later")
    lrs.post(said(account(registered.issuer, "later"), COMPLETED, BOOK, duration="PT3M"))
    assert evidence_rows(app) == []
    assert time_seconds(app, user) == 0
    enrol(app, tenant, user, path)
    assert done_steps(app, tenant, user) == {"read-kb"}
    assert time_seconds(app, user) == 180


def test_a_new_version_keeps_completed_steps_and_applies_its_rules_to_past_statements(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant, user, ada = _learner(app, registered)
    lrs.post([said(ada, COMPLETED, BOOK), said(ada, COMPLETED, COURSE_2)])
    assert done_steps(app, tenant, user) == {"read-kb", "course-2"}
    changed = definition()
    book = changed["stages"][0]["steps"][0]
    book["evidence"] = {"verbs": [COMPLETED], "activity": "https://lms.example.edu/other"}
    changed["stages"][1]["steps"].append(
        {
            "key": "course-2-again",
            "kind": "activity",
            "title": "Same course, new step",
            "evidence": {"verbs": [COMPLETED], "activity": COURSE_2},
        }
    )
    publish(app, tenant, changed)
    progress = summary(app, tenant, user)
    assert progress.version == 2
    assert done_steps(app, tenant, user) == {"read-kb", "course-2", "course-2-again"}


def test_statements_of_another_tenant_never_count_here(
    app: Flask, lrs: Lrs, other_tenants_lrs: Lrs, registered: TestPlatform
) -> None:
    tenant, user, ada = _learner(app, registered)
    other_tenant = tenant_of(app, "dep-2")
    publish(app, other_tenant)
    other_tenants_lrs.post([said(ada, COMPLETED, BOOK, duration="PT9M")])
    assert evidence_rows(app) == []
    assert time_seconds(app, user) == 0
    lrs.post([said(ada, COMPLETED, BOOK)])
    assert {row[0] for row in evidence_rows(app)} == {tenant}


def test_a_min_scaled_score_rule_counts_only_scores_at_or_above_it(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    data = definition()
    quiz = data["stages"][0]["steps"][1]["evidence"]
    quiz.pop("success")
    quiz["min_scaled"] = 0.8
    user = new_user(app, "bo")
    enrol(app, tenant, user, publish(app, tenant, data))
    bo = account(registered.issuer, "bo")
    lrs.post(said(bo, COMPLETED, QUIZ + "1", score={"scaled": 0.79}))
    assert done_steps(app, tenant, user) == set()
    lrs.post(said(bo, COMPLETED, QUIZ + "2", score={"scaled": 0.8}))
    assert done_steps(app, tenant, user) == {"quiz"}
