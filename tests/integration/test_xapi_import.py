"""``learnloop xapi import FILE``: JSON arrays and JSON lines, streamed in batches through the
listener's validation and store; bad statements skipped and reported with their position."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from flask import Flask
from flask.cli import ScriptInfo

from lti_tool.cli import main
from lti_tool.core.signals import statements_recorded
from tests.integration.xapi_helpers import Lrs, statement, stored_count
from tests.support.platform import TestPlatform


def _import(app: Flask, platform: TestPlatform, path: Path, *extra: str) -> Result:
    args = ["xapi", "import", str(path), "--issuer", platform.issuer]
    args += ["--client-id", platform.client_id, "--deployment-id", "dep-1", *extra]
    return CliRunner().invoke(main, args, obj=ScriptInfo(create_app=lambda: app))


def _summary(result: Result) -> dict[str, Any]:
    return json.loads(result.stdout)


def test_a_json_array_is_imported_in_batches_each_announced(
    app: Flask, registered: TestPlatform, tmp_path: Path, lrs: Lrs
) -> None:
    sent = [statement() for _ in range(7)]
    path = tmp_path / "statements.json"
    path.write_text(json.dumps(sent, indent=2))
    heard: list[int] = []

    def receiver(tenant: int, statement_ids: list[str], **_: Any) -> None:
        heard.append(len(statement_ids))

    with statements_recorded.connected_to(receiver):
        result = _import(app, registered, path, "--batch-size", "3")
    assert result.exit_code == 0, result.output
    assert _summary(result) == {
        "read": 7,
        "new": 7,
        "already_stored": 0,
        "skipped": 0,
        "complete": True,
    }
    assert heard == [3, 3, 1]
    assert "Importing statements.json" in result.stderr
    assert sorted(s["id"] for s in lrs.all_pages()) == sorted(s["id"] for s in sent)


def test_json_lines_are_imported_and_importing_again_stores_nothing_twice(
    app: Flask, registered: TestPlatform, tmp_path: Path
) -> None:
    sent = [statement() for _ in range(3)] + [statement(id=None, timestamp="2026-01-01T00:00:00Z")]
    path = tmp_path / "statements.jsonl"
    path.write_text("\n".join(json.dumps(s) for s in sent) + "\n")
    assert _summary(_import(app, registered, path))["new"] == 4
    again = _summary(_import(app, registered, path))
    assert (again["new"], again["already_stored"]) == (0, 4)
    assert stored_count(app) == 4


def test_a_bad_line_is_reported_with_its_line_number_and_the_rest_is_stored(
    app: Flask, registered: TestPlatform, tmp_path: Path
) -> None:
    lines = [
        json.dumps(statement()),
        "",
        json.dumps(statement(actor={"mbox": "ada@example.edu"})),
        '{"broken": ',
        json.dumps(statement()),
    ]
    path = tmp_path / "statements.jsonl"
    path.write_text("\n".join(lines))
    result = _import(app, registered, path)
    assert result.exit_code == 1
    assert 'skipped line 3: actor.mbox: must start with "mailto:"' in result.stderr
    assert "skipped line 4: not valid JSON" in result.stderr
    assert _summary(result) == {
        "read": 4,
        "new": 2,
        "already_stored": 0,
        "skipped": 2,
        "complete": True,
    }
    assert stored_count(app) == 2


def test_a_bad_array_element_is_reported_by_index_and_line(
    app: Flask, registered: TestPlatform, tmp_path: Path
) -> None:
    good, bad = statement(), statement(verb={"id": "completed"})
    path = tmp_path / "statements.json"
    path.write_text(json.dumps([good, bad], indent=1))
    result = _import(app, registered, path)
    assert result.exit_code == 1
    assert "skipped [1] (line " in result.stderr and "verb.id" in result.stderr
    assert stored_count(app) == 1


def test_broken_array_syntax_stops_the_import_keeping_what_came_before(
    app: Flask, registered: TestPlatform, tmp_path: Path
) -> None:
    path = tmp_path / "statements.json"
    path.write_text("[\n" + json.dumps(statement()) + ",\n" + json.dumps(statement()) + "\n{")
    result = _import(app, registered, path)
    assert result.exit_code == 1
    assert "stopped at line 4: expected , or ] after [1], found {" in result.stderr
    assert _summary(result)["complete"] is False and stored_count(app) == 2


def test_the_same_id_with_other_content_is_skipped_and_identical_repeats_are_one(
    app: Flask, registered: TestPlatform, tmp_path: Path
) -> None:
    first = statement()
    changed = {**first, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    path = tmp_path / "statements.jsonl"
    path.write_text("\n".join(json.dumps(s) for s in (first, first, changed)))
    result = _import(app, registered, path)
    assert "skipped line 3: id: line 1 has this id with other content" in result.stderr
    assert _summary(result)["new"] == 1 and stored_count(app) == 1


def test_statements_with_neither_id_nor_timestamp_are_counted_as_not_repeatable(
    app: Flask, registered: TestPlatform, tmp_path: Path
) -> None:
    path = tmp_path / "statements.jsonl"
    path.write_text(json.dumps(statement(id=None)))
    assert _summary(_import(app, registered, path))["without_id_or_timestamp"] == 1


def test_the_import_goes_into_the_named_tenant_only(
    app: Flask, registered: TestPlatform, tmp_path: Path, lrs: Lrs, other_tenants_lrs: Lrs
) -> None:
    path = tmp_path / "statements.json"
    path.write_text(json.dumps([statement()]))
    _import(app, registered, path)
    assert len(lrs.all_pages()) == 1 and other_tenants_lrs.all_pages() == []


def test_2_0_statements_need_the_2_0_rules(
    app: Flask, registered: TestPlatform, tmp_path: Path
) -> None:
    agent = {"objectType": "Agent", "mbox": "mailto:coach@example.edu"}
    sent = statement(context={"contextAgents": [{"objectType": "contextAgent", "agent": agent}]})
    path = tmp_path / "statements.json"
    path.write_text(json.dumps([sent]))
    assert _import(app, registered, path).exit_code == 1
    assert _import(app, registered, path, "--xapi-version", "2.0.0").exit_code == 0
