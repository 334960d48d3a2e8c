"""The launch stays as fast as it was: a worker that has seen a link's AGS claim and its course's
NRPS claim spends no database round trip on them at the next launch."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from lti_tool.core.db import db
from tests.integration.lti_services.helpers import LINEITEM, ags, launch_with, nrps
from tests.support.platform import TestPlatform

OURS = ("lti_ags_endpoint", "lti_roster_source", "lti_score_delivery")


@contextmanager
def _statements(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_repeated_launch_with_service_claims_costs_no_query_of_ours(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    claims = {"ags_claim": ags(lineitem=LINEITEM), "nrps_claim": nrps()}
    with _statements(app) as first:
        launch_with(client, registered, **claims)  # type: ignore[arg-type]
    assert any(t in s for s in first for t in OURS)
    with _statements(app) as again:
        launch_with(app.test_client(), registered, sub="learner-2", **claims)  # type: ignore[arg-type]
    assert [s for s in again if any(t in s for t in OURS)] == []


def test_a_launch_without_service_claims_costs_nothing_at_all(
    app: Flask, client: FlaskClient, registered: TestPlatform, jobs: list
) -> None:
    with _statements(app) as seen:
        launch_with(client, registered)
    assert [s for s in seen if any(t in s for t in OURS)] == []
