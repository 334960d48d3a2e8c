"""``learnloop xapi``: create-credential, revoke-credential and map-actor."""

from __future__ import annotations

import json

from click.testing import CliRunner, Result
from flask import Flask
from flask.cli import ScriptInfo

from lti_tool.cli import main
from tests.integration.launch_helpers import launch
from tests.integration.xapi_helpers import Lrs, statement, tenant_id
from tests.support.platform import TestPlatform
from xapi import actors
from xapi.credentials import NewCredential


def _run(app: Flask, *args: str) -> Result:
    return CliRunner().invoke(main, ["xapi", *args], obj=ScriptInfo(create_app=lambda: app))


def _tenant_args(platform: TestPlatform, deployment_id: str = "dep-1") -> list[str]:
    return [
        "--issuer",
        platform.issuer,
        "--client-id",
        platform.client_id,
        "--deployment-id",
        deployment_id,
    ]


def test_create_credential_prints_an_endpoint_key_and_secret_that_work(
    app: Flask, registered: TestPlatform
) -> None:
    result = _run(app, "create-credential", *_tenant_args(registered), "--label", "Ralph")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["endpoint"] == "http://127.0.0.1:5000/xapi/"
    assert printed["label"] == "Ralph"
    assert printed["tenant_id"] == tenant_id(app)
    lrs = Lrs(app.test_client(), NewCredential(0, 0, printed["key"], printed["secret"], ""))
    assert lrs.post(statement()).status_code == 200


def test_create_credential_for_an_unknown_deployment_fails_saying_why(
    app: Flask, registered: TestPlatform
) -> None:
    result = _run(app, "create-credential", *_tenant_args(registered, "dep-9"))
    assert result.exit_code == 2
    assert "register it first" in result.output


def test_revoke_credential_stops_it(app: Flask, registered: TestPlatform) -> None:
    printed = json.loads(_run(app, "create-credential", *_tenant_args(registered)).output)
    lrs = Lrs(app.test_client(), NewCredential(0, 0, printed["key"], printed["secret"], ""))
    assert lrs.get().status_code == 200
    assert _run(app, "revoke-credential", "--key", printed["key"]).exit_code == 0
    assert lrs.get().status_code == 401
    assert _run(app, "revoke-credential", "--key", "nope").exit_code == 2


def test_map_actor_maps_an_agent_to_the_person_with_that_sub(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    launch(app.test_client(), registered, sub="p-1", email="p1@example.edu")
    agent = {"mbox": "mailto:personal.address@example.com"}
    sent = statement(actor=agent)
    lrs.post(sent)
    result = _run(
        app, "map-actor", *_tenant_args(registered), "--agent", json.dumps(agent), "--sub", "p-1"
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["actor_key"] == "mbox:mailto:personal.address@example.com"
    tenant = tenant_id(app)
    with app.app_context():
        assert actors.users_of(tenant, [sent["id"]])[sent["id"]] == printed["user_id"]


def test_map_actor_refuses_a_bad_agent_or_an_unknown_person(
    app: Flask, registered: TestPlatform
) -> None:
    bad = _run(
        app, "map-actor", *_tenant_args(registered), "--agent", '{"mbox": "x"}', "--sub", "p"
    )
    assert bad.exit_code == 2 and "mailto" in bad.output
    agent = json.dumps({"mbox": "mailto:x@example.com"})
    nobody = _run(app, "map-actor", *_tenant_args(registered), "--agent", agent, "--sub", "ghost")
    assert nobody.exit_code == 2 and "ghost" in nobody.output
