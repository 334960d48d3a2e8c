"""Service jobs start after the commit that asks for them — never before it, never after a
rollback — once per commit, and without Redis in a background thread that a burst of commits
does not multiply."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from celery import shared_task
from flask import Flask

from lti_tool.core.db import db
from lti_tool.lti.services import dispatch

RUNS: list[tuple[Any, ...]] = []
GATE = threading.Event()


@shared_task(name="tests.record_run")
def record_run(*args: Any) -> None:
    GATE.wait(5)
    RUNS.append(args)


@pytest.fixture(autouse=True)
def _clean() -> None:
    RUNS.clear()
    GATE.set()


def test_a_job_starts_after_the_commit_once_however_often_it_was_asked_for(app: Flask) -> None:
    with app.app_context():
        dispatch.after_commit("tests.record_run", 1)
        dispatch.after_commit("tests.record_run", 1)
        dispatch.after_commit("tests.record_run", 2)
        assert RUNS == []
        db.session.commit()
        dispatch.wait_for_background()
    assert sorted(RUNS) == [(1,), (2,)]


def test_a_rolled_back_transaction_starts_no_job(app: Flask) -> None:
    with app.app_context():
        dispatch.after_commit("tests.record_run", 1)
        db.session.rollback()
        db.session.commit()
        dispatch.wait_for_background()
    assert RUNS == []


def test_commits_while_the_job_runs_make_one_more_run_not_one_each(app: Flask) -> None:
    GATE.clear()
    with app.app_context():
        for _ in range(5):
            dispatch.after_commit("tests.record_run", "burst")
            db.session.commit()
        GATE.set()
        dispatch.wait_for_background()
    assert RUNS == [("burst",), ("burst",)]


def test_with_a_broker_the_job_is_sent_to_it(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    celery = app.extensions["celery"]
    sent: list[tuple[str, list[Any]]] = []
    monkeypatch.setitem(celery.conf, "task_always_eager", False)
    monkeypatch.setattr(celery, "send_task", lambda name, args: sent.append((name, args)))
    with app.app_context():
        dispatch.after_commit("lti.deliver_scores")
        db.session.commit()
    assert sent == [("lti.deliver_scores", [])]
