"""The ``learnloop`` command: register (idempotent), keys rotate, db upgrade."""

from __future__ import annotations

import json

from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from lti_tool.cli import main
from lti_tool.core.db import db
from lti_tool.lti.models import Deployment, Registration

REGISTER = [
    "register",
    "--issuer",
    "https://moodle.example.org",
    "--client-id",
    "abc123",
    "--auth-login-url",
    "https://moodle.example.org/mod/lti/auth.php",
    "--auth-token-url",
    "https://moodle.example.org/mod/lti/token.php",
    "--jwks-url",
    "https://moodle.example.org/mod/lti/certs.php",
    "--deployment-id",
    "1",
    "--deployment-id",
    "2",
    "--product-family",
    "moodle",
]


def invoke(app: Flask, args: list[str]) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, args, obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_register_stores_and_prints_the_registration(app: Flask) -> None:
    printed = invoke(app, REGISTER)
    assert printed["registration"]["issuer"] == "https://moodle.example.org"
    assert [d["deployment_id"] for d in printed["deployments"]] == ["1", "2"]
    assert printed["tool"]["launch_url"] == "http://127.0.0.1:5000/lti/launch"


def test_register_twice_changes_nothing_and_adding_a_deployment_adds_one(app: Flask) -> None:
    invoke(app, REGISTER)
    invoke(app, REGISTER)
    invoke(app, [*REGISTER, "--deployment-id", "3"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
        assert db.session.scalar(select(func.count()).select_from(Deployment)) == 3


def test_register_refuses_a_missing_option(app: Flask) -> None:
    result = CliRunner().invoke(main, REGISTER[:5], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 2
    assert "Missing option" in result.output


def test_keys_rotate_prints_the_new_active_key(app: Flask) -> None:
    first = invoke(app, ["keys", "rotate"])
    second = invoke(app, ["keys", "rotate"])
    assert second["retired"] == first["active"]
    assert second["active"] == first["next"]
