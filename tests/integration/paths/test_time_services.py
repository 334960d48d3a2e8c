"""Protected learning time: logged by the learner, from LearnLoop activity, per week."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from lti_tool.core.db import commit_or_rollback
from lti_tool.paths.services import FieldErrors, NotFound
from lti_tool.paths.services import time as learning_time
from tests.integration.paths.engine_helpers import enrol, new_user, publish, tenant_of
from tests.support.platform import TestPlatform

WEDNESDAY = dt.date(2026, 11, 25)
NOON = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)


def test_the_week_adds_logged_and_learnloop_time_by_source_against_the_goal(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    user = new_user(app, "ada")
    enrol(app, tenant, user, publish(app, tenant))
    with app.app_context(), commit_or_rollback():
        learning_time.log_time(tenant, user, 25, WEDNESDAY, "Read up on refunds", WEDNESDAY)
        learning_time.log_time(tenant, user, 15, dt.date(2026, 11, 23), "", WEDNESDAY)  # Monday
        learning_time.log_time(tenant, user, 40, dt.date(2026, 11, 22), "", WEDNESDAY)  # Sunday
        assert learning_time.log_learnloop_time(tenant, user, "slot:7", 30, NOON)
        assert not learning_time.log_learnloop_time(tenant, user, "slot:7", 30, NOON)
    with app.app_context():
        week = learning_time.week(tenant, user, WEDNESDAY)
    assert week.start == dt.date(2026, 11, 23)
    assert week.minutes_by_source == {"self": 40, "learnloop": 30}
    assert (week.minutes, week.goal) == (70, 60)


@pytest.mark.parametrize(
    ("minutes", "day", "note", "field"),
    [
        (0, WEDNESDAY, "", "minutes"),
        (481, WEDNESDAY, "", "minutes"),
        ("30", WEDNESDAY, "", "minutes"),
        (30, dt.date(2026, 11, 26), "", "occurred_on"),
        (30, dt.date(2026, 10, 1), "", "occurred_on"),
        (30, WEDNESDAY, "x" * 501, "note"),
    ],
)
def test_bad_time_entries_are_refused_by_field(
    app: Flask, registered: TestPlatform, minutes: object, day: dt.date, note: str, field: str
) -> None:
    tenant = tenant_of(app)
    user = new_user(app, "ada")
    with app.app_context(), pytest.raises(FieldErrors) as refused:
        learning_time.log_time(tenant, user, minutes, day, note, WEDNESDAY)  # type: ignore[arg-type]
    assert [e.field for e in refused.value.errors] == [field]
    with app.app_context():
        assert learning_time.week(tenant, user, WEDNESDAY).minutes == 0


def test_time_belongs_to_its_tenant(app: Flask, registered: TestPlatform) -> None:
    tenant, other = tenant_of(app), tenant_of(app, "dep-2")
    user = new_user(app, "ada")
    with app.app_context(), commit_or_rollback():
        learning_time.log_time(tenant, user, 20, WEDNESDAY, "", WEDNESDAY)
    with app.app_context():
        assert learning_time.week(other, user, WEDNESDAY).minutes == 0
        assert learning_time.week(tenant, user, WEDNESDAY).goal is None  # on no path
        with pytest.raises(NotFound):
            learning_time.log_time(tenant, 10_000, 20, WEDNESDAY, "", WEDNESDAY)
