"""``learnloop operator set-password``: the operator console's password, from the shell."""

from __future__ import annotations

from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import select

from lti_tool.cli import main
from lti_tool.core.db import db
from lti_tool.operator.models import OperatorCredential


def run(app: Flask, args: list[str], **kwargs: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, args, obj=ScriptInfo(create_app=lambda: app), **kwargs)


def stored_hash(app: Flask) -> str | None:
    with app.app_context():
        credential = db.session.scalars(select(OperatorCredential)).first()
        return credential.password_hash if credential else None


def test_set_password_asks_twice_and_stores_an_argon2id_hash(app: Flask) -> None:
    result = run(app, ["operator", "set-password"], input="a long operator pass\n" * 2)
    assert result.exit_code == 0, result.output
    assert "/operator/" in result.output
    assert (stored_hash(app) or "").startswith("$argon2id$")
    assert "a long operator pass" not in (stored_hash(app) or "")


def test_set_password_takes_the_password_from_the_environment(app: Flask) -> None:
    result = run(
        app,
        ["operator", "set-password"],
        env={"LEARNLOOP_OPERATOR_PASSWORD": "from the environment"},
    )
    assert result.exit_code == 0, result.output
    assert stored_hash(app) is not None


def test_set_password_refuses_a_short_password_and_stores_nothing(app: Flask) -> None:
    result = run(app, ["operator", "set-password", "--password", "short"])
    assert result.exit_code == 2
    assert "at least 12 characters" in result.output
    assert stored_hash(app) is None
