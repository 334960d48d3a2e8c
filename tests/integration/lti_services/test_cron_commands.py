"""``learnloop lti deliver-scores`` and ``sync-rosters``: the jobs for cron where no Celery beat
runs (an install without Redis), doing what the scheduled jobs do."""

from __future__ import annotations

import json

import responses
from click.testing import CliRunner, Result
from flask import Flask
from flask.cli import ScriptInfo

from lti_tool.cli import main
from tests.integration.lti_services.helpers import TOKEN_URL, token_body
from tests.integration.lti_services.test_ags_scores import SCORES, _post, _rows, graded
from tests.support.platform import TestPlatform

__all__ = ["graded"]  # the fixture, shared with the AGS tests


def run(app: Flask, *args: str) -> Result:
    return CliRunner().invoke(main, ["lti", *args], obj=ScriptInfo(create_app=lambda: app))


def test_deliver_scores_sends_what_waits_and_says_how_much(
    app: Flask, graded: TestPlatform
) -> None:
    _post(app, 4, activity="Completed")
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(SCORES, status=200)
        result = run(app, "deliver-scores")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"sent": 1, "waiting": 0}
    [row] = _rows(app)
    assert row.sent_at is not None
    again = run(app, "deliver-scores")  # nothing left: nothing sent twice
    assert json.loads(again.output) == {"sent": 0, "waiting": 0}


def test_a_platform_that_fails_leaves_the_score_waiting(app: Flask, graded: TestPlatform) -> None:
    _post(app, 4, activity="Completed")
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        rsps.post(SCORES, status=503)
        result = run(app, "deliver-scores")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"sent": 0, "waiting": 1}
    [row] = _rows(app)
    assert row.sent_at is None and row.last_error


def test_sync_rosters_with_nothing_due_syncs_nothing(app: Flask) -> None:
    result = run(app, "sync-rosters")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {}
