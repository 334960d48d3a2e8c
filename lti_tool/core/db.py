"""The database: SQLAlchemy 2 engine and session per app, and the declarative ``Base``.

Services flush; the request or job boundary commits (``commit_or_rollback``).
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app
from flask.globals import app_ctx
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Stable constraint and index names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix__%(table_name)s__%(column_0_N_name)s",
    "uq": "uq__%(table_name)s__%(column_0_N_name)s",
    "ck": "ck__%(table_name)s__%(constraint_name)s",
    "fk": "fk__%(table_name)s__%(column_0_name)s__%(referred_table_name)s",
    "pk": "pk__%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on both PostgreSQL and SQLite (which drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Database:
    """Per-app engine and scoped session, kept in ``app.extensions['learnloop.db']``."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        event.listen(factory, "after_commit", _run_after_commit)
        event.listen(factory, "after_soft_rollback", _forget_after_commit)
        # One session per application context, not per thread: a job run eagerly inside a
        # request pushes its own app context, and must neither share nor close the request's.
        app.extensions["learnloop.db"] = (engine, scoped_session(factory, scopefunc=_context_id))
        app.teardown_appcontext(self._remove_session)

    @staticmethod
    def _remove_session(exc: BaseException | None) -> None:
        _, session = current_app.extensions["learnloop.db"]
        if exc is not None:
            session.rollback()
        session.remove()

    @property
    def engine(self) -> Engine:
        return current_app.extensions["learnloop.db"][0]

    @property
    def session(self) -> Session:
        return current_app.extensions["learnloop.db"][1]()


db = Database()


_AFTER_COMMIT = "learnloop.after_commit"


def after_commit(callback: Callable[[], None], key: Hashable | None = None) -> None:
    """Run ``callback`` once the current session's transaction has committed; never if it
    rolls back. For what may only be believed, or started, once the transaction is durable (a
    per-process cache, a job that reads what it wrote); the callback must not use the session
    (it is between transactions then). A ``key`` already queued in this transaction is not
    queued again."""
    session = db.session
    if not session.in_transaction():
        session.connection()  # begin: a rollback before anything was written forgets it too
    queued: dict[Hashable, Callable[[], None]] = session.info.setdefault(_AFTER_COMMIT, {})
    queued.setdefault(key if key is not None else object(), callback)


def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(_AFTER_COMMIT, {}).values():
        callback()


def _forget_after_commit(session: Session, previous_transaction: Any) -> None:
    # "soft": also when nothing had reached the database yet. A savepoint's rollback keeps them.
    if not previous_transaction.nested:
        session.info.pop(_AFTER_COMMIT, None)


def _context_id() -> int:
    return id(app_ctx._get_current_object())  # type: ignore[attr-defined]


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_size=5, max_overflow=10)
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", functools.partial(_ping_if_idle, engine.dialect))
    return engine


# A pooled connection that sat idle this long is pinged before use. SQLAlchemy's pool_pre_ping
# pings on every checkout, which is one more round trip on each launch; a connection in steady
# use needs none. If the server restarts while connections are busy, the first statement on a
# dead one fails, and SQLAlchemy then discards the whole pool, so each worker loses at most
# one request to a database restart.
PING_AFTER_IDLE_SECONDS = 5.0


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dialect: Any, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    idle_since = record.info.get("checked_in_at")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return  # a new connection, or one in steady use
    try:
        dialect.do_ping(dbapi_connection)
    except Exception as exc:  # any failure means: do not use this connection
        # The pool then discards this connection and checks out (or opens) another.
        raise DisconnectionError(f"idle connection failed its ping: {exc}") from exc


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the one writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def autocommit() -> Any:
    """A connection of its own (``with autocommit() as connection``) on which each statement
    commits itself: no BEGIN and no COMMIT round trip, durable when it returns. The session,
    and any transaction it holds, are not involved."""
    return db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")


def run_on_its_own(statement: Any, params: dict[str, Any] | None = None) -> list[Any]:
    """The rows of ``statement``. Outside a transaction on PostgreSQL it runs as one of its own
    (:func:`autocommit`: one round trip, a write durable when it returns); inside one, in it."""
    session = db.session
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return list(session.execute(statement, params))
    with autocommit() as connection:
        return list(connection.execute(statement, params))


def dialect_insert(table: Any, dialect: str | None = None) -> Any:
    """An INSERT that knows ``ON CONFLICT`` on the session's database (PostgreSQL or SQLite),
    or on the one ``dialect`` names."""
    dialect = dialect or db.session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)


def insert_new(table: Any, index_elements: list[str]) -> Any:
    """``INSERT … ON CONFLICT (index_elements) DO NOTHING`` for PostgreSQL and SQLite alike.

    Two workers inserting the same key at once both succeed; the loser inserts nothing (add
    ``.returning(...)`` to learn which rows went in) instead of failing on the unique index.
    """
    return dialect_insert(table).on_conflict_do_nothing(index_elements=index_elements)


@contextmanager
def commit_or_rollback() -> Iterator[Session]:
    """The unit-of-work boundary for CLI commands and jobs."""
    session = db.session
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
