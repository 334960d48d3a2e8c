"""``learnloop xapi add-connection | list-connections | pull | deliver`` (the LRS is played by
``responses``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
import responses
from click.testing import CliRunner, Result
from flask import Flask
from flask.cli import ScriptInfo

from lti_tool.cli import main
from tests.integration.xapi_attachment_helpers import attachment
from tests.integration.xapi_helpers import Lrs, statement, stored_count, tenant_id
from tests.integration.xapi_lrs_helpers import ENDPOINT, STATEMENTS, FakeLrs, connection
from tests.support.platform import TestPlatform


def _run(app: Flask, *args: str, input: str | None = None) -> Result:
    info = ScriptInfo(create_app=lambda: app)
    return CliRunner().invoke(main, ["xapi", *args], obj=info, input=input)


def _tenant(platform: TestPlatform, deployment_id: str = "dep-1") -> list[str]:
    issuer, client = ["--issuer", platform.issuer], ["--client-id", platform.client_id]
    return [*issuer, *client, "--deployment-id", deployment_id]


def _add(app: Flask, platform: TestPlatform, *extra: str, deployment_id: str = "dep-1") -> dict:
    args = ["--endpoint", ENDPOINT, "--key", "k", "--secret", "s3cret", *extra]
    result = _run(app, "add-connection", *_tenant(platform, deployment_id), *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as requests_mock:
        yield requests_mock


@pytest.fixture(autouse=True)
def no_waiting(app: Flask) -> None:
    app.config["XAPI_PULL_ATTEMPTS"] = 1  # fail at once: no backoff to wait out


def test_add_connection_prints_it_without_the_secret(app: Flask, registered: TestPlatform) -> None:
    result = _run(
        app,
        "add-connection",
        *_tenant(registered),
        "--endpoint",
        "https://lrs.example.org/xapi/statements/",
        "--key",
        "k",
        "--xapi-version",
        "2.0.0",
        "--send",
        "--label",
        "Ralph",
        input="s3cret\n",  # asked for, not shown
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout[result.stdout.index("{") :])
    assert printed["endpoint"] == ENDPOINT and printed["xapi_version"] == "2.0.0"
    assert (printed["pull"], printed["send"], printed["enabled"]) == (True, True, True)
    assert printed["tenant_id"] == tenant_id(app) and "s3cret" not in result.output


def test_add_connection_refuses_a_bad_endpoint_naming_the_option(
    app: Flask, registered: TestPlatform
) -> None:
    args = ["--endpoint", "lrs.example.org", "--key", "k", "--secret", "s"]
    result = _run(app, "add-connection", *_tenant(registered), *args)
    assert result.exit_code == 2 and "--endpoint" in result.output


def test_list_connections_shows_the_tenants_own_with_their_cursor(
    app: Flask, registered: TestPlatform
) -> None:
    ours = _add(app, registered)
    _add(app, registered, deployment_id="dep-2")
    result = _run(app, "list-connections", *_tenant(registered))
    [listed] = json.loads(result.stdout)
    assert listed["id"] == ours["id"] and listed["pulled_up_to"] is None
    assert listed["waiting"] == 0 and listed["pull_in_progress"] is False


def test_pull_shows_progress_and_stores_the_lrs_statements(
    app: Flask, registered: TestPlatform, mock: responses.RequestsMock, lrs: Lrs
) -> None:
    app.config["XAPI_PULL_PAGE_SIZE"] = 2
    fake = FakeLrs(mock)
    fake.add(3)
    added = _add(app, registered)
    result = _run(app, "pull", "--connection", str(added["id"]))
    assert result.exit_code == 0, result.output
    assert f"Pulling from connection {added['id']}" in result.stderr
    summary = json.loads(result.stdout)[str(added["id"])]
    assert summary == {
        "pages": 2,
        "received": 3,
        "new": 3,
        "skipped": 0,
        "finished": True,
        "attachments": 0,
        "without_attachment_data": 0,
        "notes": [],
    }
    assert len(lrs.all_pages()) == 3
    again = json.loads(_run(app, "pull", *_tenant(registered)).stdout)
    assert again[str(added["id"])]["new"] == 0


def test_pull_lists_skipped_statements_and_still_succeeds(
    app: Flask, registered: TestPlatform, mock: responses.RequestsMock
) -> None:
    fake = FakeLrs(mock)
    fake.add(1)
    bad = fake.add(1, verb={"id": "not an IRI"})
    added = _add(app, registered)
    result = _run(app, "pull", "--connection", str(added["id"]))
    assert result.exit_code == 0
    assert f"skipped page 1, statements[1] (id {bad[0]['id']}): verb.id" in result.stderr


def test_pull_reports_an_lrs_that_refuses_attachments_and_what_came_without_data(
    app: Flask, registered: TestPlatform, mock: responses.RequestsMock
) -> None:
    fake = FakeLrs(mock, refuses_attachments=True)
    fake.add(1, attachments=[attachment(b"minutes of the meeting")])
    fake.add(1)
    added = _add(app, registered)
    result = _run(app, "pull", "--connection", str(added["id"]))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)[str(added["id"])]
    assert (summary["new"], summary["without_attachment_data"]) == (2, 1)
    refused, lacking = summary["notes"]
    assert refused.startswith("the LRS refused attachments=true (the LRS answered 400")
    assert lacking.startswith("1 statement(s) stored without the attachment data")
    assert f"connection {added['id']}: {refused}" in result.stderr
    assert [q.get("attachments") for q in fake.queries] == ["true", None]


def test_a_failed_pull_exits_1_and_the_next_resumes(
    app: Flask, registered: TestPlatform, mock: responses.RequestsMock
) -> None:
    app.config["XAPI_PULL_PAGE_SIZE"] = 2
    fake = FakeLrs(mock)
    fake.add(3)
    added = _add(app, registered)
    _run(app, "pull", "--connection", str(added["id"]), "--max-pages", "1")
    fake.failing = requests.ConnectionError("down")
    result = _run(app, "pull", "--connection", str(added["id"]))
    assert result.exit_code == 1
    assert "could not reach the LRS" in result.stderr and "the next pull resumes" in result.stderr
    assert connection(app, added["id"]).pull_more is not None
    fake.failing = None
    assert _run(app, "pull", "--connection", str(added["id"])).exit_code == 0
    assert stored_count(app) == 3


def test_pull_needs_one_connection_or_one_tenant(app: Flask, registered: TestPlatform) -> None:
    added = _add(app, registered)
    assert _run(app, "pull").exit_code == 2
    both = _run(app, "pull", "--connection", str(added["id"]), *_tenant(registered))
    assert both.exit_code == 2
    assert _run(app, "pull", "--connection", "999").exit_code == 2


def test_deliver_sends_waiting_statements_now(
    app: Flask, registered: TestPlatform, mock: responses.RequestsMock
) -> None:
    from lti_tool.core.db import commit_or_rollback
    from xapi import emitter

    _add(app, registered, "--send", "--no-pull")
    tenant = tenant_id(app)
    with app.app_context(), commit_or_rollback():
        emitter.emit(tenant, statement())
    mock.post(STATEMENTS, status=503)
    down = _run(app, "deliver")
    assert json.loads(down.stdout) == {"delivered": 0, "waiting": 1}
    assert "the LRS answered 503" in down.stderr
