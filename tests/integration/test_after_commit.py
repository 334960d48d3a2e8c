"""``core.db.after_commit``: what may only be believed once it is durable runs after the commit,
and never after a rollback."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from lti_tool.core.db import after_commit, db
from lti_tool.lti.models import Registration


def _write(issuer: str) -> None:
    db.session.add(
        Registration(
            issuer=issuer,
            client_id="after-commit",
            auth_login_url=f"{issuer}/login",
            auth_token_url=f"{issuer}/token",
            key_set_url=f"{issuer}/jwks",
        )
    )
    db.session.flush()


def test_a_callback_runs_once_after_the_commit(app: Flask) -> None:
    ran: list[bool] = []
    with app.app_context():
        _write("https://after-commit.example")
        after_commit(lambda: ran.append(True))
        assert ran == []
        db.session.commit()
        assert ran == [True]
        assert _stored("https://after-commit.example")
        db.session.commit()  # a later commit runs it no more
        assert ran == [True]


def test_a_rollback_drops_the_callbacks(app: Flask) -> None:
    ran: list[str] = []
    with app.app_context():
        _write("https://rolled-back.example")
        after_commit(lambda: ran.append("first"))
        db.session.rollback()
        _write("https://committed.example")
        after_commit(lambda: ran.append("second"))
        db.session.commit()
    assert ran == ["second"]


def test_callbacks_belong_to_their_app_context(app: Flask) -> None:
    ran: list[str] = []
    with app.app_context():
        after_commit(lambda: ran.append("outer"))
        with app.app_context():  # a job run eagerly inside a request has its own session
            _write("https://inner.example")
            after_commit(lambda: ran.append("inner"))
            db.session.commit()
        assert ran == ["inner"]
        db.session.commit()
    assert ran == ["inner", "outer"]


def _stored(issuer: str) -> bool:
    return (
        db.session.scalar(select(Registration.id).where(Registration.issuer == issuer)) is not None
    )
