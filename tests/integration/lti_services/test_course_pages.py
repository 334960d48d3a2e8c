"""The instructor's course pages: the roster (with roles and last activity) and the grades still
on their way to the LMS — for instructors of that course and tenant only, changes only with the
page token, in English and Dutch, inside an LMS iframe."""

from __future__ import annotations

import datetime as dt

import responses
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool.core.db import commit_or_rollback, db, utcnow
from lti_tool.lti.services.grades import post_score
from lti_tool.lti.services.models import RosterSource, ScoreDelivery
from tests.integration.lti_services.helpers import (
    LINEITEM,
    ags,
    launch_with,
    nrps,
    tenant_id,
    user_id,
)
from tests.support.platform import INSTRUCTOR, TestPlatform

NO_PLATFORM = {"https://purl.imsglobal.org/spec/lti/claim/tool_platform": None}


def _teacher(
    client: FlaskClient, platform: TestPlatform, deployment: str = "dep-1", **kw: object
) -> str:
    return launch_with(
        client,
        platform,
        sub=f"teacher-{deployment}",
        roles=(INSTRUCTOR,),
        deployment_id=deployment,
        nrps_claim=nrps(),
        ags_claim=ags(lineitem=LINEITEM),
        **kw,  # type: ignore[arg-type]
    )


def _waiting_score(
    app: Flask, sub: str, deployment: str = "dep-1", error: str = "the platform answered 500"
) -> None:
    tenant, user = tenant_id(app, deployment), user_id(app, sub)
    with app.app_context(), commit_or_rollback():
        delivery_id = post_score(tenant, user, "link-1", 4, 5, "Completed", "FullyGraded")
        row = db.session.get(ScoreDelivery, delivery_id)
        assert row is not None
        row.attempts, row.last_error = 2, error
        row.next_attempt_at = utcnow() + dt.timedelta(hours=1)


def test_a_learner_cannot_open_the_instructor_pages(
    client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    token = launch_with(client, registered, sub="learner")
    for page in ("/course/roster", "/course/grades"):
        assert client.get(page, query_string={"lt": token}).status_code == 403
    assert client.post("/course/roster/sync", data={"lt": token}).status_code == 403


def test_the_roster_shows_people_with_roles_and_last_activity(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    launch_with(
        app.test_client(), registered, sub="learner", name="Grace Hopper", nrps_claim=nrps()
    )
    token = _teacher(client, registered)
    response = client.get("/course/roster", query_string={"lt": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Grace Hopper" in page and "Learner" in page and "Instructor" in page
    assert "Not synced yet." in page and "Sync the roster now" in page
    assert 'scope="col"' in page and 'role="status"' in page
    assert "X-Frame-Options" not in response.headers  # shown inside the LMS's iframe


def test_the_roster_page_speaks_dutch(
    client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    token = _teacher(client, registered, locale="nl")
    page = client.get("/course/roster", query_string={"lt": token}).get_data(as_text=True)
    assert "Nog niet gesynchroniseerd." in page and "Deelnemerslijst" in page


def test_an_instructor_asks_for_a_sync_with_the_page_token_only(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    token = _teacher(client, registered)
    jobs.clear()
    assert client.post("/course/roster/sync").status_code == 401  # the session cookie alone
    assert jobs == []
    response = client.post("/course/roster/sync", data={"lt": token})
    assert response.status_code == 303 and "sync=asked" in response.headers["Location"]
    with app.app_context():
        source = db.session.scalars(select(RosterSource)).one()
        assert jobs == [("lti.sync_roster", (source.id,))]
        assert source.requested_at is not None


def test_a_course_without_a_roster_service_says_so(
    client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    token = launch_with(client, registered, sub="teacher", roles=(INSTRUCTOR,))
    page = client.get("/course/roster", query_string={"lt": token}).get_data(as_text=True)
    assert "has not offered this course's roster" in page
    response = client.post("/course/roster/sync", data={"lt": token})
    assert response.status_code == 409
    assert "Names and Role Provisioning" in response.get_data(as_text=True)


def test_the_grades_page_lists_what_waits_and_why(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    token = _teacher(client, registered, **NO_PLATFORM)
    launch_with(
        app.test_client(),
        registered,
        sub="learner",
        name="Ada Lovelace",
        ags_claim=ags(lineitem=LINEITEM),
        **NO_PLATFORM,
    )
    _waiting_score(app, "learner")
    page = client.get("/course/grades", query_string={"lt": token}).get_data(as_text=True)
    assert "Ada Lovelace" in page and "the platform answered 500" in page
    assert "1 grade is waiting to be sent." in page


def test_try_again_makes_the_waiting_grades_due_now(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    token = _teacher(client, registered, **NO_PLATFORM)
    launch_with(
        app.test_client(),
        registered,
        sub="learner",
        ags_claim=ags(lineitem=LINEITEM),
        **NO_PLATFORM,
    )
    _waiting_score(app, "learner")
    jobs.clear()
    with responses.RequestsMock():  # nothing is sent by the page itself
        response = client.post("/course/grades/retry", data={"lt": token})
    assert response.status_code == 303
    assert jobs == [("lti.deliver_scores", ())]
    with app.app_context():
        row = db.session.scalars(select(ScoreDelivery)).one()
        assert row.next_attempt_at <= utcnow()


def test_each_tenant_sees_and_changes_only_its_own_course(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    own = _teacher(client, registered, "dep-1", **NO_PLATFORM)
    launch_with(
        app.test_client(),
        registered,
        sub="ours",
        name="Our Learner",
        deployment_id="dep-1",
        ags_claim=ags(lineitem=LINEITEM),
        **NO_PLATFORM,
    )
    _waiting_score(app, "ours", "dep-1", error="only dep-1 sees this")
    other_client = app.test_client()
    other = _teacher(
        other_client, registered, "dep-2", **NO_PLATFORM
    )  # same course id, other tenant
    for page in ("/course/roster", "/course/grades"):
        html = other_client.get(page, query_string={"lt": other}).get_data(as_text=True)
        assert "Our Learner" not in html and "only dep-1 sees this" not in html
    other_client.post("/course/grades/retry", data={"lt": other})
    other_client.post("/course/roster/sync", data={"lt": other})
    with app.app_context():
        waiting = db.session.scalars(select(ScoreDelivery)).one()
        assert waiting.next_attempt_at > utcnow()  # dep-2's retry did not touch dep-1's grade
        sources = {s.tenant_id: s.requested_at for s in db.session.scalars(select(RosterSource))}
    assert set(sources) == {tenant_id(app, "dep-1"), tenant_id(app, "dep-2")}
    html = client.get("/course/grades", query_string={"lt": own}).get_data(as_text=True)
    assert "only dep-1 sees this" in html
