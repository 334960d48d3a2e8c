"""``learnloop paths import|export|install-examples``: path files on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from flask import Flask
from flask.cli import ScriptInfo

from lti_tool.cli import main
from lti_tool.paths import definition as definitions
from lti_tool.paths import examples
from tests.integration.paths.pages_helpers import counts, definition, saved_path
from tests.support.platform import TestPlatform


def _run(app: Flask, *args: str) -> Result:
    return CliRunner().invoke(main, ["paths", *args], obj=ScriptInfo(create_app=lambda: app))


def _tenant(platform: TestPlatform, deployment_id: str = "dep-1") -> list[str]:
    return [
        "--issuer",
        platform.issuer,
        "--client-id",
        platform.client_id,
        "--deployment-id",
        deployment_id,
    ]


def test_a_path_exported_from_one_tenant_imports_into_another(
    app: Flask, registered: TestPlatform, tmp_path: Path
) -> None:
    saved_path(app, deployment_id="dep-2")
    out = tmp_path / "support.json"
    exported = _run(
        app, "export", *_tenant(registered, "dep-2"), "--role", "support", "--output", str(out)
    )
    assert exported.exit_code == 0, exported.output
    assert definitions.parse(json.loads(out.read_text())) == definitions.parse(definition())
    imported = _run(app, "import", str(out), *_tenant(registered))
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.output)["version"] == 1
    again = _run(app, "import", str(out), *_tenant(registered))
    assert json.loads(again.output)["version"] == 1  # the same definition adds no version


def test_an_invalid_file_lists_its_problems_by_field_and_saves_nothing(
    app: Flask, registered: TestPlatform, tmp_path: Path
) -> None:
    data = definition()
    data["stages"][1]["steps"] = []
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(data))
    before = counts(app)
    result = _run(app, "import", str(file), *_tenant(registered))
    assert result.exit_code == 1
    assert "stages[1].steps: a stage needs at least one step" in result.output
    assert "nothing was saved" in result.output
    assert counts(app) == before


def test_exporting_a_role_without_a_path_fails_saying_why(
    app: Flask, registered: TestPlatform
) -> None:
    result = _run(app, "export", *_tenant(registered), "--role", "nobody")
    assert result.exit_code == 1
    assert "has no path" in result.output


def test_install_examples_adds_the_three_example_paths_once(
    app: Flask, registered: TestPlatform
) -> None:
    first = _run(app, "install-examples", *_tenant(registered))
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {"installed": len(examples.NAMES)}
    assert json.loads(_run(app, "install-examples", *_tenant(registered)).output) == {
        "installed": 0
    }
