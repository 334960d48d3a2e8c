"""The pull connector against an LRS played by ``responses``: ``since`` + ``more`` paging, the
cursor committed per page, resuming, backoff, and what is skipped."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import responses
from flask import Flask

from lti_tool.core.signals import statements_recorded
from tests.integration.launch_helpers import launch
from tests.integration.xapi_helpers import Lrs, statement, stored_count, tenant_id
from tests.integration.xapi_lrs_helpers import (
    ENDPOINT,
    NO_SLEEP,
    STATEMENTS,
    FakeLrs,
    connection,
)
from tests.support.platform import TestPlatform
from xapi import actors, pulling
from xapi.lrs_client import Backoff


def _pull(app: Flask, connection_id: int, **options: Any) -> pulling.Progress:
    options.setdefault("backoff", Backoff(attempts=2, sleep=NO_SLEEP))
    with app.app_context():
        return pulling.pull(connection_id, **options)


def _ids_in(lrs: Lrs) -> list[str]:
    return sorted(s["id"] for s in lrs.all_pages())


def test_a_pull_follows_more_links_and_stores_every_statement_once(
    app: Flask, fake: FakeLrs, connection_id: int, lrs: Lrs
) -> None:
    sent = fake.add(5)
    progress = _pull(app, connection_id)
    assert (progress.pages, progress.received, progress.new) == (3, 5, 5)
    assert progress.finished and progress.skipped == 0
    assert _ids_in(lrs) == sorted(s["id"] for s in sent)
    assert fake.queries[0] == {"ascending": "true", "limit": "2", "attachments": "true"}


def test_pulling_again_asks_since_the_newest_stored_and_stores_nothing_twice(
    app: Flask, fake: FakeLrs, connection_id: int
) -> None:
    first = fake.add(3)
    _pull(app, connection_id)
    assert _pull(app, connection_id).new == 0
    assert fake.queries[-1]["since"] == first[-1]["stored"]
    fake.add(2)
    assert _pull(app, connection_id).new == 2
    assert stored_count(app) == 5


def test_a_pull_of_statements_already_here_is_a_no_op(
    app: Flask, fake: FakeLrs, connection_id: int, lrs: Lrs
) -> None:
    sent = fake.add(3)
    lrs.post([{k: v for k, v in s.items() if k not in ("stored", "authority")} for s in sent])
    progress = _pull(app, connection_id)
    assert (progress.received, progress.new, progress.skipped) == (3, 0, 0)
    assert stored_count(app) == 3


def test_an_lrs_that_ignores_ascending_still_moves_the_cursor_to_the_newest_statement(
    app: Flask, mock: responses.RequestsMock, connection_id: int
) -> None:
    fake = FakeLrs(mock, ignores_ascending=True)
    sent = fake.add(5)
    assert _pull(app, connection_id).new == 5
    saved = connection(app, connection_id)
    assert saved.pull_since is not None and saved.pull_more is None
    assert saved.pull_since.isoformat().startswith(sent[-1]["stored"][:23])


def test_consistent_through_before_the_newest_statement_holds_the_cursor_back(
    app: Flask, mock: responses.RequestsMock, connection_id: int
) -> None:
    fake = FakeLrs(mock, consistent_through="2026-01-01T00:00:02Z")
    fake.add(3)
    _pull(app, connection_id)
    saved = connection(app, connection_id)
    assert saved.pull_since is not None
    assert saved.pull_since.isoformat() == "2026-01-01T00:00:02+00:00"


def test_each_page_is_committed_and_announced_so_a_failed_pull_resumes_after_it(
    app: Flask, fake: FakeLrs, connection_id: int, lrs: Lrs
) -> None:
    sent = fake.add(5)
    heard: list[list[str]] = []

    def receiver(tenant: int, statement_ids: list[str], **_: Any) -> None:
        heard.append(statement_ids)

    def lrs_goes_away(progress: pulling.Progress) -> None:
        fake.failing = requests.ConnectionError("connection refused")

    with statements_recorded.connected_to(receiver), pytest.raises(pulling.PullFailed) as failed:
        _pull(app, connection_id, on_page=lrs_goes_away)
    assert failed.value.progress.pages == 1
    assert [sorted(ids) for ids in heard] == [sorted(s["id"] for s in sent[:2])]
    assert stored_count(app) == 2
    saved = connection(app, connection_id)
    assert saved.pull_more and "offset=2" in saved.pull_more
    assert saved.last_pull_error and "could not reach the LRS" in saved.last_pull_error
    fake.failing = None
    asked_before = len(fake.queries)
    assert _pull(app, connection_id).new == 3
    assert fake.queries[asked_before]["offset"] == "2"  # resumed, not started over
    assert _ids_in(lrs) == sorted(s["id"] for s in sent)
    assert connection(app, connection_id).last_pull_error is None


def test_a_saved_more_link_the_lrs_no_longer_knows_restarts_the_walk_from_since(
    app: Flask, fake: FakeLrs, connection_id: int, lrs: Lrs
) -> None:
    sent = fake.add(4)
    _pull(app, connection_id, max_pages=1)
    fake.forget_links()
    asked_before = len(fake.queries)
    progress = _pull(app, connection_id)
    assert "offset" in fake.queries[asked_before]  # the saved link: 404
    assert "offset" not in fake.queries[asked_before + 1]  # so: from the start again
    assert (progress.received, progress.new) == (4, 2)
    assert _ids_in(lrs) == sorted(s["id"] for s in sent)


def test_a_more_link_that_loops_stops_the_pull_with_an_error_after_storing_its_page(
    app: Flask, mock: responses.RequestsMock, connection_id: int
) -> None:
    authority = {"mbox": "mailto:lrs@example.org"}
    pages = [statement(stored=f"2026-01-01T00:00:0{n}Z", authority=authority) for n in (1, 2)]
    for page in pages:
        mock.add(
            responses.GET, STATEMENTS, json={"statements": [page], "more": "/xapi/statements?p=2"}
        )
    with pytest.raises(pulling.PullFailed, match="twice: its paging loops"):
        _pull(app, connection_id)
    assert stored_count(app) == 2


def test_malformed_json_fails_the_pull_cleanly_and_keeps_the_cursor(
    app: Flask, mock: responses.RequestsMock, connection_id: int
) -> None:
    mock.add(responses.GET, STATEMENTS, body='{"statements": [', content_type="application/json")
    with pytest.raises(pulling.PullFailed, match="not valid JSON"):
        _pull(app, connection_id)
    saved = connection(app, connection_id)
    assert saved.pull_since is None and saved.pull_more is None
    assert saved.last_pull_error and "not valid JSON" in saved.last_pull_error
    assert stored_count(app) == 0


def test_a_429_is_waited_out_and_the_pull_goes_on(
    app: Flask, mock: responses.RequestsMock, connection_id: int
) -> None:
    mock.add(responses.GET, STATEMENTS, status=429, headers={"Retry-After": "3"})
    fake = FakeLrs(mock)
    fake.add(1)
    slept: list[float] = []
    assert _pull(app, connection_id, backoff=Backoff(sleep=slept.append)).new == 1
    assert slept == [3.0]


def test_invalid_statements_are_skipped_and_reported_and_the_rest_is_stored(
    app: Flask, fake: FakeLrs, connection_id: int
) -> None:
    good = fake.add(2)
    bad = fake.add(1, actor={"mbox": "ada@example.edu"})
    progress = _pull(app, connection_id)
    assert (progress.new, progress.skipped) == (2, 1)
    problem = progress.problems[0]
    assert problem.position == f"page 2, statements[0] (id {bad[0]['id']})"
    assert problem.reason == 'actor.mbox: must start with "mailto:"'
    assert stored_count(app) == len(good)
    assert connection(app, connection_id).pull_since is not None  # not blocked by it


def test_a_statement_whose_id_holds_other_content_here_is_skipped(
    app: Flask, fake: FakeLrs, connection_id: int, lrs: Lrs
) -> None:
    sent = fake.add(2)
    changed = {k: v for k, v in sent[0].items() if k not in ("stored", "authority")}
    changed["verb"] = {"id": "http://adlnet.gov/expapi/verbs/failed"}
    assert lrs.post(changed).status_code == 200
    progress = _pull(app, connection_id)
    assert (progress.new, progress.skipped) == (1, 1)
    assert progress.problems[0].reason == "id: is already used by a different statement"


def test_pulled_statements_belong_to_the_connections_tenant_and_map_to_its_people(
    app: Flask,
    fake: FakeLrs,
    connection_id: int,
    lrs: Lrs,
    other_tenants_lrs: Lrs,
    registered: TestPlatform,
) -> None:
    launch(app.test_client(), registered, sub="p-7")
    sent = fake.add(1, actor={"account": {"homePage": registered.issuer, "name": "p-7"}})
    _pull(app, connection_id)
    assert len(lrs.all_pages()) == 1 and other_tenants_lrs.all_pages() == []
    with app.app_context():
        assert actors.users_of(tenant_id(app), [sent[0]["id"]])[sent[0]["id"]] is not None


def test_a_pull_stops_at_max_pages_and_the_next_one_goes_on(
    app: Flask, fake: FakeLrs, connection_id: int
) -> None:
    fake.add(5)
    first = _pull(app, connection_id, max_pages=2)
    assert (first.pages, first.new, first.finished) == (2, 4, False)
    second = _pull(app, connection_id)
    assert (second.pages, second.new, second.finished) == (1, 1, True)


def test_the_connections_credentials_and_version_go_with_every_request(
    app: Flask, fake: FakeLrs, mock: responses.RequestsMock, connection_id: int
) -> None:
    fake.add(3)
    _pull(app, connection_id)
    for call in mock.calls:
        assert call.request.headers["X-Experience-API-Version"] == "1.0.3"
        assert call.request.headers["Authorization"] == "Basic bHJzLWtleTpscnMtc2VjcmV0"
        assert (call.request.url or "").startswith(ENDPOINT)
