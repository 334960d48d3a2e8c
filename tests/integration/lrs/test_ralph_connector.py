"""Pulling from a real Ralph LRS: every statement stored once, nothing new the second time,
a pull cut off by Ralph stopping resumes after its last committed page, and statements with
attachments come without their data (Ralph 5.1 holds none, and answers attachments=true with
plain JSON)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.integration.lrs.ralph import PASSWORD, USER, Ralph
from tests.integration.xapi_attachment_helpers import attachment
from tests.integration.xapi_helpers import Lrs, statement, stored_count
from tests.integration.xapi_lrs_helpers import NO_SLEEP, add_connection, connection
from xapi import pulling
from xapi.lrs_client import Backoff


def _seed(ralph: Ralph, count: int) -> list[str]:
    """Statements as an LMS sends them to Ralph (no timestamp: Ralph stamps them)."""
    sent = [statement(timestamp=None) for _ in range(count)]
    ralph.post(sent)
    return [s["id"] for s in sent]


def _connect(app: Flask, ralph: Ralph) -> int:
    app.config["XAPI_PULL_PAGE_SIZE"] = 3
    return add_connection(app, endpoint=ralph.endpoint, key=USER, secret=PASSWORD)


def _pull(app: Flask, connection_id: int, **options: Any) -> pulling.Progress:
    with app.app_context():
        return pulling.pull(connection_id, backoff=Backoff(attempts=2, sleep=NO_SLEEP), **options)


def test_a_pull_from_ralph_stores_each_statement_once_and_again_finds_nothing_new(
    app: Flask, ralph: Ralph, lrs: Lrs
) -> None:
    seeded = _seed(ralph, 8)
    connection_id = _connect(app, ralph)
    first = _pull(app, connection_id)
    assert (first.received, first.new, first.skipped, first.finished) == (8, 8, 0, True)
    assert first.pages >= 3
    assert sorted(s["id"] for s in lrs.all_pages()) == sorted(seeded)
    assert _pull(app, connection_id).new == 0
    later = _seed(ralph, 2)
    assert _pull(app, connection_id).new == 2
    assert sorted(s["id"] for s in lrs.all_pages()) == sorted(seeded + later)
    assert stored_count(app) == 10


def test_a_pull_cut_off_by_ralph_stopping_resumes_when_ralph_is_back(
    app: Flask, ralph: Ralph, lrs: Lrs
) -> None:
    seeded = _seed(ralph, 8)
    connection_id = _connect(app, ralph)

    def stop_after_the_first_page(progress: pulling.Progress) -> None:
        if progress.pages == 1:
            ralph.stop()

    with pytest.raises(pulling.PullFailed, match="could not reach the LRS") as failed:
        _pull(app, connection_id, on_page=stop_after_the_first_page)
    assert failed.value.progress.new == 3 and stored_count(app) == 3
    saved = connection(app, connection_id)
    assert saved.pull_more is not None and saved.last_pull_error is not None
    ralph.start()
    resumed = _pull(app, connection_id)
    assert (resumed.new, resumed.finished) == (5, True)
    assert sorted(s["id"] for s in lrs.all_pages()) == sorted(seeded)  # each exactly once
    assert stored_count(app) == 8
    assert connection(app, connection_id).last_pull_error is None


def test_ralph_answers_attachments_true_with_json_and_the_report_counts_what_lacks_data(
    app: Flask, ralph: Ralph, lrs: Lrs
) -> None:
    data = b"a certificate of completion"
    with_data = statement(timestamp=None, attachments=[attachment(data)])
    linked = statement(
        timestamp=None, attachments=[attachment(data, fileUrl="https://example.com/c.pdf")]
    )
    ralph.post([with_data, linked, statement(timestamp=None)])  # Ralph takes JSON only
    progress = _pull(app, _connect(app, ralph))
    assert (progress.new, progress.skipped, progress.attachments) == (3, 0, 0)
    assert progress.without_data == 1  # the fileUrl one needs no data
    assert progress.notes == [  # Ralph did not refuse attachments=true: no fall-back note
        "1 statement(s) stored without the attachment data they name: the LRS did not send "
        "it (it answered attachments=true with plain JSON)"
    ]
    kept = lrs.get(statementId=with_data["id"]).get_json()
    assert kept["attachments"] == with_data["attachments"]
