"""Related agents: whom a statement involves besides its actor and object, for the ``agent``
filter of ``GET statements`` (1.0.3 Communication 2.1.3; 2.0 §4.1.6.1).

- The plain ``agent`` filter matches the actor or the object, and a Group there "that has
  members which match the specified Agent" (both versions). The actor and object keys are
  columns of ``xapi_statement``; the members of such a Group are rows here (``related_only``
  false).
- ``related_agents=true`` widens it to the authority, ``context.instructor`` and
  ``context.team`` (2.0 adds ``contextAgents`` and ``contextGroups``), the same places inside a
  SubStatement, and the members of every Group among them: rows here with ``related_only``
  true. The authority is never a row: it is always an account of this LearnLoop
  (:func:`xapi.auth.authority`), matched in ``assigned`` by :mod:`xapi.reading`.

The rows are written with the statement (:func:`index`, called by :mod:`xapi.store`), and only
where there is something to write: a statement whose agents are its actor and object alone
(Moodle's, mostly) costs one walk over its ``context`` and nothing in the database.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from lti_tool.core.db import db
from xapi.keys import actor_key
from xapi.models import RelatedAgent

_AGENTS = ("Agent", "Group")


def index(tenant_id: int, statements: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Write the related agents of new ``(statement id, statement)`` pairs; flushes nothing."""
    rows = [
        {
            "tenant_id": tenant_id,
            "statement_id": statement_id,
            "agent_key": key,
            "related_only": related_only,
        }
        for statement_id, statement in statements
        for key, related_only in related_keys(statement)
    ]
    if rows:
        db.session.execute(RelatedAgent.__table__.insert(), rows)


def related_keys(statement: dict[str, Any]) -> list[tuple[str, bool]]:
    """``(actor key, related only)`` of everyone a valid statement involves, but the actor, the
    object and the authority themselves; each key once, plain before related-only."""
    plain = set(_members(statement["actor"])) | set(_members(_agent_object(statement)))
    related = {key for agent in _related_agents(statement) for key in _with_members(agent)}
    return [(key, False) for key in sorted(plain)] + [
        (key, True) for key in sorted(related - plain)
    ]


def _related_agents(statement: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from _context_agents(statement.get("context", {}))
    target = statement["object"]
    if target.get("objectType") == "SubStatement":
        yield target["actor"]
        if (inner := _agent_object(target)) is not None:
            yield inner
        yield from _context_agents(target.get("context", {}))


def _context_agents(context: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for name in ("instructor", "team"):
        if name in context:
            yield context[name]
    for item in context.get("contextAgents", []):
        yield item["agent"]
    for item in context.get("contextGroups", []):
        yield item["group"]


def _agent_object(statement: dict[str, Any]) -> dict[str, Any] | None:
    target = statement["object"]
    return target if target.get("objectType") in _AGENTS else None


def _with_members(agent: dict[str, Any]) -> Iterator[str]:
    if (key := actor_key(agent)) is not None:
        yield key
    yield from _members(agent)


def _members(agent: dict[str, Any] | None) -> Iterator[str]:
    for member in (agent or {}).get("member", []):
        if (key := actor_key(member)) is not None:
            yield key
