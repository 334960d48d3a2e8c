"""Recomputes (a learner, a tenant) reach what the per-batch job reaches, change nothing when
run again, stay within their tenant; and the batch job does not depend on the order in which
``statements_recorded`` receivers run."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import delete, update

from lti_tool.core import signals
from lti_tool.core.db import commit_or_rollback, db
from lti_tool.lti import xapi_actors
from lti_tool.lti.services import dispatch
from lti_tool.paths import tasks
from lti_tool.paths.models import StepEvidence, TimeEntry
from tests.integration.launch_helpers import launch
from tests.integration.paths.engine_helpers import (
    BOOK,
    COMPLETED,
    COURSE_2,
    EXPERIENCED,
    QUIZ,
    account,
    done_steps,
    enrol,
    evidence_rows,
    new_user,
    publish,
    said,
    tenant_of,
    time_seconds,
)
from tests.integration.xapi_helpers import Lrs
from tests.support.platform import TestPlatform
from xapi import actors, events, keys
from xapi.models import Statement


def _everyone_busy(app: Flask, lrs: Lrs, issuer: str) -> tuple[int, list[int]]:
    tenant = tenant_of(app)
    path = publish(app, tenant)
    users = []
    for n in range(3):
        user = new_user(app, f"u{n}")
        enrol(app, tenant, user, path)
        users.append(user)
        actor = account(issuer, f"u{n}")
        lrs.post(
            [
                said(actor, COMPLETED, BOOK, duration=f"PT{n + 1}M"),
                said(actor, COMPLETED, QUIZ + str(n), success=n > 0),
                said(actor, COMPLETED, COURSE_2),
            ][: n + 1]
        )
    return tenant, users


def test_a_full_recompute_of_a_tenant_rebuilds_exactly_what_the_batches_built(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant, users = _everyone_busy(app, lrs, registered.issuer)
    built = sorted(evidence_rows(app))
    times = [time_seconds(app, user) for user in users]
    with app.app_context(), commit_or_rollback():
        db.session.execute(delete(StepEvidence))
        db.session.execute(delete(TimeEntry))
    with app.app_context():
        first = tasks.recompute_tenant.delay(tenant).get()
        again = tasks.recompute_tenant.delay(tenant).get()
    assert sorted(evidence_rows(app)) == built
    assert [time_seconds(app, user) for user in users] == times == [60, 120, 180]
    assert first == {"evidence": 6, "time": 3, "retracted": 0, "learners": 3}
    assert again == {"evidence": 0, "time": 0, "retracted": 0, "learners": 0}


def test_a_full_recompute_touches_no_other_tenant(
    app: Flask, lrs: Lrs, other_tenants_lrs: Lrs, registered: TestPlatform
) -> None:
    tenant, _ = _everyone_busy(app, lrs, registered.issuer)
    other = tenant_of(app, "dep-2")
    theirs = publish(app, other)
    someone = new_user(app, "them", "dep-2")
    enrol(app, other, someone, theirs)
    other_tenants_lrs.post(said(account(registered.issuer, "them"), COMPLETED, BOOK))
    with app.app_context(), commit_or_rollback():
        db.session.execute(delete(StepEvidence).where(StepEvidence.tenant_id == other))
    with app.app_context():
        tasks.recompute_tenant.delay(tenant).get()
    assert other not in {row[0] for row in evidence_rows(app)}
    with app.app_context():
        tasks.recompute_tenant.delay(other).get()
    assert done_steps(app, other, someone) == {"read-kb"}


def test_a_recompute_retracts_evidence_of_a_statement_voided_behind_its_back(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant, users = _everyone_busy(app, lrs, registered.issuer)
    with app.app_context(), commit_or_rollback():  # as if a voiding overtook its target's job
        db.session.execute(
            update(Statement).where(Statement.verb_id == COMPLETED).values(voided=True)
        )
    with app.app_context():
        changed = tasks.recompute_user.delay(tenant, users[2]).get()
    assert changed["retracted"] == 4  # three steps' evidence and one time entry
    assert done_steps(app, tenant, users[2]) == set()
    assert done_steps(app, tenant, users[1]) == {"read-kb", "quiz"}  # the others: untouched


def test_progress_counts_even_when_the_batch_job_runs_before_actors_are_looked_up(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    user = new_user(app, "early")
    enrol(app, tenant, user, publish(app, tenant))
    # Receivers run in no fixed order, and a worker may pick the job up before the identity
    # side has looked at the batch: here it never does, and the job must not care.
    signals.statements_recorded.disconnect(xapi_actors._on_statements_recorded)
    try:
        lrs.post(said(account(registered.issuer, "early"), EXPERIENCED, BOOK))
    finally:
        signals.statements_recorded.connect(xapi_actors._on_statements_recorded)
    assert done_steps(app, tenant, user) == {"read-kb"}


def test_the_progress_receiver_leaves_the_senders_session_open(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    user = new_user(app, "puller")
    enrol(app, tenant, user, publish(app, tenant))
    sent = said(account(registered.issuer, "puller"), COMPLETED, BOOK)
    signals.statements_recorded.disconnect(tasks._on_statements_recorded)
    try:
        lrs.post(sent)
    finally:
        signals.statements_recorded.connect(tasks._on_statements_recorded)
    with app.app_context():
        session = db.session
        events.announce(tenant, [sent["id"]])  # as a pull does after each page, then goes on
        assert db.session is session
    assert done_steps(app, tenant, user) == {"read-kb"}


def test_statements_attached_to_an_enrolled_learner_later_count_once_attached(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    """An address the learner's LMS shares only at a later launch, or an administrator's
    explicit mapping: their earlier statements count from then on (``actors_attached``)."""
    tenant = tenant_of(app)
    path = publish(app, tenant)
    later, mapped = new_user(app, "later"), new_user(app, "mapped")
    for user in (later, mapped):
        enrol(app, tenant, user, path)
    by_mail = {"objectType": "Agent", "mbox": "mailto:later@example.edu"}
    by_alias = {"objectType": "Agent", "account": {"homePage": "https://hr.example", "name": "m"}}
    assert (
        lrs.post([said(by_mail, COMPLETED, BOOK), said(by_alias, COMPLETED, BOOK)]).status_code
        == 200
    )
    assert done_steps(app, tenant, later) == set() and done_steps(app, tenant, mapped) == set()

    launch(app.test_client(), registered, sub="later", email="later@example.edu")
    with app.app_context():
        dispatch.wait_for_background(app)
    assert done_steps(app, tenant, later) == {"read-kb"}

    with app.app_context():
        with commit_or_rollback():
            actors.map_explicitly(tenant, keys.actor_key(by_alias) or "", mapped)
        dispatch.wait_for_background(app)
    assert done_steps(app, tenant, mapped) == {"read-kb"}
    assert done_steps(app, tenant, later) == {"read-kb"}  # nobody else touched
