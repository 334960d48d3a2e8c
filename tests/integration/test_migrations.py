"""The same Alembic migrations build the schema on SQLite and on PostgreSQL, and match the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from lti_tool.core import migrate
from lti_tool.core.db import Base
from lti_tool.models import import_all


def test_the_models_and_the_migrated_schema_agree(database_url: str) -> None:
    import_all()
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_migrations_go_down_and_up_again_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    migrate.upgrade(url=url)
    migrate.downgrade("base", url=url)
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(url=url)
    assert "lti_login_state" in inspect(engine).get_table_names()
    engine.dispose()


def test_migration_files_are_named_by_date() -> None:
    names = [p.name for p in (migrate.MIGRATIONS / "versions").glob("*.py")]
    assert names and all(n[:8].isdigit() and n[8] == "_" for n in names)
