"""What a POST costs the database once actors are known, and that the shortcuts behind it lose
nothing: actors still get mapped, voiding stays within its tenant."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select

from lti_tool.core import signals
from lti_tool.core.db import db
from lti_tool.lti import xapi_actors
from tests.integration.launch_helpers import launch
from tests.integration.xapi_attachment_helpers import BOUNDARY, attachment, multipart, part
from tests.integration.xapi_helpers import Lrs, statement, tenant_id, voiding
from tests.support.platform import TestPlatform
from xapi import actors, keys
from xapi.models import Actor
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
    assert len(on_actors) == 2  # which were looked at already; the new rows with their answers
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


@contextmanager
def _no_lookup_after_commit() -> Iterator[None]:
    """Without the identity side's second chance: what it answered while storing must do."""
    signals.statements_recorded.disconnect(xapi_actors._on_statements_recorded)
    try:
        yield
    finally:
        signals.statements_recorded.connect(xapi_actors._on_statements_recorded)


def test_a_new_actor_is_answered_in_the_transaction_that_stores_its_statement(
    app: Flask, lrs: Lrs, registered: TestPlatform, other_tenants_lrs: Lrs
) -> None:
    launch(app.test_client(), registered, sub="n-1")
    known = statement(actor=_account(registered, "n-1"))
    unknown = statement(actor=_account(registered, "nobody-launched-yet"))
    with _no_lookup_after_commit(), sql_seen(app) as seen:
        assert lrs.post([known, unknown]).status_code == 200
    assert [sql for sql in seen if "FROM lti_user" in sql] != []  # looked up while storing
    owners = _owners(app, lrs)
    assert owners[known["id"]] is not None
    assert owners[unknown["id"]] is None
    with app.app_context():  # both rows answered: nobody looks at them again
        assert actors.unchecked(tenant_id(app), [known["id"], unknown["id"]]) == []
    # The same person in another tenant of the registration is that tenant's row, answered there.
    with _no_lookup_after_commit():
        assert (
            other_tenants_lrs.post(statement(actor=_account(registered, "n-1"))).status_code == 200
        )
    with app.app_context():
        rows = db.session.execute(
            select(Actor.tenant_id, Actor.user_id).where(Actor.actor_key.like("%|n-1"))
        ).all()
    assert len(rows) == 2 and len({user for _, user in rows}) == 1


def test_an_actor_answered_in_a_transaction_that_rolls_back_is_not_settled(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    launch(app.test_client(), registered, sub="r-1")
    key = keys.actor_key(_account(registered, "r-1"))
    tenant = tenant_id(app)
    assert key is not None
    with app.app_context():
        actors.note(tenant, {"00000000-0000-4000-8000-000000000001": key})
        db.session.rollback()
        assert not actors.settled(tenant, key)
        assert db.session.scalar(select(Actor.id).where(Actor.actor_key == key)) is None
        actors.note(tenant, {"00000000-0000-4000-8000-000000000002": key})
        assert not actors.settled(tenant, key)  # written, not yet durable
        db.session.commit()
        assert actors.settled(tenant, key)
        assert db.session.scalar(select(Actor.user_id).where(Actor.actor_key == key)) is not None


postgresql_only = pytest.mark.skipif(
    not os.environ.get("LEARNLOOP_TEST_DATABASE_URL"),
    reason="the one-INSERT commit is PostgreSQL's; SQLite always stores in one transaction",
)


@postgresql_only
def test_a_single_statement_of_a_settled_actor_is_one_insert_that_commits_itself(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    person = _account(registered, "s-1")
    assert lrs.post(statement(actor=person)).status_code == 200  # the actor is settled now
    autocommit: list[bool] = []

    def note(conn: Any, *_: Any) -> None:
        autocommit.append(conn.connection.dbapi_connection.autocommit)

    sent = statement(actor=person)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        with sql_seen(app) as seen:
            assert lrs.post(sent).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert [sql.split(" (")[0] for sql in seen] == ["INSERT INTO xapi_statement"]
    assert autocommit == [True]
    assert lrs.get(statementId=sent["id"]).status_code == 200
    # The same again is a no-op, and the same id with other content is refused with nothing kept.
    assert lrs.post(sent).json == [sent["id"]]
    changed = {**sent, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    assert lrs.post(changed).status_code == 409
    assert lrs.get(statementId=sent["id"]).json["verb"] == sent["verb"]


@postgresql_only
@pytest.mark.parametrize(
    "which",
    ["a batch", "a new actor", "a voiding statement", "a team in its context", "data parts"],
)
def test_a_request_with_more_to_write_stays_one_transaction(
    app: Flask, lrs: Lrs, registered: TestPlatform, which: str
) -> None:
    person = _account(registered, "t-1")
    first = statement(actor=person)
    assert lrs.post(first).status_code == 200
    team = {"objectType": "Group", "member": [{"mbox": "mailto:t@example.edu"}]}
    body: Any = {
        "a batch": [statement(actor=person), statement(actor=person)],
        "a new actor": statement(actor=_account(registered, "t-2")),
        "a voiding statement": voiding(first["id"], actor=person),
        "a team in its context": statement(actor=person, context={"team": team}),
        "data parts": statement(actor=person),
    }[which]
    writes: list[bool] = []  # autocommit or not, for each statement that writes

    def note(conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if not sql.lstrip().startswith("SELECT"):  # a read may go first, outside (new actors)
            writes.append(conn.connection.dbapi_connection.autocommit)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        if which == "data parts":
            data = b"a checklist"
            body["attachments"] = [attachment(data)]
            content_type = f'multipart/mixed; boundary="{BOUNDARY}"'
            response = lrs.post(multipart(body, part(data)), **{"Content-Type": content_type})
        else:
            response = lrs.post(body)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert response.status_code == 200, response.json
    assert writes and not any(writes)


def test_an_actor_another_process_looked_at_costs_one_read_and_no_write(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    person = _account(registered, "o-1")
    assert lrs.post(statement(actor=person)).status_code == 200
    app.extensions.pop("xapi.known_actor_keys")  # as if another worker had stored that one
    with sql_seen(app) as seen:
        assert lrs.post(statement(actor=person)).status_code == 200
    on_actors = [sql for sql in seen if "xapi_actor" in sql]
    assert len(on_actors) == 1 and on_actors[0].startswith("SELECT")
    with sql_seen(app) as seen:  # and now this process knows
        assert lrs.post(statement(actor=person)).status_code == 200
    assert [sql for sql in seen if "xapi_actor" in sql] == []
