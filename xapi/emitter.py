"""The emitter: LearnLoop's own statements, on their way to the tenant's LRS.

:func:`emit` is called by the domain whose event it is, inside that event's transaction: the
statement is validated (by our own validator, under both the 1.0.3 and the 2.0 rules, since it
may go to an LRS of either), and written to the outbox with one :class:`~xapi.models.Delivery`
per sending connection. It flushes and never commits: the event and its statement are committed
together, or neither is. The ``xapi.deliver`` job (:mod:`xapi.delivery`) takes it from there.

The statement's ``id`` is fixed here (a random UUID unless the caller chose one), and so is its
``timestamp``: every attempt sends the very same statement, so a re-sent one is a no-op at the
LRS (1.0.3 Communication 2.1.2: an LRS stores an id once).

A tenant with no sending connection gets nothing written: there is nobody to tell, and a
connection added later starts with the statements emitted after it. A caller on a hot path
asks :func:`wanted` first, and builds no statement that nobody would get.

Statements are plain dicts (the ``tincan`` package would add a dependency, and its classes,
for what a dict and our own validator already do).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from typing import Any

from lti_tool.core.db import db, utcnow
from xapi import connections, timestamps
from xapi.jsonbody import dumps
from xapi.models import Delivery, OutboxStatement
from xapi.validation import RULES_1_0_3, RULES_2_0_0, validate_statement


def emit(tenant_id: int, statement: Mapping[str, Any]) -> str:
    """Queue ``statement`` for the tenant's LRS connections; its id.

    Raises :class:`~xapi.validation.StatementInvalid` if it breaks an xAPI rule: a bug in the
    caller, which must not reach an LRS.
    """
    prepared = prepare(statement)
    destinations = connections.sending(tenant_id)
    if destinations:
        outbox = OutboxStatement(
            tenant_id=tenant_id, statement_id=prepared["id"].lower(), statement=dumps(prepared)
        )
        db.session.add(outbox)
        db.session.flush()
        now = utcnow()
        db.session.add_all(
            Delivery(outbox_id=outbox.id, connection_id=connection_id, next_attempt_at=now)
            for connection_id in destinations
        )
        db.session.flush()
    return prepared["id"]


def wanted(tenant_id: int) -> bool:
    """Whether the tenant has an LRS to send to: callers on a hot path (every launch) ask
    first, and spare themselves building a statement nobody would get."""
    return bool(connections.sending(tenant_id))


def prepare(statement: Mapping[str, Any]) -> dict[str, Any]:
    """The statement as it will be sent: with an id and a timestamp, and valid in 1.0.3 and 2.0."""
    prepared = copy.deepcopy(dict(statement))
    prepared.setdefault("id", str(uuid.uuid4()))
    prepared.setdefault("timestamp", timestamps.format_stored(utcnow()))
    for rules in (RULES_1_0_3, RULES_2_0_0):
        validate_statement(prepared, rules)
    return prepared
