"""Enrolment by launch (LTI custom parameter ``role``, or a placed path link) and a graded
path's progress going to the LMS gradebook (AGS)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select

from lti_tool.core.db import commit_or_rollback, db
from lti_tool.lti.services import dispatch
from lti_tool.lti.services.models import ScoreDelivery
from lti_tool.paths.models import Enrolment
from lti_tool.paths.services import enrolment
from tests.integration.launch_helpers import launch
from tests.integration.lti_services.helpers import LINEITEM, ags
from tests.integration.paths.engine_helpers import (
    BOOK,
    COMPLETED,
    account,
    definition,
    done_steps,
    new_user,
    publish,
    said,
    summary,
    tenant_of,
    user_id,
)
from tests.integration.xapi_helpers import Lrs
from tests.support.platform import CLAIM, TestPlatform

CUSTOM = CLAIM + "custom"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


@dataclass
class FakeLaunch:
    tenant_id: int
    user_id: int
    custom: dict[str, str] = field(default_factory=dict)
    resource_link_id: str | None = "link-1"


@contextmanager
def counted_queries(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _enrolment(app: Flask, tenant: int, user: int) -> Enrolment | None:
    with app.app_context():
        return enrolment.enrolment_of(tenant, user)


def _from_launch(app: Flask, launch_: FakeLaunch) -> tuple[bool, int]:
    """Run the receiver as a launch would; whether it enrolled, and how many queries it took."""
    with app.app_context(), commit_or_rollback(), counted_queries(app) as seen:
        changed = enrolment.enrol_from_launch(launch_)
    dispatch.wait_for_background(app)
    return changed, len(seen)


def test_a_launch_without_a_role_or_path_costs_the_enrolment_nothing(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    publish(app, tenant)
    user = new_user(app, "ada")
    assert _from_launch(app, FakeLaunch(tenant, user)) == (False, 0)
    other = FakeLaunch(tenant, user, {"learnloop_item": "card:3"})
    assert _from_launch(app, other) == (False, 0)


def test_a_launch_naming_a_role_enrols_in_one_statement_and_then_in_none(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    path = publish(app, tenant)
    user = new_user(app, "ada")
    named = FakeLaunch(tenant, user, {"role": "support"})
    assert _from_launch(app, named) == (True, 1)
    found = _enrolment(app, tenant, user)
    assert found is not None
    assert (found.path_id, found.chosen_by, found.resource_link_id) == (path, "launch", "link-1")
    assert found.weekly_goal_minutes == 60
    assert _from_launch(app, named) == (False, 0)  # this worker saw this launch lately


def test_a_role_that_is_unknown_or_of_another_tenant_enrols_nobody(
    app: Flask, registered: TestPlatform
) -> None:
    tenant, other = tenant_of(app), tenant_of(app, "dep-2")
    publish(app, other)  # "support" exists only in dep-2
    user = new_user(app, "ada")
    assert _from_launch(app, FakeLaunch(tenant, user, {"role": "support"})) == (False, 1)
    assert _from_launch(app, FakeLaunch(tenant, user, {"role": "nobody"})) == (False, 1)
    assert _enrolment(app, tenant, user) is None


def test_a_launch_naming_another_role_moves_the_learner_and_keeps_their_evidence(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    support = publish(app, tenant)
    lead = publish(app, tenant, definition(role={"key": "lead", "name": "Team lead"}))
    user = new_user(app, "ada")
    _from_launch(app, FakeLaunch(tenant, user, {"role": "support"}))
    lrs.post(said(account(registered.issuer, "ada"), COMPLETED, BOOK))
    with app.app_context(), commit_or_rollback():
        enrolment.choose_branch(tenant, user, "specialist")
    assert _from_launch(app, FakeLaunch(tenant, user, {"role": "lead"}))[0]
    moved = _enrolment(app, tenant, user)
    assert moved is not None and (moved.path_id, moved.branch) == (lead, None)
    assert done_steps(app, tenant, user) == {"read-kb"}  # recomputed on the new path
    assert _from_launch(app, FakeLaunch(tenant, user, {"role": "support"}))[0]
    assert summary(app, tenant, user).path_id == support
    assert done_steps(app, tenant, user) == {"read-kb"}


def test_a_placed_path_link_enrols_a_newcomer_but_never_moves_an_enrolled_learner(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    support = publish(app, tenant)
    lead = publish(app, tenant, definition(role={"key": "lead", "name": "Team lead"}))
    newcomer, enrolled = new_user(app, "new"), new_user(app, "old")
    placed = {"learnloop_item": f"path:{support}"}
    assert _from_launch(app, FakeLaunch(tenant, newcomer, placed, "graded-link"))[0]
    found = _enrolment(app, tenant, newcomer)
    assert found is not None and (found.path_id, found.resource_link_id) == (support, "graded-link")
    _from_launch(app, FakeLaunch(tenant, enrolled, {"role": "lead"}))
    assert not _from_launch(app, FakeLaunch(tenant, enrolled, placed, "graded-link"))[0]
    kept = _enrolment(app, tenant, enrolled)
    assert kept is not None and (kept.path_id, kept.resource_link_id) == (lead, "link-1")


def test_a_placed_link_of_another_tenants_path_enrols_nobody(
    app: Flask, registered: TestPlatform
) -> None:
    tenant, other = tenant_of(app), tenant_of(app, "dep-2")
    theirs = publish(app, other)
    user = new_user(app, "ada")
    assert not _from_launch(app, FakeLaunch(tenant, user, {"learnloop_item": f"path:{theirs}"}))[0]
    assert _enrolment(app, tenant, user) is None


@pytest.fixture
def no_score_delivery(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths jobs run in the background as usual; the AGS delivery job is only recorded."""
    started: list[str] = []
    real = dispatch._in_background

    def start(app: Flask, name: str, args: tuple[Any, ...]) -> None:
        if name.startswith("paths."):
            real(app, name, args)
        else:
            started.append(name)

    monkeypatch.setattr(dispatch, "_in_background", start)
    return started


def test_a_graded_path_sends_the_learners_progress_to_the_gradebook_of_their_link(
    app: Flask, lrs: Lrs, registered: TestPlatform, no_score_delivery: list[str]
) -> None:
    tenant = tenant_of(app)
    publish(app, tenant, definition(graded=True))
    response = launch(
        app.test_client(),
        registered,
        sub="ada",
        **{CUSTOM: {"role": "support"}, AGS_CLAIM: ags(lineitem=LINEITEM)},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    dispatch.wait_for_background(app)
    lrs.post(said(account(registered.issuer, "ada"), COMPLETED, BOOK))
    dispatch.wait_for_background(app)
    with app.app_context():
        scores = list(db.session.scalars(select(ScoreDelivery).order_by(ScoreDelivery.id)))
    assert [(s.score_given, s.score_maximum, s.activity_progress) for s in scores] == [
        (0.0, 100.0, "InProgress"),  # enrolled: the recompute sent where they stand
        (25.0, 100.0, "InProgress"),  # one of core and advanced's four steps
    ]
    assert all(s.user_id == user_id(app, "ada") for s in scores)
    assert "lti.deliver_scores" in no_score_delivery


def test_an_ungraded_path_sends_no_score(
    app: Flask, lrs: Lrs, registered: TestPlatform, no_score_delivery: list[str]
) -> None:
    tenant = tenant_of(app)
    publish(app, tenant)
    launch(
        app.test_client(),
        registered,
        sub="ada",
        **{CUSTOM: {"role": "support"}, AGS_CLAIM: ags(lineitem=LINEITEM)},
    )
    dispatch.wait_for_background(app)
    lrs.post(said(account(registered.issuer, "ada"), COMPLETED, BOOK))
    with app.app_context():
        assert db.session.scalars(select(ScoreDelivery)).all() == []
