"""Course rosters from the platform (LTI NRPS 2.0): a sync asked for at a launch when stale,
following ``Link: rel="next"``, recording joins, leaves and role changes — and changing nothing
when the platform fails."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests
import responses
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool.core.db import commit_or_rollback, db, utcnow
from lti_tool.lti.models import Membership, User
from lti_tool.lti.services import roster
from lti_tool.lti.services.models import MembershipChange, RosterSource
from lti_tool.lti.tasks import sync_rosters
from tests.integration.lti_services.helpers import (
    MEMBERSHIPS,
    TOKEN_URL,
    launch_with,
    nrps,
    token_body,
)
from tests.support.platform import INSTRUCTOR, LEARNER, TestPlatform

FIRST_PAGE = MEMBERSHIPS + "?limit=2"
SECOND_PAGE = MEMBERSHIPS + "?limit=2&page=2"


def _member(sub: str, *roles: str, status: str = "Active", **extra: Any) -> dict[str, Any]:
    return {"user_id": sub, "roles": list(roles or (LEARNER,)), "status": status, **extra}


def _pages(rsps: responses.RequestsMock, *pages: list[dict[str, Any]]) -> None:
    urls = [FIRST_PAGE] + [f"{MEMBERSHIPS}?limit=2&page={n}" for n in range(2, len(pages) + 1)]
    for n, members in enumerate(pages):
        headers = {"Link": f'<{urls[n + 1]}>; rel="next"'} if n + 1 < len(pages) else {}
        rsps.get(urls[n], json={"id": MEMBERSHIPS, "members": members}, headers=headers)


@pytest.fixture
def course(client: FlaskClient, registered: TestPlatform, jobs: list) -> int:
    """An instructor launched with the NRPS claim; the roster source's id."""
    launch_with(client, registered, sub="teacher", roles=(INSTRUCTOR,), nrps_claim=nrps())
    return _source(registered)


def _source(_: object) -> int:
    return db.session.scalars(select(RosterSource.id)).one()


def _sync(app: Flask, source_id: int) -> roster.Outcome:
    return roster.sync(source_id, http=requests.Session())


def _members(app: Flask) -> dict[str, tuple[list[str], bool, str]]:
    """sub → (roles, has left, source)."""
    rows = db.session.execute(select(User.sub, Membership).join(Membership)).all()
    return {sub: (m.roles, m.has_left, m.source) for sub, m in rows}


def _changes(app: Flask) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(User.sub, MembershipChange.kind)
        .join(MembershipChange, MembershipChange.user_id == User.id)
        .order_by(MembershipChange.id)
    ).all()
    return [(sub, kind) for sub, kind in rows]


@pytest.fixture(autouse=True)
def _app_context(app: Flask):  # type: ignore[no-untyped-def]
    with app.app_context():
        yield


def test_a_launch_with_the_nrps_claim_asks_for_a_first_sync_once(
    app: Flask, client: FlaskClient, course: int, registered: TestPlatform, jobs: list
) -> None:
    assert jobs == [("lti.sync_roster", (course,))]
    app.extensions.pop("learnloop.caches", None)  # another worker: the request is in the row
    launch_with(app.test_client(), registered, sub="learner", nrps_claim=nrps())
    assert jobs == [("lti.sync_roster", (course,))]
    source = db.session.get(RosterSource, course)
    assert source is not None and source.memberships_url == MEMBERSHIPS


def test_a_fresh_roster_is_not_synced_at_a_launch(
    app: Flask, course: int, registered: TestPlatform, jobs: list
) -> None:
    with commit_or_rollback():
        source = db.session.get(RosterSource, course)
        assert source is not None
        source.synced_at, source.requested_at = utcnow(), None
    app.extensions.pop("learnloop.caches", None)
    launch_with(app.test_client(), registered, sub="learner", nrps_claim=nrps())
    assert len(jobs) == 1  # only the first launch's


def test_no_sync_at_launches_when_the_maximum_age_is_zero(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    app.config["LTI_ROSTER_MAX_AGE"] = 0
    launch_with(client, registered, sub="teacher", roles=(INSTRUCTOR,), nrps_claim=nrps())
    assert jobs == []
    assert db.session.scalars(select(RosterSource)).one().requested_at is None


def test_a_sync_reads_every_page_and_adds_the_people_who_never_launched(
    app: Flask, course: int
) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        _pages(
            rsps,
            [_member("teacher", INSTRUCTOR), _member("ada", name="Ada L.", email="ada@x.org")],
            [_member("bob"), _member("carol", status="Inactive")],
            [_member("dan")],
        )
        outcome = _sync(app, course)
        token_scopes = rsps.calls[0].request.body
    assert (outcome.status, outcome.joined, outcome.members) == ("synced", 3, 4)
    members = _members(app)
    assert set(members) == {"teacher", "ada", "bob", "dan"}
    assert members["ada"] == ([LEARNER], False, "roster")
    assert members["teacher"][2] == "launch"
    ada = db.session.scalars(select(User).where(User.sub == "ada")).one()
    assert (ada.name, ada.email) == ("Ada L.", "ada@x.org")
    assert "contextmembership.readonly" in token_scopes
    source = db.session.get(RosterSource, course)
    assert source is not None and source.synced_at is not None and source.requested_at is None
    assert source.member_count == 4


def test_a_later_sync_records_joins_leaves_and_role_changes(app: Flask, course: int) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        _pages(rsps, [_member("teacher", INSTRUCTOR), _member("ada")], [_member("bob")])
        _sync(app, course)
    with responses.RequestsMock() as rsps:
        _pages(rsps, [_member("teacher", INSTRUCTOR), _member("ada", INSTRUCTOR)], [_member("eve")])
        outcome = _sync(app, course)
    assert (outcome.joined, outcome.left, outcome.roles_changed) == (1, 1, 1)
    members = _members(app)
    assert members["bob"][1] is True and members["eve"][1] is False
    assert members["ada"][0] == [INSTRUCTOR]
    assert _changes(app)[-3:] == [("ada", "roles"), ("eve", "joined"), ("bob", "left")]


def test_running_the_same_sync_again_changes_nothing(app: Flask, course: int) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        _pages(rsps, [_member("teacher", INSTRUCTOR), _member("ada")])
        _sync(app, course)
        before = _changes(app)
        outcome = _sync(app, course)
    assert (outcome.joined, outcome.left, outcome.roles_changed) == (0, 0, 0)
    assert _changes(app) == before


def test_someone_who_left_is_back_when_listed_or_when_they_launch(
    app: Flask, course: int, registered: TestPlatform
) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        _pages(rsps, [_member("teacher", INSTRUCTOR)])  # the learner below is not listed
        launch_with(app.test_client(), registered, sub="late", nrps_claim=nrps())
        _sync(app, course)
    assert _members(app)["late"][1] is True
    launch_with(app.test_client(), registered, sub="late", nrps_claim=nrps())
    assert _members(app)["late"][1] is False


def test_members_of_another_deployment_are_ignored(app: Flask, course: int) -> None:
    claim = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        _pages(
            rsps,
            [
                _member("teacher", INSTRUCTOR),
                _member("other", message=[{claim: "dep-2"}]),
                _member("ours", message=[{claim: "dep-1"}]),
            ],
        )
        _sync(app, course)
    assert set(_members(app)) == {"teacher", "ours"}


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        ({"status": 500, "body": "boom"}, "answered 500"),
        ({"status": 429, "headers": {"Retry-After": "900"}}, "answered 429"),
        ({"status": 401, "json": {"error": "no"}}, "answered 401"),
        ({"status": 403, "body": "NRPS is off"}, "answered 403"),
        ({"body": "<html>", "content_type": "text/html"}, "not JSON"),
        ({"json": {"id": MEMBERSHIPS}}, "members array"),
        ({"body": requests.exceptions.ReadTimeout()}, "no answer within"),
    ],
)
def test_a_failing_platform_changes_no_membership_and_the_sync_is_retried_later(
    app: Flask, course: int, answer: dict, fragment: str
) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(TOKEN_URL, json=token_body("second"))  # after a 401
        rsps.get(
            FIRST_PAGE,
            json={"members": [_member("teacher", INSTRUCTOR), _member("ada")]},
            headers={"Link": f'<{SECOND_PAGE}>; rel="next"'},
        )
        rsps.get(SECOND_PAGE, **answer)
        before = _members(app)
        outcome = _sync(app, course)
    assert outcome.status == "failed" and fragment in (outcome.error or "")
    assert _members(app) == before  # ada, on a page that was read, did not join either
    source = db.session.get(RosterSource, course)
    assert source is not None and fragment in (source.last_error or "")
    assert source.synced_at is None and source.running_until is None
    wait = 900 if "Retry-After" in answer.get("headers", {}) else 300
    assert source.next_attempt_at >= utcnow() + dt.timedelta(seconds=wait - 5)
    assert roster.due_sources(utcnow()) == []
    assert roster.due_sources(source.next_attempt_at) == [course]


def test_the_scheduled_job_retries_due_syncs(app: Flask, course: int) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        _pages(rsps, [_member("teacher", INSTRUCTOR), _member("ada")])
        assert sync_rosters.run() == {str(course): "synced"}
        assert sync_rosters.run() == {}


def test_one_sync_per_course_runs_at_a_time(app: Flask, course: int) -> None:
    with commit_or_rollback():
        source = db.session.get(RosterSource, course)
        assert source is not None
        source.running_until = utcnow() + dt.timedelta(minutes=5)
    assert _sync(app, course).status == "busy"


def test_a_roster_whose_pages_never_end_is_refused(app: Flask, course: int) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.get(FIRST_PAGE, json={"members": []}, headers={"Link": f'<{FIRST_PAGE}>; rel="next"'})
        outcome = _sync(app, course)
    assert outcome.status == "failed" and "do not end" in (outcome.error or "")
