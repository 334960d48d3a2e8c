"""Recording statements: the statement store's write side.

A request's statements are stored all or nothing (1.0.3 Communication 3.2.s3.b9): this service
flushes and raises; the caller commits or rolls back. (One exception, for speed: a request that
stores a single plain statement and nothing else may let its INSERT commit itself, see
``commit_alone``; it then has nothing to roll back.) Statements pulled from an LRS or imported
from a file are stored with ``all_or_nothing=False`` instead: what would be refused (an id
already used by other content, the voiding of a voiding statement) is left out and reported in
``Recorded.refused``, and the rest is stored. Per statement:

- ``id``: kept as sent (compared without case), else assigned (1.0.3 Data 2.4.1.s2.b1): derived
  from the content when ``derive_ids`` is on and the statement has a timestamp, so a re-delivered
  batch from a sender that sends no ids (Moodle's logstore) is stored once; random otherwise.
  Statements identical to the byte, timestamp included, are thus one statement.
- ``stored`` is now, the same for the whole request; ``authority`` the caller's credential;
  ``timestamp`` defaults to ``stored`` and ``version`` to the request's version (D2.4.7–2.4.10).
- an id already stored is a no-op when the statement is the same by the spec's comparison
  (:mod:`xapi.comparison`), a :class:`~xapi.errors.Conflict` otherwise.

Concurrency: rows go in with one ``INSERT … ON CONFLICT DO NOTHING`` per request, in id order
(:mod:`xapi.batch_insert`), so two workers storing the same id at once both succeed, and the
loser compares like any re-send; the common order means they cannot deadlock. (So within one
request, which shares one ``stored``, rows are numbered in id order, not request order.)
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update

from lti_tool.core.db import db
from xapi import actors, batch_insert, related, timestamps
from xapi.comparison import canonical_text, same_statement
from xapi.errors import BadRequest, Conflict, XapiError
from xapi.jsonbody import dumps
from xapi.keys import actor_key, indexed, statement_ref_target
from xapi.models import Statement
from xapi.validation.schemas.verb import VOIDED

_DERIVED_IDS = uuid.UUID("6f1c1f5e-3d0b-4d6c-9a57-0c8e3c2b7a41")  # namespace of derived ids
_OVERWRITTEN = frozenset({"stored", "authority"})  # the LRS sets these (D2.4.8.s3.b2, D2.4.9)
_CONFLICT = (
    "A different statement with the id {id} is already stored; nothing from this request "
    "was stored."
)
_VOIDING_VOIDING = "A voiding statement cannot itself be voided."


@dataclass(frozen=True)
class Sender:
    """Who stores: the credential's tenant and authority, and the request's xAPI version."""

    tenant_id: int
    authority: dict[str, Any]
    version: str  # statement ``version`` when the statement has none: "1.0.0" or "2.0.0"
    derive_ids: bool = True


Refusal = tuple[int, str, str]  # (index in the statements given, path in it, rule)


@dataclass(frozen=True)
class Recorded:
    ids: list[str]  # one per statement sent, in order: what POST answers
    new_ids: list[str]  # lower case, only the statements this request stored
    refused: list[Refusal] = field(default_factory=list)  # only without all_or_nothing


@dataclass(frozen=True, eq=False)  # hashed by identity: a key of the refusals
class _Row:
    statement: dict[str, Any]
    returned_id: str
    index: int
    path: str  # "statements[3]" in an array, "" for a single statement
    values: dict[str, Any]

    @property
    def statement_id(self) -> str:
        return self.values["statement_id"]


def record(
    statements: list[dict[str, Any]],
    sender: Sender,
    *,
    batch: bool,
    all_or_nothing: bool = True,
    commit_alone: bool = False,
) -> Recorded:
    """Store the (validated) statements of one request; see the module docstring.

    ``commit_alone``: the caller writes nothing else and commits right after. Then a single
    statement whose storing is one INSERT and nothing more (it voids nothing, involves no agent
    but its actor and object, and its actor is settled) is committed by that INSERT itself."""
    stored = timestamps.stored_now()
    shown = timestamps.format_stored(stored)
    rows = [
        _prepare(statement, sender, (stored, shown), index, f"statements[{index}]" if batch else "")
        for index, statement in enumerate(statements)
    ]
    # Two id-less statements with the same content and timestamp get the same derived id.
    unique = list({row.statement_id: row for row in reversed(rows)}.values())
    refused = _refuse(_voiding_of_voiding(sender.tenant_id, unique), all_or_nothing, BadRequest)
    unique = [row for row in unique if row not in refused]
    actors.settle_looked_at(sender.tenant_id, [_person_key(row.statement) for row in unique])
    alone = commit_alone and _one_insert(sender.tenant_id, unique)
    inserted = batch_insert.insert(sender.tenant_id, [row.values for row in unique], alone=alone)
    earlier = [row for row in unique if row.statement_id not in inserted]
    refused.update(_refuse(_conflicts(sender.tenant_id, earlier), all_or_nothing, Conflict))
    new = [row for row in unique if row.statement_id in inserted]
    # For GET's agent filter and related_agents (xapi.related: usually nothing to write).
    related.index(sender.tenant_id, [(row.statement_id, row.statement) for row in new])
    _void_targets(sender.tenant_id, new, inserted)
    actors.note(sender.tenant_id, {row.statement_id: _person_key(row.statement) for row in new})
    return Recorded(
        [row.returned_id for row in rows],
        [row.statement_id for row in new],
        [(row.index, path, rule) for row, (path, rule) in refused.items()],
    )


def _refuse(
    found: dict[_Row, tuple[str, str]], all_or_nothing: bool, error: type[XapiError]
) -> dict[_Row, tuple[str, str]]:
    """Raise ``error`` for what was found, all or nothing; else hand it back to be reported."""
    if found and all_or_nothing:
        first = next(iter(found))
        message = _CONFLICT.format(id=first.returned_id) if error is Conflict else _VOIDING_VOIDING
        raise error(message, [(_join(row.path, path), rule) for row, (path, rule) in found.items()])
    return found


def _prepare(
    statement: dict[str, Any],
    sender: Sender,
    now: tuple[dt.datetime, str],  # ``stored``, and as we return it
    index: int,
    path: str,
) -> _Row:
    stored, shown = now
    sent_id = statement.get("id")
    returned_id = sent_id or _new_id(statement, sender)
    assigned: dict[str, Any] = {} if sent_id else {"id": returned_id}
    if "timestamp" not in statement:
        assigned["timestamp"] = shown
    assigned["stored"] = shown
    assigned["authority"] = sender.authority
    if "version" not in statement:
        assigned["version"] = sender.version
    received = {key: value for key, value in statement.items() if key not in _OVERWRITTEN}
    values = {
        "tenant_id": sender.tenant_id,
        "statement_id": returned_id.lower(),
        "received": dumps(received),
        "assigned": dumps(assigned),
        "stored": stored,
        "voided": False,
        **_query_columns(statement, stored),
    }
    return _Row(statement, returned_id, index, path, values)


def _query_columns(statement: dict[str, Any], stored: Any) -> dict[str, Any]:
    target = statement["object"]
    kind = target.get("objectType", "Activity")
    verb_id = statement["verb"]["id"]
    registration = statement.get("context", {}).get("registration")
    return {
        "timestamp": timestamps.parse(statement["timestamp"])
        if "timestamp" in statement
        else stored,
        "verb_id": indexed(verb_id),
        "activity_id": indexed(target["id"]) if kind == "Activity" else None,
        "actor_key": actor_key(statement["actor"]),
        "object_agent_key": actor_key(target) if kind in ("Agent", "Group") else None,
        "registration": registration.lower() if registration else None,
        "voids_id": target["id"].lower() if verb_id == VOIDED else None,
        "object_statement_id": statement_ref_target(statement),
    }


def _new_id(statement: dict[str, Any], sender: Sender) -> str:
    """A random UUID; or, for a timestamped statement, one derived from exactly what was sent
    (not the looser comparison form: two events that differ only in an activity's definition
    stay two statements), so that only a true re-delivery maps to the same id."""
    if not sender.derive_ids or "timestamp" not in statement:
        return str(uuid.uuid4())
    content = {key: value for key, value in statement.items() if key not in _OVERWRITTEN}
    return str(uuid.uuid5(_DERIVED_IDS, f"{sender.tenant_id}\n{canonical_text(content)}"))


def _one_insert(tenant_id: int, rows: list[_Row]) -> bool:
    """Whether storing ``rows`` writes one row of ``xapi_statement`` and nothing else."""
    if len(rows) != 1:
        return False
    statement = rows[0].statement
    key = _person_key(statement)
    return (
        not rows[0].values["voids_id"]
        and (key is None or actors.settled(tenant_id, key))
        and not related.related_keys(statement)
    )


def _person_key(statement: dict[str, Any]) -> str | None:
    """The actor key worth mapping to a user: an Agent's, not a Group's."""
    actor = statement["actor"]
    return None if actor.get("objectType") == "Group" else actor_key(actor)


def _voiding_of_voiding(tenant_id: int, rows: list[_Row]) -> dict[_Row, tuple[str, str]]:
    """Voiding a voiding statement is refused, as ADL's LRS does (XAPI-00016 allows it)."""
    voiding = {row.statement_id for row in rows if row.values["voids_id"]}
    targets = {row.values["voids_id"] for row in rows if row.values["voids_id"]}
    if not targets:
        return {}
    stored_voiding = db.session.scalars(
        select(Statement.statement_id).where(
            Statement.tenant_id == tenant_id,
            Statement.statement_id.in_(targets),
            Statement.voids_id.is_not(None),
        )
    )
    refused = targets & (voiding | set(stored_voiding))
    rule = "points to a voiding statement, which cannot be voided"
    return {row: ("object.id", rule) for row in rows if row.values["voids_id"] in refused}


def _conflicts(tenant_id: int, rows: list[_Row]) -> dict[_Row, tuple[str, str]]:
    """Those of ``rows`` (ids already stored) whose stored statement is not the same one."""
    if not rows:
        return {}
    found = db.session.execute(
        select(Statement.statement_id, Statement.received).where(
            Statement.tenant_id == tenant_id,
            Statement.statement_id.in_([row.statement_id for row in rows]),
        )
    )
    stored = {statement_id: received for statement_id, received in found}
    rule = "is already used by a different statement"
    return {
        row: ("id", rule)
        for row in rows
        if (earlier := stored.get(row.statement_id)) is None
        or not same_statement(json.loads(earlier), row.statement)
    }


def _void_targets(tenant_id: int, new: list[_Row], voided_before: dict[str, bool]) -> None:
    """Mark voided what the new voiding statements point to, and new statements that an
    earlier voiding statement already pointed to (it may arrive first: D2.3.2.s2.b5)."""
    targets = {row.values["voids_id"] for row in new if row.values["voids_id"]}
    targets.update(
        row.statement_id
        for row in new
        if not row.values["voids_id"] and voided_before[row.statement_id]
    )
    if targets:
        _mark_voided(tenant_id, Statement.statement_id.in_(targets))


def _mark_voided(tenant_id: int, *conditions: Any) -> None:
    db.session.execute(
        update(Statement)
        .where(Statement.tenant_id == tenant_id, Statement.voids_id.is_(None), *conditions)
        .values(voided=True)
        .execution_options(synchronize_session=False)
    )


def _join(path: str, rest: str) -> str:
    return f"{path}.{rest}" if path else rest
