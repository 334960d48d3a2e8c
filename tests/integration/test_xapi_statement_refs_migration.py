"""Migration 0009 on a store that already holds statements: it fills ``xapi_related_agent`` for
statements stored before 0004 and ``object_statement_id`` for every StatementRef object, so
that the GET filters find them after the upgrade, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url

from lti_tool import create_app
from lti_tool.core import migrate
from lti_tool.core.db import db
from tests.conftest import SECRET
from xapi import reading
from xapi.keys import actor_key

SCHEMA = "xapi_refs_migration_test"  # on PostgreSQL: a schema of its own, at 0008
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
BOB = {"mbox": "mailto:bob@example.edu"}
CAROL = {"mbox": "mailto:carol@example.edu"}
DAVE = {"mbox": "mailto:dave@example.edu"}

_statement = sa.table(  # the columns of xapi_statement at 0008
    "xapi_statement",
    *(sa.column(name) for name in ("tenant_id", "statement_id", "received", "assigned")),
    *(sa.column(name) for name in ("verb_id", "activity_id", "actor_key", "voids_id")),
    sa.column("stored", sa.DateTime(timezone=True)),
    sa.column("timestamp", sa.DateTime(timezone=True)),
    sa.column("voided", sa.Boolean()),
)
_related = sa.table(
    "xapi_related_agent",
    *(sa.column(name) for name in ("tenant_id", "statement_id", "agent_key", "related_only")),
)


@pytest.fixture
def store_at_0008(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of its own at revision 0008."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
        _upgrade(url, "0008")
        yield url
        return
    admin = sa.create_engine(database_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    rendered = url.render_as_string(hide_password=False)
    _upgrade(rendered, "0008")
    yield rendered
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    admin.dispose()


@pytest.fixture
def engine(store_at_0008: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(store_at_0008)
    yield engine
    engine.dispose()


def _upgrade(url: str, revision: str = "head") -> None:
    migrate.upgrade(revision, url=_escaped(url))


def _downgrade(url: str, revision: str) -> None:
    migrate.downgrade(revision, url=_escaped(url))


def _escaped(url: str) -> str:
    return url.replace("%", "%%")  # Alembic reads "%" in its options as interpolation


def _statement_row(tenant: int, sent: dict[str, Any]) -> dict[str, Any]:
    """A row as the store wrote it before 0009 (only what the backfill and the filters read)."""
    target = sent["object"]
    return {
        "tenant_id": tenant,
        "statement_id": sent["id"],
        "received": json.dumps(sent, separators=(",", ":")),
        "assigned": json.dumps({"stored": NOW.isoformat()}),
        "stored": NOW,
        "timestamp": NOW,
        "verb_id": sent["verb"]["id"],
        "activity_id": target["id"] if "objectType" not in target else None,
        "actor_key": actor_key(sent["actor"]),
        "voids_id": target["id"].lower() if sent["verb"]["id"] == VOIDED else None,
        "voided": False,
    }


def _sent(**properties: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:ada@example.edu"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "http://example.com/activities/onboarding"},
    } | properties


def _tenants(conn: Connection) -> tuple[int, int]:
    registration = conn.execute(
        sa.text(
            "INSERT INTO lti_registration (issuer, client_id, auth_login_url, auth_token_url,"
            " key_set_url, product_family, created_at) VALUES ('https://lms.example', 'c',"
            " 'https://lms.example/a', 'https://lms.example/t', 'https://lms.example/k',"
            " 'generic', :now) RETURNING id"
        ),
        {"now": NOW},
    ).scalar_one()
    ids = [
        conn.execute(
            sa.text(
                "INSERT INTO lti_deployment (registration_id, deployment_id, created_at)"
                " VALUES (:registration, :name, :now) RETURNING id"
            ),
            {"registration": registration, "name": name, "now": NOW},
        ).scalar_one()
        for name in ("dep-1", "dep-2")
    ]
    return ids[0], ids[1]


def test_upgrading_a_store_with_statements_fills_related_agents_and_statement_refs(
    store_at_0008: str, engine: sa.Engine
) -> None:
    by_group = _sent(actor={"objectType": "Group", "member": [BOB, CAROL]})
    taught = _sent(context={"instructor": BOB})
    confirmed = _sent(object={"objectType": "StatementRef", "id": by_group["id"].upper()})
    void = _sent(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": taught["id"]})
    in_context = _sent(context={"statement": {"objectType": "StatementRef", "id": taught["id"]}})
    theirs = _sent(actor={"objectType": "Group", "member": [DAVE]})
    plain = [_sent() for _ in range(1100)]  # the backfill reads 1000 at a time
    with engine.begin() as conn:
        mine, other = _tenants(conn)
        # Some before and some after the first chunk of plain statements.
        sent = [by_group, taught, *plain, confirmed, void, in_context]
        conn.execute(sa.insert(_statement), [_statement_row(mine, s) for s in sent])
        conn.execute(sa.insert(_statement), [_statement_row(other, theirs)])
        # ``taught`` was stored after 0004: it has its row already, and must not get two.
        row = {"tenant_id": mine, "statement_id": taught["id"], "related_only": True}
        conn.execute(sa.insert(_related), [row | {"agent_key": actor_key(BOB)}])

    _upgrade(store_at_0008)

    expected_related = {
        (mine, by_group["id"], actor_key(BOB), False),
        (mine, by_group["id"], actor_key(CAROL), False),
        (mine, taught["id"], actor_key(BOB), True),
        (other, theirs["id"], actor_key(DAVE), False),
    }
    expected_refs = {confirmed["id"]: by_group["id"], void["id"]: taught["id"]}
    assert _related_rows(engine) == expected_related
    assert _refs(engine) == expected_refs
    _assert_found_by_the_agent_filter(store_at_0008, mine, {by_group["id"], confirmed["id"]})

    _downgrade(store_at_0008, "0008")  # and up again: the same rows, once each
    _upgrade(store_at_0008)
    assert _related_rows(engine) == expected_related
    assert _refs(engine) == expected_refs


def _related_rows(engine: sa.Engine) -> set[tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT tenant_id, statement_id, agent_key, related_only FROM xapi_related_agent"
            )
        ).all()
    found = {(t, s, k, bool(r)) for t, s, k, r in rows}
    assert len(found) == len(rows)  # no row twice
    return found


def _refs(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT statement_id, object_statement_id FROM xapi_statement"
                " WHERE object_statement_id IS NOT NULL"
            )
        ).all()
    return dict(rows)


def _assert_found_by_the_agent_filter(url: str, tenant: int, expected: set[str]) -> None:
    """Through the app's own reading: Bob is a member of the group; ``confirmed`` targets it."""
    config = {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": SECRET}
    app = create_app(config | {"BASE_URL": "http://127.0.0.1:5000"})
    with app.app_context():
        filters = reading.Filters(agent_key=actor_key(BOB))
        page = reading.page(tenant, filters, ascending=True, limit=10, after=None)
    with app.app_context():  # the first one's session is closed now
        db.engine.dispose()
    assert {json.loads(text)["id"] for text in page.statements} == expected
