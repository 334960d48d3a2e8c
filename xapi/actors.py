"""Actors: who the statements of a tenant are about, by actor key, and which LearnLoop user each
key belongs to once that is known.

xapi/ records the keys and keeps the answers; *who* a key is (an LTI account, an e-mail) is
decided by the identity side. It answers the ``actors_seen`` signal that :func:`note` sends
for new keys while their statements are stored, so a key's row goes in already answered, in
the same transaction; it calls :func:`record_checks` for keys still never looked at after a
commit (no receiver answered), and :func:`attach` when a person launches. An administrator's
explicit mapping (:func:`map_explicitly`) beats all of these. Statements of an unknown actor
are kept all the same.

A key is *settled* once its row exists and has been looked up (``checked_at`` set): that never
reverts, so each process may remember it (:class:`KnownKeys`, in ``app.extensions``), once the
transaction that answered it has committed. Then a
batch whose actors are all settled, the usual case once a tenant's people have been seen, costs
no query here: :func:`note` skips the insert, and :func:`unchecked` answers from memory for the
statements this process has just recorded.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import DBAPIError

from lti_tool.core import signals
from lti_tool.core.db import after_commit, db, dialect_insert, run_on_its_own, utcnow
from xapi.models import Actor, ActorMapping, Statement

EXPLICIT = "explicit"
log = logging.getLogger("learnloop.xapi")
Answer = tuple[int | None, str | None]  # (user id or None, how it matched or None)


class KnownKeys:
    """What one process knows about actor keys, bounded: the settled ``(tenant, key)`` pairs,
    and the key of each statement it recorded lately (``None`` for no person, e.g. a Group).
    The oldest entries go first when a bound is reached; forgetting only costs a query."""

    def __init__(self, settled_limit: int = 100_000, recent_limit: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._settled: dict[tuple[int, str], None] = {}
        self._recent: dict[tuple[int, str], str | None] = {}
        self._limits = (settled_limit, recent_limit)

    def settled(self, tenant_id: int, key: str) -> bool:
        return (tenant_id, key) in self._settled

    def settle(self, tenant_id: int, keys: Iterable[str]) -> None:
        with self._lock:
            _add(self._settled, {(tenant_id, key): None for key in keys}, self._limits[0])

    def remember(self, tenant_id: int, keys_by_statement: Mapping[str, str | None]) -> None:
        entries = {(tenant_id, sid): key for sid, key in keys_by_statement.items()}
        with self._lock:
            _add(self._recent, entries, self._limits[1])

    def keys_of(self, tenant_id: int, statement_ids: Collection[str]) -> set[str] | None:
        """The person keys of these statements, or None unless this process recorded them all."""
        found = [self._recent.get((tenant_id, sid), False) for sid in statement_ids]
        if any(key is False for key in found):
            return None
        return {key for key in found if isinstance(key, str)}


def _add(entries: dict[Any, Any], new: Mapping[Any, Any], limit: int) -> None:
    entries.update(new)
    while len(entries) > limit:
        del entries[next(iter(entries))]


def settled(tenant_id: int, key: str) -> bool:
    """Whether this process knows the key's row exists and was looked at (nothing to write)."""
    return known_keys().settled(tenant_id, key)


def known_keys() -> KnownKeys:
    """This app's (this process's) :class:`KnownKeys`."""
    known = current_app.extensions.get("xapi.known_actor_keys")
    if known is None:
        known = current_app.extensions.setdefault("xapi.known_actor_keys", KnownKeys())
    return known


def settle_looked_at(tenant_id: int, keys: Iterable[str | None]) -> None:
    """Settle those of ``keys`` that another process (or this one, before it started) has
    looked at already: one read, and only for keys this process has not settled. Call it
    before storing, so that :func:`note` only meets keys nobody has looked at."""
    known = known_keys()
    unsettled = sorted({key for key in keys if key and not known.settled(tenant_id, key)})
    if unsettled:  # what is read is committed: believed at once
        known.settle(tenant_id, _looked_at(tenant_id, unsettled))


def note(tenant_id: int, keys_by_statement: Mapping[str, str | None]) -> None:
    """Remember the person key of each newly stored statement (``None``: no person, e.g. a
    Group), and give each key nobody has looked at yet (see :func:`settle_looked_at`) a row,
    answered if the identity side can say who it is (``actors_seen``, in this transaction)."""
    known = known_keys()
    known.remember(tenant_id, keys_by_statement)
    new = sorted(
        {key for key in keys_by_statement.values() if key and not known.settled(tenant_id, key)}
    )
    if not new:
        return
    # No explicit mapping to read first: :func:`map_explicitly` writes the key's row, answered,
    # so a mapped key is never new here (and its row keeps that answer, see _add_rows).
    answers = _identity_answers(tenant_id, new)
    _add_rows(tenant_id, new, answers)
    if answers:  # each row is looked at once this commits, by us or before: settled for good
        after_commit(functools.partial(known.settle, tenant_id, sorted(answers)))


def _looked_at(tenant_id: int, keys: Collection[str]) -> set[str]:
    """Those of ``keys`` whose row exists and was looked at."""
    table = Actor.__table__.c  # Core columns: this runs on the hot path of new actors
    rows = run_on_its_own(
        select(table.actor_key).where(
            table.tenant_id == tenant_id,
            table.actor_key.in_(sorted(keys)),
            table.checked_at.is_not(None),
        )
    )
    return {key for (key,) in rows}


def who_are(tenant_id: int, keys: Collection[str]) -> dict[str, Answer]:
    """The answers for these keys: an explicit mapping first, then whatever the receivers of
    ``actors_seen`` say. Keys nobody answers for are left out; so are all of a receiver's if
    it fails (statements are stored all the same, and looked at again after the commit)."""
    answers: dict[str, Answer] = {
        key: (user_id, EXPLICIT) for key, user_id in explicit_users(tenant_id, keys).items()
    }
    answers.update(_identity_answers(tenant_id, [key for key in keys if key not in answers]))
    return answers


def _identity_answers(tenant_id: int, keys: Collection[str]) -> dict[str, Answer]:
    """What the receivers of ``actors_seen`` say of these keys (see :func:`who_are`)."""
    keys = sorted(keys)
    answers: dict[str, Answer] = {}
    for receiver in signals.actors_seen.receivers_for(tenant_id) if keys else ():
        try:
            said = receiver(tenant_id, keys=keys) or {}
        except DBAPIError:
            raise  # the transaction is unusable: the request fails, nothing is stored
        except Exception:
            log.exception("actors_seen receiver %r failed (tenant %s)", receiver, tenant_id)
            continue
        answers.update({key: said[key] for key in keys if key in said})
    return answers


def _add_rows(
    tenant_id: int, keys: Iterable[str], answers: Mapping[str, Answer] | None = None
) -> None:
    answers = answers or {}
    now = utcnow()
    rows = []
    for key in sorted(keys):  # sorted: two workers lock the same keys in the same order
        user_id, how = answers.get(key, (None, None))
        checked = now if key in answers else None
        rows.append(
            {
                "tenant_id": tenant_id,
                "actor_key": key,
                "user_id": user_id,
                "matched_by": how if user_id else None,
                "checked_at": checked,
                "created_at": now,
            }
        )
    if rows:
        db.session.execute(_upsert(db.session.get_bind().dialect.name), rows)


@functools.cache
def _upsert(dialect: str) -> Any:
    """INSERT of actor rows where a row someone already looked at keeps its answer, and one
    nobody did takes ours (built once: SQLAlchemy's ``excluded`` is costly to build)."""
    insert = dialect_insert(Actor.__table__, dialect)  # Core: one statement, None values too
    return insert.on_conflict_do_update(
        index_elements=["tenant_id", "actor_key"],
        set_={name: insert.excluded[name] for name in ("user_id", "matched_by", "checked_at")},
        where=Actor.__table__.c.checked_at.is_(None),
    )


def unchecked(tenant_id: int, statement_ids: Collection[str]) -> list[str]:
    """Keys of these statements' actors that nobody has tried to resolve yet."""
    if not statement_ids:
        return []
    known = known_keys()
    keys = known.keys_of(tenant_id, statement_ids)
    if keys is None:  # not recorded here (a job): the statements say which keys
        which = Actor.actor_key.in_(
            select(Statement.actor_key).where(
                Statement.tenant_id == tenant_id, Statement.statement_id.in_(statement_ids)
            )
        )
    else:  # recorded here: only the keys not known to be settled, by their unique index
        pending = sorted(key for key in keys if not known.settled(tenant_id, key))
        if not pending:
            return []  # every actor already looked up: no query
        which = Actor.actor_key.in_(pending)
    found = db.session.execute(
        select(Actor.actor_key, Actor.checked_at.is_not(None)).where(
            Actor.tenant_id == tenant_id, which
        )
    )
    state = {key: checked for key, checked in found}
    known.settle(tenant_id, [key for key, checked in state.items() if checked])
    return sorted(key for key, checked in state.items() if not checked)


def record_checks(tenant_id: int, answers: Mapping[str, Answer]) -> None:
    """The answers for keys that were looked up (user None: nobody known, for now), as one
    statement over all of them. Call :meth:`KnownKeys.settle` for them once this is committed."""
    if not answers:
        return
    now = utcnow()
    values = [
        {"key": key, "user": user_id, "how": how if user_id else None, "now": now}
        for key, (user_id, how) in sorted(answers.items())
    ]
    table = Actor.__table__
    db.session.execute(
        update(table)
        .where(
            table.c.tenant_id == tenant_id,
            table.c.actor_key == bindparam("key"),
            table.c.checked_at.is_(None),  # a launch or a mapping in between answered already
        )
        .values(
            user_id=bindparam("user"), matched_by=bindparam("how"), checked_at=bindparam("now")
        ),
        values,
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
    if attached:
        signals.actors_attached.send(tenant_id, user_id=user_id)
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
    _add_rows(tenant_id, [key])
    db.session.execute(
        update(Actor)
        .where(Actor.tenant_id == tenant_id, Actor.actor_key == key)
        .values(user_id=user_id, matched_by=EXPLICIT, checked_at=utcnow())
    )
    signals.actors_attached.send(tenant_id, user_id=user_id)
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
