"""The emitter: LearnLoop's statements go to the outbox in the event's own transaction, valid
by our validator; a launch emits "launched" with the person as an account of the platform."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from lti_tool.core.db import commit_or_rollback, db
from lti_tool.lti.xapi_statements import LAUNCHED
from tests.integration.launch_helpers import launch
from tests.integration.xapi_helpers import AGENT, VERB, Lrs, statement, tenant_id
from tests.integration.xapi_lrs_helpers import add_connection
from tests.support.platform import CLAIM, TestPlatform
from xapi import actors, connections, emitter
from xapi.models import Delivery, OutboxStatement
from xapi.validation import StatementInvalid, validate_statement


def _outbox(app: Flask) -> list[dict[str, Any]]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxStatement.statement).order_by(OutboxStatement.id))
        return [json.loads(row) for row in rows]


def _deliveries(app: Flask) -> list[tuple[int, int]]:
    with app.app_context():
        rows = db.session.execute(select(Delivery.outbox_id, Delivery.connection_id))
        return sorted(tuple(row) for row in rows)  # type: ignore[misc]


def _emit(app: Flask, deployment_id: str = "dep-1", **properties: Any) -> str:
    tenant = tenant_id(app, deployment_id)
    with app.app_context(), commit_or_rollback():
        return emitter.emit(tenant, statement(id=None, **properties))


def test_emit_fixes_id_and_timestamp_and_queues_one_delivery_per_sending_connection(
    app: Flask, registered: TestPlatform
) -> None:
    sending = [add_connection(app, send=True), add_connection(app, send=True, pull=False)]
    add_connection(app)  # pulls only: gets nothing
    statement_id = _emit(app)
    [queued] = _outbox(app)
    assert queued["id"] == statement_id and queued["timestamp"].endswith("Z")
    assert queued["actor"] == AGENT and queued["verb"] == VERB
    assert [connection for _, connection in _deliveries(app)] == sending


def test_the_outbox_row_is_part_of_the_events_transaction(
    app: Flask, registered: TestPlatform
) -> None:
    add_connection(app, send=True)
    tenant = tenant_id(app)
    with app.app_context(), pytest.raises(RuntimeError), commit_or_rollback():
        emitter.emit(tenant, statement())
        raise RuntimeError("the event failed after emitting")
    assert _outbox(app) == [] and _deliveries(app) == []


def test_an_invalid_statement_is_refused_and_nothing_is_queued(
    app: Flask, registered: TestPlatform
) -> None:
    add_connection(app, send=True)
    tenant = tenant_id(app)
    with app.app_context(), pytest.raises(StatementInvalid, match=r"actor\.mbox"):
        emitter.emit(tenant, statement(actor={"mbox": "ada@example.edu"}))
    assert _outbox(app) == []


def test_a_statement_valid_only_in_2_0_is_refused_since_either_lrs_may_get_it(
    app: Flask, registered: TestPlatform
) -> None:
    agents = [{"objectType": "ContextAgent", "agent": AGENT}]
    tenant = tenant_id(app)
    with app.app_context(), pytest.raises(StatementInvalid, match="contextAgents"):
        emitter.emit(tenant, statement(context={"contextAgents": agents}))


def test_a_tenant_without_a_sending_connection_queues_nothing(
    app: Flask, registered: TestPlatform
) -> None:
    add_connection(app, "dep-2", send=True)  # another tenant's
    disabled = add_connection(app, send=True)
    tenant = tenant_id(app)
    with app.app_context(), commit_or_rollback():
        assert connections.set_enabled(tenant, disabled, False)
    _emit(app)
    assert _outbox(app) == []


def test_a_launch_emits_launched_with_the_person_as_an_account_of_the_platform(
    app: Flask, registered: TestPlatform
) -> None:
    add_connection(app, send=True)
    launch(app.test_client(), registered, sub="learner-9")
    [launched] = _outbox(app)
    for rules in ("1.0.3", "2.0.0"):
        validate_statement(launched, rules)
    assert launched["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": registered.issuer, "name": "learner-9"},
    }
    assert launched["verb"] == LAUNCHED
    assert launched["object"]["id"].endswith("/resource-link/link-1")
    [course] = launched["context"]["contextActivities"]["parent"]
    assert course["id"].endswith("/context/course-1")
    assert course["definition"]["name"] == {"und": "Onboarding"}
    assert "name" not in launched["actor"] and "mbox" not in launched["actor"]


def test_the_launched_statement_maps_back_to_the_person_when_read_by_a_listener(
    app: Flask, registered: TestPlatform, lrs: Lrs
) -> None:
    add_connection(app, send=True)
    launch(app.test_client(), registered, sub="learner-9")
    [launched] = _outbox(app)
    assert lrs.post(launched).status_code == 200
    with app.app_context():
        user = actors.users_of(tenant_id(app), [launched["id"]])[launched["id"]]
    assert user is not None


def test_a_launch_in_a_tenant_without_a_sending_connection_emits_nothing(
    app: Flask, registered: TestPlatform
) -> None:
    add_connection(app, "dep-2", send=True)
    launch(app.test_client(), registered)
    assert _outbox(app) == []


def test_a_deep_linking_launch_is_no_launched_statement(
    app: Flask, registered: TestPlatform
) -> None:
    add_connection(app, send=True)
    settings = {
        "deep_link_return_url": registered.issuer + "/dl",
        "accept_types": ["ltiResourceLink"],
    }
    launch(
        app.test_client(),
        registered,
        **{
            CLAIM + "message_type": "LtiDeepLinkingRequest",
            CLAIM + "resource_link": None,
            "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": settings,
        },
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxStatement)) == 0
