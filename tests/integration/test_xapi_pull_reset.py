"""Resetting the pull cursor while a pull runs: the reset wins (``pull_generation``).

Each test interleaves two database sessions for real: the pull's, and the one that resets (as
the admin page or ``learnloop xapi reset-pull`` would), committed between the pull's pages,
while the pull waits for the LRS, or while the pull holds the row for its page's commit.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from lti_tool.core.db import commit_or_rollback
from tests.integration.xapi_helpers import Lrs, tenant_id
from tests.integration.xapi_lrs_helpers import NO_SLEEP, FakeLrs, connection
from xapi import connections, intake, pulling
from xapi.lrs_client import Backoff

WAIT = 10.0  # seconds; a test that waits this long has failed


def _pull(app: Flask, connection_id: int, **options: Any) -> pulling.Progress:
    with app.app_context():
        return pulling.pull(connection_id, backoff=Backoff(attempts=2, sleep=NO_SLEEP), **options)


def _reset(app: Flask, connection_id: int, since: dt.datetime | None) -> None:
    """Reset the cursor in a session of its own (a new app context), and commit."""
    with app.app_context(), commit_or_rollback():
        assert connections.reset_pull(tenant_id(app), connection_id, since)


def _instant(stored: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stored.replace("Z", "+00:00"))


def _ids_in(lrs: Lrs) -> list[str]:
    return sorted(s["id"] for s in lrs.all_pages())


def _in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """``work()`` started in a thread of its own; its result or exception lands in the dict."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # handed to the test, which raises it
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _result(thread: threading.Thread, outcome: dict[str, Any]) -> Any:
    thread.join(WAIT)
    assert not thread.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def test_a_reset_committed_between_pages_wins_and_the_pull_stops_without_its_next_page(
    app: Flask, fake: FakeLrs, connection_id: int, lrs: Lrs
) -> None:
    sent = fake.add(6)
    read_from = _instant(sent[3]["stored"])

    def reset_after_the_first_page(progress: pulling.Progress) -> None:
        if progress.pages == 1:
            assert connection(app, connection_id).pull_more is not None  # page 1 committed
            _reset(app, connection_id, read_from)

    progress = _pull(app, connection_id, on_page=reset_after_the_first_page)
    assert (progress.pages, progress.new, progress.reset, progress.finished) == (1, 2, True, False)
    assert progress.notes == [pulling.RESET]
    assert len(fake.queries) == 2  # page 2 was read, and not stored
    assert _ids_in(lrs) == sorted(s["id"] for s in sent[:2])
    saved = connection(app, connection_id)
    assert (saved.pull_since, saved.pull_more, saved.walk_high) == (read_from, None, None)
    assert saved.pull_generation == 1
    after = _pull(app, connection_id)
    assert fake.queries[2]["since"] == "2026-01-01T00:00:06.000000Z"  # sent[3]'s stored
    assert (after.new, after.finished, after.reset) == (2, True, False)
    assert _ids_in(lrs) == sorted(s["id"] for s in sent[:2] + sent[4:])


def test_a_reset_committed_while_the_pull_waits_for_the_lrs_wins(
    app: Flask, fake: FakeLrs, connection_id: int, lrs: Lrs
) -> None:
    sent = fake.add(4)
    asked, answer = threading.Event(), threading.Event()

    def hold_the_second_page(query: dict[str, str]) -> None:
        if "offset" in query:
            asked.set()
            assert answer.wait(WAIT)

    fake.before_answer = hold_the_second_page
    thread, outcome = _in_thread(lambda: _pull(app, connection_id))
    assert asked.wait(WAIT)
    _reset(app, connection_id, None)  # from the beginning, while page 2 is on its way
    answer.set()
    progress = _result(thread, outcome)
    assert (progress.pages, progress.new, progress.reset) == (1, 2, True)
    saved = connection(app, connection_id)
    assert (saved.pull_since, saved.pull_more) == (None, None)
    fake.before_answer = None
    after = _pull(app, connection_id)
    assert "since" not in fake.queries[-2] and "offset" not in fake.queries[-2]
    assert (after.received, after.new, after.finished) == (4, 2, True)
    assert _ids_in(lrs) == sorted(s["id"] for s in sent)


def test_a_reset_that_comes_while_a_page_commits_waits_for_it_and_still_wins(
    app: Flask,
    fake: FakeLrs,
    connection_id: int,
    lrs: Lrs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent = fake.add(4)
    storing, go_on, reset_done = threading.Event(), threading.Event(), threading.Event()
    take_in = intake.take_in

    def slow_take_in(*args: Any, **kwargs: Any) -> intake.Taken:
        taken = take_in(*args, **kwargs)  # the cursor is written, not yet committed
        if not storing.is_set():
            storing.set()
            assert go_on.wait(WAIT)
        return taken

    def after_the_commit(progress: pulling.Progress) -> None:
        assert reset_done.wait(WAIT)  # on SQLite, the pull could otherwise write page 2 first

    monkeypatch.setattr(intake, "take_in", slow_take_in)
    puller, pulled = _in_thread(lambda: _pull(app, connection_id, on_page=after_the_commit))
    assert storing.wait(WAIT)
    resetter, reset = _in_thread(lambda: _reset(app, connection_id, None))
    resetter.join(0.5)
    assert resetter.is_alive()  # it waits for the pull's write to the connection's row
    go_on.set()
    _result(resetter, reset)
    reset_done.set()
    progress = _result(puller, pulled)
    assert (progress.pages, progress.new, progress.reset) == (1, 2, True)
    assert _ids_in(lrs) == sorted(s["id"] for s in sent[:2])  # committed before the reset
    saved = connection(app, connection_id)
    assert (saved.pull_since, saved.pull_more, saved.pull_generation) == (None, None, 1)


def test_a_new_endpoint_during_a_pull_stops_it_as_a_reset_does(
    app: Flask, fake: FakeLrs, connection_id: int
) -> None:
    fake.add(4)
    moved = "https://lrs2.example.org/xapi/"

    def move_the_endpoint(progress: pulling.Progress) -> None:
        data = connections.ConnectionInput(moved, "", "", "1.0.3", "LRS")
        with app.app_context(), commit_or_rollback():
            assert connections.update(tenant_id(app), connection_id, data) is not None

    progress = _pull(app, connection_id, on_page=move_the_endpoint)
    assert (progress.pages, progress.reset) == (1, True)
    saved = connection(app, connection_id)
    assert (saved.endpoint, saved.pull_more, saved.pull_generation) == (moved, None, 1)


def test_a_pull_that_is_not_reset_keeps_the_generation_and_moves_the_cursor(
    app: Flask, fake: FakeLrs, connection_id: int
) -> None:
    sent = fake.add(3)
    progress = _pull(app, connection_id)
    assert (progress.new, progress.reset, progress.notes) == (3, False, [])
    saved = connection(app, connection_id)
    assert (saved.pull_since, saved.pull_generation) == (_instant(sent[-1]["stored"]), 0)
