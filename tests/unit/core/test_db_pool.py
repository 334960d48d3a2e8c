"""The connection pool pings a connection only after it sat idle, and replaces a dead one."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from lti_tool.core import db as core_db


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL to end a server connection (set LEARNLOOP_TEST_DATABASE_URL)")
    return database_url


def test_a_connection_that_died_while_idle_is_replaced_before_use(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = core_db.make_engine(postgres_url)
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    try:
        with engine.connect() as connection:
            dead = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        _terminate(postgres_url, dead)
        with engine.connect() as connection:
            alive = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        assert alive != dead
    finally:
        engine.dispose()


def _terminate(url: str, pid: int) -> None:
    """End server process ``pid`` from a connection of another engine, and wait until it is gone."""
    killer = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with killer.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(100):
            gone = not connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            ).scalar()
            if gone:
                return
            time.sleep(0.05)
    raise AssertionError(f"server process {pid} did not end")


def test_a_connection_in_steady_use_is_not_pinged(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = core_db.make_engine(postgres_url)
    pings: list[object] = []
    monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: pings.append(connection))
    try:
        for _ in range(3):
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        assert pings == []
        monkeypatch.setattr(core_db, "PING_AFTER_IDLE_SECONDS", 0.0)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        assert len(pings) == 1
    finally:
        engine.dispose()
