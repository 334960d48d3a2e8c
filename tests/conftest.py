"""Shared fixtures: a migrated database (PostgreSQL in CI), the app, and loopback servers.

Set LEARNLOOP_TEST_DATABASE_URL to run on PostgreSQL (``.ci/run`` does); otherwise the tests
use a throw-away SQLite file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from lti_tool import create_app
from lti_tool.core import migrate
from lti_tool.core.db import Base, db
from lti_tool.lti.message_launch import key_sets
from lti_tool.lti.services import dispatch
from lti_tool.models import import_all
from tests.support.platform import TestPlatform
from tests.support.servers import LoopbackServer

SECRET = "test-secret-key-for-learnloop-tests-only"


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    url = os.environ.get("LEARNLOOP_TEST_DATABASE_URL")
    if url:
        engine = create_engine(url)
        with engine.begin() as conn:  # a clean schema, then the real migrations on top
            import_all()
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()
        migrate.upgrade(url=url)
        yield url
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'test.sqlite3'}"
        migrate.upgrade(url=url)
        yield url


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "BASE_URL": "http://127.0.0.1:5000",
        }
    )
    app.instance_path = str(tmp_path)
    key_sets.clear()
    yield app
    # Jobs a test started in the background (no Redis: after-commit jobs run in threads, e.g.
    # a path's recompute) end first: one still writing would deadlock with the TRUNCATE.
    dispatch.wait_for_background(app)
    with app.app_context():
        _empty_all_tables()
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608  # our own table names


@pytest.fixture
def client(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def platform() -> Iterator[TestPlatform]:
    """A hand-rolled platform: its own RSA key and JWKS served on loopback (for signed JWTs)."""
    test_platform = TestPlatform()
    with LoopbackServer(test_platform.wsgi_app) as server:
        test_platform.base_url = server.url
        yield test_platform


@pytest.fixture
def registered(app: Flask, platform: TestPlatform) -> TestPlatform:
    """``platform`` registered with the app, with deployments ``dep-1`` and ``dep-2``."""
    platform.register_with(app, deployment_ids=("dep-1", "dep-2"))
    return platform
