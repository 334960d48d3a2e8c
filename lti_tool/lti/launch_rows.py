"""Writing one launch to the database: the used nonce, the person, the course and the membership.

A launch is the hottest write LearnLoop has (every click on a LearnLoop link in the LMS), so it
is written in as few round trips as the database allows:

- on PostgreSQL, **one statement** (data-modifying CTEs) on an autocommit connection: one
  round trip, atomic (a statement is its own transaction) and durable when it returns. The
  nonce INSERT gates every other write: a replayed nonce inserts nothing, so nothing else
  changes either (LTI Security Framework §5.1.3 step 9, the nonce is single use);
- elsewhere (SQLite, the embedded default), the same writes statement by statement in the
  session's transaction, committed by the request.

Both paths take the same ``LaunchRows`` and answer the same ``WrittenLaunch``; the tests run
both on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text, update

from lti_tool.core.db import autocommit, db, dialect_insert
from lti_tool.lti import oidc_state
from lti_tool.lti.models import Context, Membership, User

USER_FIELDS = ("name", "given_name", "family_name", "email", "locale")


@dataclass(frozen=True)
class LaunchRows:
    """What a validated launch writes. ``None`` in ``user`` or ``context`` means "not sent":
    platforms send names and e-mail only when privacy settings allow, so we keep what we knew.
    """

    login: oidc_state.OidcState | None  # the nonce to record as used; None if already recorded
    registration_id: int
    tenant_id: int
    sub: str
    user: dict[str, str | None]  # USER_FIELDS
    context_key: str  # the platform's context id, "" when the launch has no course
    label: str | None
    title: str | None
    roles_json: str
    now: dt.datetime


@dataclass(frozen=True)
class WrittenLaunch:
    user_id: int
    locale: str | None
    context_id: int
    membership_id: int


def write(rows: LaunchRows) -> WrittenLaunch | None:
    """Write the launch; ``None`` when its nonce was used before (a replay: nothing written)."""
    if rows.login is not None and db.session.get_bind().dialect.name == "postgresql":
        return write_in_one_statement(rows)
    return write_statement_by_statement(rows)


# -- PostgreSQL: one round trip ----------------------------------------------------------------

# Each row is UPDATEd when it exists and INSERTed otherwise (the INSERT's ON CONFLICT covers a
# concurrent first launch). Updating first, rather than always INSERT … ON CONFLICT, keeps the
# id sequences from advancing on every launch. The course row is only written when its label
# or title changed: every launch in a course would otherwise queue on that one row's lock.
_ONE_STATEMENT = text(
    """
WITH nonce AS (
    INSERT INTO lti_login_state
        (state, nonce, registration_id, login_params, storage_target, issued_at, expires_at,
         used_at)
    VALUES (:state, :nonce, :registration_id, :login_params, :storage_target, :now,
            :expires_at, :now)
    ON CONFLICT DO NOTHING
    RETURNING id
), user_updated AS (
    UPDATE lti_user SET
        name = COALESCE(:name, name), given_name = COALESCE(:given_name, given_name),
        family_name = COALESCE(:family_name, family_name), email = COALESCE(:email, email),
        locale = COALESCE(:locale, locale), last_launch_at = :now
    WHERE registration_id = :registration_id AND sub = :sub AND EXISTS (SELECT FROM nonce)
    RETURNING id, locale
), user_inserted AS (
    INSERT INTO lti_user
        (registration_id, sub, name, given_name, family_name, email, locale, created_at,
         last_launch_at)
    SELECT :registration_id, :sub, :name, :given_name, :family_name, :email, :locale, :now, :now
    WHERE EXISTS (SELECT FROM nonce) AND NOT EXISTS (SELECT FROM user_updated)
    ON CONFLICT (registration_id, sub) DO UPDATE SET
        name = COALESCE(excluded.name, lti_user.name),
        given_name = COALESCE(excluded.given_name, lti_user.given_name),
        family_name = COALESCE(excluded.family_name, lti_user.family_name),
        email = COALESCE(excluded.email, lti_user.email),
        locale = COALESCE(excluded.locale, lti_user.locale),
        last_launch_at = excluded.last_launch_at
    RETURNING id, locale
), person AS (
    SELECT id, locale FROM user_updated UNION ALL SELECT id, locale FROM user_inserted
), context_found AS (
    SELECT id FROM lti_context WHERE tenant_id = :tenant_id AND context_id = :context_key
), context_updated AS (
    UPDATE lti_context SET label = COALESCE(:label, label), title = COALESCE(:title, title)
    WHERE id IN (SELECT id FROM context_found) AND EXISTS (SELECT FROM nonce)
      AND (label IS DISTINCT FROM COALESCE(:label, label)
           OR title IS DISTINCT FROM COALESCE(:title, title))
), context_inserted AS (
    INSERT INTO lti_context (tenant_id, context_id, label, title, created_at)
    SELECT :tenant_id, :context_key, :label, :title, :now
    WHERE EXISTS (SELECT FROM nonce) AND NOT EXISTS (SELECT FROM context_found)
    ON CONFLICT (tenant_id, context_id) DO UPDATE SET
        label = COALESCE(excluded.label, lti_context.label),
        title = COALESCE(excluded.title, lti_context.title)
    RETURNING id
), course AS (
    SELECT id FROM context_found UNION ALL SELECT id FROM context_inserted
), membership_updated AS (
    UPDATE lti_membership SET roles_json = :roles_json, last_launch_at = :now
    WHERE context_id IN (SELECT id FROM course) AND user_id IN (SELECT id FROM person)
    RETURNING id
), membership_inserted AS (
    INSERT INTO lti_membership (tenant_id, context_id, user_id, roles_json, last_launch_at)
    SELECT :tenant_id, course.id, person.id, :roles_json, :now FROM course, person
    WHERE NOT EXISTS (SELECT FROM membership_updated)
    ON CONFLICT (context_id, user_id) DO UPDATE SET
        roles_json = excluded.roles_json, last_launch_at = excluded.last_launch_at
    RETURNING id
)
SELECT person.id AS user_id, person.locale, course.id AS context_id,
       (SELECT id FROM membership_updated UNION ALL SELECT id FROM membership_inserted)
           AS membership_id
FROM person, course
"""
)


def write_in_one_statement(rows: LaunchRows) -> WrittenLaunch | None:
    """PostgreSQL only, and only with a nonce to record (it gates the other writes)."""
    assert rows.login is not None
    login = rows.login
    values: dict[str, Any] = {
        "state": login.browser_id,
        "nonce": login.nonce,
        "registration_id": rows.registration_id,
        "login_params": json.dumps(login.params, sort_keys=True),
        "storage_target": login.storage_target,
        "expires_at": dt.datetime.fromtimestamp(login.expires_at, dt.UTC),
        "now": rows.now,
        "sub": rows.sub,
        "tenant_id": rows.tenant_id,
        "context_key": rows.context_key,
        "label": rows.label,
        "title": rows.title,
        "roles_json": rows.roles_json,
        **{name: rows.user.get(name) for name in USER_FIELDS},
    }
    # Autocommit: the statement commits itself, so BEGIN and COMMIT cost no round trips. The
    # request's session (and any transaction it holds) is not involved.
    with autocommit() as connection:
        found = connection.execute(_ONE_STATEMENT, values).one_or_none()
    if found is None:
        return None
    return WrittenLaunch(found.user_id, found.locale, found.context_id, found.membership_id)


# -- Any database: statement by statement in the request's transaction --------------------------


def write_statement_by_statement(rows: LaunchRows) -> WrittenLaunch | None:
    if rows.login is not None and oidc_state.consume(rows.login, rows.now) is None:
        return None
    changes = {name: value for name, value in rows.user.items() if value is not None}
    changes["last_launch_at"] = rows.now
    key = {"registration_id": rows.registration_id, "sub": rows.sub}
    person = _upsert(User.__table__, key, changes, ("id", "locale"), created_at=rows.now)
    context_id = _context_id(rows)
    membership = _upsert(
        Membership.__table__,
        {"context_id": context_id, "user_id": person.id},
        {"roles_json": rows.roles_json, "last_launch_at": rows.now},
        ("id",),
        tenant_id=rows.tenant_id,
    )
    return WrittenLaunch(int(person.id), person.locale, context_id, int(membership.id))


def _context_id(rows: LaunchRows) -> int:
    table = Context.__table__
    key = {"tenant_id": rows.tenant_id, "context_id": rows.context_key}
    found = db.session.execute(
        select(table.c.id, table.c.label, table.c.title).where(
            table.c.tenant_id == rows.tenant_id, table.c.context_id == rows.context_key
        )
    ).one_or_none()
    # A label or title the platform did not send is kept, not blanked.
    changes = {
        name: value for name, value in (("label", rows.label), ("title", rows.title)) if value
    }
    if found is None:
        return int(_upsert(table, key, changes, ("id",), created_at=rows.now).id)
    if any(getattr(found, name) != value for name, value in changes.items()):
        db.session.execute(update(table).where(table.c.id == found.id).values(changes))
    return int(found.id)


def _upsert(
    table: Any, key: dict[str, Any], changes: dict[str, Any], returning: tuple[str, ...], **new: Any
) -> Any:
    """Apply ``changes`` to the row with unique ``key`` (inserting it with ``new`` if missing)."""
    columns = [table.c[name] for name in returning]
    where = [table.c[name] == value for name, value in key.items()]
    if changes:
        found = db.session.execute(
            update(table).where(*where).values(changes).returning(*columns)
        ).one_or_none()
        if found is not None:
            return found
    # A first launch. If a concurrent one inserted the row first, update that row instead.
    statement = dialect_insert(table).values({**key, **new, **changes})
    if changes:
        statement = statement.on_conflict_do_update(index_elements=list(key), set_=changes)
    else:
        statement = statement.on_conflict_do_update(
            index_elements=list(key), set_={name: table.c[name] for name in key}
        )
    return db.session.execute(statement.returning(*columns)).one()
