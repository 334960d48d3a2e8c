"""Scores to the LMS gradebook (LTI AGS 2.0): recorded from the launch's claim, written to the
outbox by ``post_score`` and delivered by the job — through every way the platform can fail,
with nothing lost and nothing sent twice."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import requests
import responses
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool.core.db import commit_or_rollback, db, utcnow
from lti_tool.lti.services import delivery
from lti_tool.lti.services.delivery import _claim, deliver_due
from lti_tool.lti.services.grades import InvalidScore, post_score
from lti_tool.lti.services.models import AgsEndpoint, ScoreDelivery
from tests.integration.lti_services.helpers import (
    LINEITEM,
    LINEITEMS,
    TOKEN_URL,
    ags,
    launch_with,
    tenant_id,
    token_body,
    user_id,
)
from tests.support.platform import CLAIM, TestPlatform

SCORES = LINEITEM + "/scores"
CANVAS = {CLAIM + "tool_platform": {"product_family_code": "canvas"}}
GENERIC = {CLAIM + "tool_platform": None}


def _post(app: Flask, given: float | None = 3, sub: str = "learner-1", **kwargs: Any) -> int | None:
    options = {"maximum": 5.0, "activity": "InProgress", "grading": "FullyGraded", **kwargs}
    link = options.pop("link", "link-1")
    deployment = options.pop("deployment", "dep-1")
    tenant, user = tenant_id(app, deployment), user_id(app, sub)
    with app.app_context(), commit_or_rollback():
        return post_score(
            tenant,
            user,
            link,
            given,
            options.pop("maximum"),
            options.pop("activity"),
            options.pop("grading"),
            **options,
        )


def _deliver(app: Flask, at: dt.datetime | None = None) -> delivery.Report:
    with app.app_context():
        return deliver_due(clock=(lambda: at) if at else utcnow, http=requests.Session())


def _rows(app: Flask) -> list[ScoreDelivery]:
    with app.app_context():
        return list(db.session.scalars(select(ScoreDelivery).order_by(ScoreDelivery.id)))


def _bodies(rsps: responses.RequestsMock, url: str = SCORES) -> list[dict[str, Any]]:
    return [json.loads(c.request.body) for c in rsps.calls if c.request.url == url]


@pytest.fixture
def graded(client: FlaskClient, registered: TestPlatform, jobs: list) -> TestPlatform:
    """learner-1 launched link-1, whose claim names its line item (Moodle, the default)."""
    launch_with(client, registered, ags_claim=ags(lineitem=LINEITEM), **GENERIC)
    return registered


# -- the launch records the graded link -------------------------------------------------------


def test_a_launch_with_the_ags_claim_records_its_graded_link(
    app: Flask, graded: TestPlatform
) -> None:
    with app.app_context():
        endpoint = db.session.scalars(select(AgsEndpoint)).one()
        assert (endpoint.resource_link_id, endpoint.tenant_id) == ("link-1", tenant_id(app))
        assert endpoint.lineitems_url == LINEITEMS
        assert endpoint.line_item_url == endpoint.lineitem_url == LINEITEM
        assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in endpoint.scopes


def test_another_launch_with_the_same_claim_writes_nothing(
    app: Flask, client: FlaskClient, graded: TestPlatform
) -> None:
    with app.app_context():
        before = db.session.scalars(select(AgsEndpoint.updated_at)).one()
    app.extensions.pop("learnloop.caches", None)  # even a worker that never saw it
    launch_with(
        app.test_client(), graded, sub="learner-2", ags_claim=ags(lineitem=LINEITEM), **GENERIC
    )
    with app.app_context():
        assert db.session.scalars(select(AgsEndpoint.updated_at)).one() == before


def test_a_changed_claim_rewrites_the_graded_link(
    app: Flask, client: FlaskClient, graded: TestPlatform
) -> None:
    moved = LINEITEMS + "/8"
    launch_with(client, graded, ags_claim=ags(lineitem=moved), **GENERIC)
    with app.app_context():
        assert db.session.scalars(select(AgsEndpoint.line_item_url)).one() == moved


def test_a_launch_without_a_usable_claim_records_no_graded_link(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    launch_with(client, registered, ags_claim={"scope": "not a list", "lineitems": LINEITEMS})
    launch_with(client, registered, ags_claim={"scope": [], "lineitems": 42})
    with app.app_context():
        assert db.session.scalars(select(AgsEndpoint)).all() == []
    assert _post(app) is None  # nothing to grade


# -- post_score -------------------------------------------------------------------------------


def test_posting_a_score_writes_the_outbox_and_asks_for_the_job_after_the_commit(
    app: Flask, graded: TestPlatform, jobs: list
) -> None:
    assert _post(app) is not None
    assert jobs == [("lti.deliver_scores", ())]
    [row] = _rows(app)
    assert (row.score_given, row.score_maximum, row.sent_at) == (3.0, 5.0, None)


def test_posting_the_same_score_again_adds_nothing(app: Flask, graded: TestPlatform) -> None:
    assert _post(app) == _post(app)
    assert len(_rows(app)) == 1


def test_a_score_that_breaks_the_spec_is_refused_and_nothing_is_written(
    app: Flask, graded: TestPlatform
) -> None:
    for bad in (
        {"given": -1},
        {"maximum": 0},
        {"activity": "Finished"},
        {"grading": "Done"},
        {"given": float("nan")},
    ):
        options = {"given": 3, **bad}
        with pytest.raises(InvalidScore):
            _post(app, options.pop("given"), **options)
    assert _rows(app) == []


def test_a_score_for_someone_outside_the_course_is_refused(
    app: Flask, client: FlaskClient, graded: TestPlatform
) -> None:
    launch_with(app.test_client(), graded, sub="elsewhere", context_id="course-2")
    with pytest.raises(InvalidScore, match="not in the course"):
        _post(app, sub="elsewhere")


def test_another_tenants_link_is_not_graded_here(
    app: Flask, client: FlaskClient, graded: TestPlatform
) -> None:
    launch_with(app.test_client(), graded, sub="learner-1", deployment_id="dep-2")
    assert _post(app, deployment="dep-2") is None


# -- delivery ---------------------------------------------------------------------------------


def test_the_job_sends_the_score_to_the_claims_line_item(app: Flask, graded: TestPlatform) -> None:
    _post(app, 4, activity="Completed", comment="Well done")
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(SCORES, status=200)
        report = _deliver(app)
        [body] = _bodies(rsps)
        score_call = next(c for c in rsps.calls if c.request.url == SCORES)
    assert report.sent == 1
    assert score_call.request.headers["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
    assert body["userId"] == "learner-1"
    assert (body["scoreGiven"], body["scoreMaximum"]) == (4, 5)
    assert (body["activityProgress"], body["gradingProgress"]) == ("Completed", "FullyGraded")
    assert body["comment"] == "Well done"
    assert dt.datetime.fromisoformat(body["timestamp"]).utcoffset() == dt.timedelta(0)
    [row] = _rows(app)
    assert row.sent_at is not None and row.last_error is None


def test_running_the_job_again_sends_nothing_twice(app: Flask, graded: TestPlatform) -> None:
    _post(app)
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(SCORES, status=200)
        _deliver(app)
        _deliver(app)
        assert len(_bodies(rsps)) == 1


def test_a_score_being_sent_is_not_claimed_by_another_worker(
    app: Flask, graded: TestPlatform
) -> None:
    _post(app)
    with app.app_context():
        assert len(_claim(utcnow())) == 1
        assert _claim(utcnow()) == []  # leased
        assert len(_claim(utcnow() + delivery.LEASE + dt.timedelta(seconds=1))) == 1


def test_only_the_newest_waiting_score_of_a_learner_is_sent(
    app: Flask, graded: TestPlatform
) -> None:
    for given in (1, 2, 3):
        _post(app, given)
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(SCORES, status=200)
        report = _deliver(app)
        assert [b["scoreGiven"] for b in _bodies(rsps)] == [3]
    assert report.sent == 1
    assert [r.superseded_at is not None for r in _rows(app)] == [True, True, False]


def test_a_link_without_a_line_item_finds_its_own_on_a_later_page(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    launch_with(client, registered, ags_claim=ags(lineitem=None), **GENERIC)
    _post(app)
    found = LINEITEMS + "/31"
    page_2 = LINEITEMS + "?page=2"
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.get(
            LINEITEMS,
            match=[responses.matchers.query_param_matcher({"resource_link_id": "link-1"})],
            json=[{"id": LINEITEMS + "/30", "resourceLinkId": "another-link"}],
            headers={"link": f'<{page_2}>; rel="NEXT"'},
        )
        rsps.get(page_2, json=[{"id": found, "resourceLinkId": "link-1", "scoreMaximum": 5}])
        rsps.post(found + "/scores", status=204)
        assert _deliver(app).sent == 1
    _post(app, 4)
    with responses.RequestsMock() as rsps:  # found once, kept: no second lookup
        rsps.post(found + "/scores", status=200)
        assert _deliver(app).sent == 1


def test_a_link_without_a_line_item_gets_one_created_once(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    launch_with(
        client,
        registered,
        ags_claim=ags(lineitem=None, lineitems=LINEITEMS + "?type_id=3"),
        **{CLAIM + "resource_link": {"id": "link-1", "title": "Onboarding path"}},
        **GENERIC,
    )
    _post(app, maximum=10.0)
    created = LINEITEMS + "/40?type_id=3"
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.get(LINEITEMS, json=[])
        rsps.post(LINEITEMS, status=201, json={"id": created, "scoreMaximum": 10})
        rsps.post(LINEITEMS + "/40/scores", status=200)
        _deliver(app)
        lookup = rsps.calls[1].request
        new_item = json.loads(
            next(
                c.request.body
                for c in rsps.calls
                if c.request.method == "POST" and c.request.url.startswith(LINEITEMS + "?")
            )
        )
        score_url = rsps.calls[-1].request.url
    assert "type_id=3" in lookup.url and "resource_link_id=link-1" in lookup.url
    assert new_item == {
        "scoreMaximum": 10.0,
        "label": "Onboarding path",
        "resourceLinkId": "link-1",
        "tag": "learnloop",
    }
    assert score_url == LINEITEMS + "/40/scores?type_id=3"  # Moodle's query kept


@pytest.mark.parametrize(
    ("answer", "fragment", "at_least"),
    [
        ({"status": 500, "body": "boom"}, "answered 500", 60),
        ({"status": 502, "body": ""}, "answered 502", 60),
        ({"status": 429, "headers": {"Retry-After": "600"}}, "answered 429", 600),
        ({"body": requests.exceptions.ReadTimeout()}, "no answer within", 60),
        ({"body": requests.exceptions.ConnectionError()}, "could not reach", 60),
    ],
)
def test_a_busy_or_failing_platform_delays_the_score_and_it_is_sent_later(
    app: Flask, graded: TestPlatform, answer: dict, fragment: str, at_least: int
) -> None:
    _post(app)
    start = utcnow()
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(SCORES, **answer)
        report = _deliver(app, start)
    [row] = _rows(app)
    assert (report.sent, report.waiting) == (0, 1)
    assert row.sent_at is None and row.attempts == 1 and fragment in (row.last_error or "")
    assert row.next_attempt_at >= start + dt.timedelta(seconds=at_least)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        assert _deliver(app, start + dt.timedelta(seconds=at_least - 5)).sent == 0  # not yet
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(SCORES, status=200)
        assert _deliver(app, row.next_attempt_at).sent == 1
    [row] = _rows(app)
    assert row.sent_at is not None and row.last_error is None


def test_a_platform_down_for_one_score_holds_back_its_other_scores_in_that_run(
    app: Flask, client: FlaskClient, graded: TestPlatform
) -> None:
    launch_with(
        app.test_client(), graded, sub="learner-2", ags_claim=ags(lineitem=LINEITEM), **GENERIC
    )
    _post(app, sub="learner-1")
    _post(app, sub="learner-2")
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(SCORES, status=503)
        report = _deliver(app)
        assert len(_bodies(rsps)) == 1  # the second never went to a platform that is down
    assert report.waiting == 2
    assert all(r.attempts == 1 and r.sent_at is None for r in _rows(app))


def test_a_refused_token_is_renewed_and_the_score_sent(app: Flask, graded: TestPlatform) -> None:
    _post(app)
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body("old"))
        rsps.post(TOKEN_URL, json=token_body("new"))
        rsps.post(
            SCORES,
            status=401,
            match=[responses.matchers.header_matcher({"Authorization": "Bearer old"})],
        )
        rsps.post(
            SCORES,
            status=200,
            match=[responses.matchers.header_matcher({"Authorization": "Bearer new"})],
        )
        assert _deliver(app).sent == 1


def test_a_failing_token_endpoint_keeps_the_scores_waiting(
    app: Flask, graded: TestPlatform
) -> None:
    _post(app)
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, status=400, json={"error": "invalid_scope"})
        _deliver(app)
    [row] = _rows(app)
    assert row.sent_at is None and "invalid_scope" in (row.last_error or "")


def test_a_malformed_line_items_answer_keeps_the_scores_waiting_with_a_clear_error(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    launch_with(client, registered, ags_claim=ags(lineitem=None), **GENERIC)
    _post(app)
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.get(LINEITEMS, body="<html>Maintenance</html>", content_type="text/html")
        _deliver(app)
    [row] = _rows(app)
    assert row.sent_at is None and "not JSON" in (row.last_error or "")


def test_a_score_the_platform_refuses_waits_visibly_and_the_others_go_on(
    app: Flask, client: FlaskClient, graded: TestPlatform
) -> None:
    launch_with(
        app.test_client(), graded, sub="learner-2", ags_claim=ags(lineitem=LINEITEM), **GENERIC
    )
    _post(app, sub="learner-1")
    _post(app, sub="learner-2")
    refused = responses.matchers.json_params_matcher({"userId": "learner-1"}, strict_match=False)
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(SCORES, status=422, body="user is not gradable", match=[refused])
        rsps.post(SCORES, status=200)
        report = _deliver(app)
    assert (report.sent, report.waiting) == (1, 1)
    first, second = _rows(app)
    assert "422" in (first.last_error or "") and first.last_status == 422
    assert second.sent_at is not None


def test_a_409_is_answered_with_a_newer_timestamp_once(app: Flask, graded: TestPlatform) -> None:
    _post(app)
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(SCORES, status=409)
        rsps.post(SCORES, status=200)
        assert _deliver(app).sent == 1
        first, second = _bodies(rsps)
    assert second["timestamp"] > first["timestamp"]


def test_a_line_item_that_vanished_is_looked_for_again(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    launch_with(client, registered, ags_claim=ags(lineitem=None), **GENERIC)
    _post(app)
    gone, again = LINEITEMS + "/1", LINEITEMS + "/2"
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.get(LINEITEMS, json=[{"id": gone, "resourceLinkId": "link-1"}])
        rsps.post(gone + "/scores", status=404)
        _deliver(app)
    [row] = _rows(app)
    with responses.RequestsMock() as rsps:  # the token is still held
        rsps.get(LINEITEMS, json=[{"id": again, "resourceLinkId": "link-1"}])
        rsps.post(again + "/scores", status=200)
        assert _deliver(app, row.next_attempt_at).sent == 1


# -- what differs per LMS ---------------------------------------------------------------------


def test_moodle_gets_timestamps_a_whole_second_apart_and_no_score_before_it_is_graded(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    launch_with(client, registered, ags_claim=ags(lineitem=LINEITEM))  # tool_platform: moodle
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(SCORES, status=200)
        _post(app, 2, grading="Pending")
        _deliver(app)
        _post(app, 3)
        _deliver(app)
        first, second = _bodies(rsps)
        token_scopes = rsps.calls[0].request.body
    assert "scoreGiven" not in first and first["scoreMaximum"] == 5
    assert second["scoreGiven"] == 3
    one, two = (dt.datetime.fromisoformat(b["timestamp"]) for b in (first, second))
    assert int(two.timestamp()) >= int(one.timestamp()) + 1
    assert "lineitem.readonly" in token_scopes


def test_canvas_gets_the_submission_extension_without_a_new_attempt(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    launch_with(client, registered, ags_claim=ags(lineitem=LINEITEM), **CANVAS)
    _post(app, 5, activity="Completed")
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(SCORES, status=200)
        _deliver(app)
        [body] = _bodies(rsps)
    extension = body["https://canvas.instructure.com/lti/submission"]
    assert extension["new_submission"] is False and "submitted_at" in extension


def test_old_sent_scores_are_forgotten_but_each_learners_newest_stays(
    app: Flask, graded: TestPlatform
) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(SCORES, status=200)
        for given in (1, 2):
            _post(app, given)
            _deliver(app)
    later = utcnow() + delivery.KEEP + dt.timedelta(days=1)
    with app.app_context():
        assert delivery.purge(later) == 1
        assert delivery.purge(later) == 0
    assert [r.score_given for r in _rows(app)] == [2]
