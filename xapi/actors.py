"""Actors: who the statements of a tenant are about, by actor key, and which LearnLoop user each
key belongs to once that is known.

xapi/ records the keys and keeps the answers; *who* a key is (an LTI account, an e-mail) is
decided by the identity side, which calls :func:`record_check` for keys never looked at and
:func:`attach` when a person launches. An administrator's explicit mapping
(:func:`map_explicitly`) beats both. Statements of an unknown actor are kept all the same.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import select, update

from lti_tool.core.db import db, insert_new, utcnow
from xapi.models import Actor, ActorMapping, Statement

EXPLICIT = "explicit"


def note(tenant_id: int, keys: Iterable[str]) -> None:
    """Remember actor keys not seen before in this tenant (unresolved for now)."""
    rows = [{"tenant_id": tenant_id, "actor_key": key, "created_at": utcnow()} for key in keys]
    if rows:
        # Sorted, so that two workers lock the same keys in the same order (no deadlock).
        rows.sort(key=lambda row: row["actor_key"])
        db.session.execute(insert_new(Actor, ["tenant_id", "actor_key"]), rows)


def unchecked(tenant_id: int, statement_ids: Collection[str]) -> list[str]:
    """Keys of these statements' actors that nobody has tried to resolve yet."""
    if not statement_ids:
        return []
    keys_of_batch = select(Statement.actor_key).where(
        Statement.tenant_id == tenant_id, Statement.statement_id.in_(statement_ids)
    )
    query = select(Actor.actor_key).where(
        Actor.tenant_id == tenant_id,
        Actor.checked_at.is_(None),
        Actor.actor_key.in_(keys_of_batch),
    )
    return list(db.session.scalars(query.order_by(Actor.actor_key)))


def record_check(tenant_id: int, key: str, user_id: int | None, matched_by: str | None) -> None:
    """The answer for a key that was looked up (``user_id`` None: nobody known, for now)."""
    db.session.execute(
        update(Actor)
        .where(Actor.tenant_id == tenant_id, Actor.actor_key == key)
        .values(user_id=user_id, matched_by=matched_by if user_id else None, checked_at=utcnow())
    )


def attach(tenant_id: int, user_id: int, keys: Mapping[str, str]) -> int:
    """Give still-unknown actors with these keys (key → how it matched) to ``user_id``."""
    attached = 0
    for matched_by in sorted(set(keys.values())):
        matching = [key for key, how in keys.items() if how == matched_by]
        result: Any = db.session.execute(
            update(Actor)
            .where(
                Actor.tenant_id == tenant_id,
                Actor.actor_key.in_(matching),
                Actor.user_id.is_(None),
            )
            .values(user_id=user_id, matched_by=matched_by, checked_at=utcnow())
        )
        attached += result.rowcount or 0
    return attached


def explicit_users(tenant_id: int, keys: Collection[str]) -> dict[str, int]:
    """The explicitly mapped user of each of these keys that has one."""
    if not keys:
        return {}
    rows = db.session.execute(
        select(ActorMapping.actor_key, ActorMapping.user_id).where(
            ActorMapping.tenant_id == tenant_id, ActorMapping.actor_key.in_(keys)
        )
    )
    return {key: user_id for key, user_id in rows}


def map_explicitly(tenant_id: int, key: str, user_id: int) -> None:
    """An administrator says: this actor is that user. Replaces any earlier answer."""
    mapping = db.session.scalars(
        select(ActorMapping).where(
            ActorMapping.tenant_id == tenant_id, ActorMapping.actor_key == key
        )
    ).one_or_none()
    if mapping is None:
        mapping = ActorMapping(tenant_id=tenant_id, actor_key=key)
        db.session.add(mapping)
    mapping.user_id = user_id
    note(tenant_id, [key])
    db.session.execute(
        update(Actor)
        .where(Actor.tenant_id == tenant_id, Actor.actor_key == key)
        .values(user_id=user_id, matched_by=EXPLICIT, checked_at=utcnow())
    )
    db.session.flush()


def users_of(tenant_id: int, statement_ids: Collection[str]) -> dict[str, int | None]:
    """The user each of these statements is about (``None``: not known yet)."""
    if not statement_ids:
        return {}
    rows = db.session.execute(
        select(Statement.statement_id, Actor.user_id)
        .outerjoin(
            Actor,
            (Actor.tenant_id == Statement.tenant_id) & (Actor.actor_key == Statement.actor_key),
        )
        .where(Statement.tenant_id == tenant_id, Statement.statement_id.in_(statement_ids))
    )
    return {statement_id: user_id for statement_id, user_id in rows}
