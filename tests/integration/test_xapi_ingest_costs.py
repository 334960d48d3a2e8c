"""What a POST costs the database once actors are known, and that the shortcuts behind it lose
nothing: actors still get mapped, voiding stays within its tenant."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from lti_tool.core.db import db
from lti_tool.lti import xapi_actors
from tests.integration.launch_helpers import launch
from tests.integration.xapi_helpers import Lrs, statement, tenant_id, voiding
from tests.support.platform import TestPlatform
from xapi import actors
from xapi.tasks import statements_recorded as statements_recorded_job


@contextmanager
def sql_seen(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app sends while inside (an executemany counts once)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _account(platform: TestPlatform, sub: str) -> dict[str, Any]:
    return {"account": {"homePage": platform.issuer, "name": sub}}


def test_a_batch_whose_actors_were_all_looked_up_before_costs_no_query_on_actors(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    people = [_account(registered, f"p-{n}") for n in range(5)]
    assert lrs.post([statement(actor=person) for person in people]).status_code == 200
    with sql_seen(app) as seen:
        response = lrs.post([statement(actor=person) for person in people * 4])
    assert response.status_code == 200
    assert [sql for sql in seen if "xapi_actor" in sql] == []
    assert sum(sql.startswith("INSERT INTO xapi_statement") for sql in seen) == 1


def test_new_actors_are_looked_up_with_a_few_queries_however_many_there_are(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    launch(app.test_client(), registered, sub="p-3")
    with sql_seen(app) as seen:
        lrs.post([statement(actor=_account(registered, f"p-{n}")) for n in range(40)])
    on_users = [sql for sql in seen if "FROM lti_user" in sql]
    on_actors = [sql for sql in seen if "xapi_actor " in sql or sql.endswith("xapi_actor")]
    assert len(on_users) == 1
    assert len(on_actors) <= 3  # noted, which are unchecked, the answers
    owners = _owners(app, lrs)
    assert sum(owner is not None for owner in owners.values()) == 1


def _owners(app: Flask, lrs: Lrs) -> dict[str, int | None]:
    ids = [s["id"] for s in lrs.all_pages()]
    with app.app_context():
        return actors.users_of(tenant_id(app), ids)


@pytest.mark.parametrize("process", ["the one that recorded them", "another one"])
def test_the_job_maps_actors_whose_lookup_failed_when_their_statements_were_recorded(
    app: Flask,
    lrs: Lrs,
    registered: TestPlatform,
    monkeypatch: pytest.MonkeyPatch,
    process: str,
) -> None:
    launch(app.test_client(), registered, sub="f-1")
    sent = statement(actor=_account(registered, "f-1"))
    with monkeypatch.context() as broken:
        broken.setattr(xapi_actors._Matcher, "match_all", _fail)
        assert lrs.post(sent).status_code == 200  # stored all the same
    assert _owners(app, lrs) == {sent["id"]: None}
    if process == "another one":
        app.extensions.pop("xapi.known_actor_keys")
    with app.app_context():
        statements_recorded_job.delay(tenant_id(app), [sent["id"]]).get()
    assert _owners(app, lrs) != {sent["id"]: None}


def _fail(*_: Any) -> None:
    raise RuntimeError("the identity side failed for a moment")


def test_a_voiding_statement_of_another_tenant_voids_nothing_here(
    lrs: Lrs, other_tenants_lrs: Lrs
) -> None:
    target = statement()
    assert other_tenants_lrs.post(voiding(target["id"])).status_code == 200
    assert lrs.post(target).status_code == 200
    assert lrs.get(statementId=target["id"]).status_code == 200
    assert lrs.get(voidedStatementId=target["id"]).status_code == 404
