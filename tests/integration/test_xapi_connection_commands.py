"""``learnloop xapi edit-connection | reset-pull | delete-connection``: what the Settings page
does, on the command line, for one tenant's connections only."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import select

from lti_tool.cli import main
from lti_tool.core.db import commit_or_rollback, db
from tests.integration.xapi_helpers import statement, tenant_id
from tests.integration.xapi_lrs_helpers import add_connection, connection
from tests.support.platform import TestPlatform
from xapi import connections, emitter
from xapi.models import Delivery, LrsConnection


def _run(app: Flask, *args: str, input: str | None = None, **env: str) -> Result:
    info = ScriptInfo(create_app=lambda: app)
    return CliRunner().invoke(main, ["xapi", *args], obj=info, input=input, env=env)


def _tenant(platform: TestPlatform, deployment_id: str = "dep-1") -> list[str]:
    issuer, client = ["--issuer", platform.issuer], ["--client-id", platform.client_id]
    return [*issuer, *client, "--deployment-id", deployment_id]


def _credentials(app: Flask, connection_id: int) -> tuple[str, str]:
    with app.app_context():
        return connections.credentials_of(connection(app, connection_id))


def _walking(app: Flask, connection_id: int) -> None:
    with app.app_context(), commit_or_rollback():
        found = db.session.get(LrsConnection, connection_id)
        assert found is not None
        found.pull_since = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        found.pull_more = "https://lrs.example.org/xapi/statements/more/1"


def test_edit_connection_changes_what_is_given_and_keeps_the_rest(
    app: Flask, registered: TestPlatform
) -> None:
    connection_id = add_connection(app, key="old-key", secret="old-secret")
    result = _run(
        app,
        "edit-connection",
        *_tenant(registered),
        "--connection",
        str(connection_id),
        "--label",
        "Renamed",
        "--send",
        "--xapi-version",
        "2.0.0",
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert (printed["label"], printed["send"], printed["pull"], printed["xapi_version"]) == (
        "Renamed",
        True,
        True,
        "2.0.0",
    )
    assert "old-secret" not in result.output
    assert _credentials(app, connection_id) == ("old-key", "old-secret")


def test_edit_connection_takes_a_new_secret_from_the_environment_or_a_prompt(
    app: Flask, registered: TestPlatform
) -> None:
    connection_id = add_connection(app, key="k", secret="old")
    args = ["edit-connection", *_tenant(registered), "--connection", str(connection_id)]
    assert _run(app, *args, LEARNLOOP_LRS_SECRET="from-env").exit_code == 0
    assert _credentials(app, connection_id) == ("k", "from-env")
    result = _run(app, *args, "--ask-secret", "--key", "k2", input="typed\n")
    assert result.exit_code == 0, result.output
    assert _credentials(app, connection_id) == ("k2", "typed")


def test_edit_connection_refuses_bad_input_and_changes_nothing(
    app: Flask, registered: TestPlatform
) -> None:
    connection_id = add_connection(app)
    base = ["edit-connection", *_tenant(registered), "--connection", str(connection_id)]
    bad_endpoint = _run(app, *base, "--endpoint", "ftp://lrs.example.org/")
    assert bad_endpoint.exit_code == 2 and "--endpoint" in bad_endpoint.output
    neither = _run(app, *base, "--no-pull")
    assert neither.exit_code == 2 and "pulls, sends, or both" in neither.output
    assert connection(app, connection_id).pull


def test_reset_pull_from_a_date_or_from_the_beginning(app: Flask, registered: TestPlatform) -> None:
    connection_id = add_connection(app)
    base = ["reset-pull", *_tenant(registered), "--connection", str(connection_id)]
    _walking(app, connection_id)
    result = _run(app, *base, "--since", "2026-02-03")
    assert result.exit_code == 0, result.output
    reset = connection(app, connection_id)
    assert reset.pull_since == dt.datetime(2026, 2, 3, tzinfo=dt.UTC) and reset.pull_more is None
    _walking(app, connection_id)
    assert _run(app, *base, "--from-beginning").exit_code == 0
    assert connection(app, connection_id).pull_since is None


@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--since", "2026-02-03", "--from-beginning"],
        ["--since", "2999-01-01"],
        ["--since", "soon"],
    ],
)
def test_reset_pull_needs_one_past_starting_point(
    app: Flask, registered: TestPlatform, extra: list[str]
) -> None:
    connection_id = add_connection(app)
    _walking(app, connection_id)
    result = _run(
        app, "reset-pull", *_tenant(registered), "--connection", str(connection_id), *extra
    )
    assert result.exit_code == 2
    assert connection(app, connection_id).pull_more is not None


def test_delete_connection_asks_then_drops_what_waits_for_it(
    app: Flask, registered: TestPlatform
) -> None:
    connection_id = add_connection(app, send=True, pull=False)
    tenant = tenant_id(app, "dep-1")
    with app.app_context(), commit_or_rollback():
        emitter.emit(tenant, statement(id=None))
    args = ["delete-connection", *_tenant(registered), "--connection", str(connection_id)]
    declined = _run(app, *args, input="n\n")
    assert declined.exit_code == 1 and "1 statement(s) waiting" in declined.output
    assert connection(app, connection_id)
    result = _run(app, *args, "--yes")
    assert result.exit_code == 0 and "1 waiting statement(s) dropped" in result.output
    with app.app_context():
        assert db.session.get(LrsConnection, connection_id) is None
        assert list(db.session.scalars(select(Delivery))) == []


@pytest.mark.parametrize(
    "command",
    [
        ["edit-connection", "--label", "mine now"],
        ["reset-pull", "--from-beginning"],
        ["delete-connection", "--yes"],
    ],
)
def test_another_tenants_connection_is_a_usage_error_and_stays_as_it_was(
    app: Flask, registered: TestPlatform, command: list[str]
) -> None:
    theirs = add_connection(app, "dep-2")
    _walking(app, theirs)
    name, *options = command
    result = _run(app, name, *_tenant(registered, "dep-1"), "--connection", str(theirs), *options)
    assert result.exit_code == 2 and "no LRS connection" in result.output
    left = connection(app, theirs)
    assert left.label == "LRS" and left.pull_more is not None
