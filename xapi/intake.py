"""Taking in statements from elsewhere: pulled from an LRS (:mod:`xapi.pulling`) or read from a
file (:mod:`xapi.importing`), through the listener's validation and store.

The listener is all or nothing per request, as the spec asks of an LRS (1.0.3 Communication
3.2.s3.b9): its sender can fix the request and send it again. Here the source is an existing
record that LearnLoop cannot ask to change, so a statement that is invalid, or that cannot be
stored (its id already holds other content), is skipped and reported with its position, and
the rest is stored. One bad statement must not hold back the ones around it, nor block a pull
forever. A statement twice in one batch (the same id, the same content) is one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app

from xapi import store
from xapi.comparison import same_statement
from xapi.validation import StatementInvalid, validate_statement
from xapi.validation.errors import format_error

_ERRORS_SHOWN = 5  # per statement; a garbage statement can break dozens of rules


@dataclass(frozen=True)
class Item:
    position: str  # where it came from, as a person finds it: "line 12", "page 2, statements[7]"
    statement: Any  # parsed JSON, not yet validated


@dataclass(frozen=True)
class Problem:
    position: str
    reason: str  # "actor.mbox: must start with "mailto:""

    def __str__(self) -> str:
        return f"{self.position}: {self.reason}"


@dataclass(frozen=True)
class Taken:
    new_ids: list[str]  # stored now (announce these)
    accepted: int  # valid and stored, now or before
    problems: list[Problem]  # skipped, in the order of the items


def sender(tenant_id: int, name: str, version: str) -> store.Sender:
    """Who stores what LearnLoop takes in: ``authority`` names this LearnLoop and the source."""
    home_page = current_app.config["BASE_URL"]
    return store.Sender(
        tenant_id=tenant_id,
        authority={"objectType": "Agent", "account": {"homePage": home_page, "name": name}},
        version="2.0.0" if version.startswith("2.") else "1.0.0",
        derive_ids=bool(current_app.config["XAPI_DERIVE_MISSING_IDS"]),
    )


def take_in(items: Sequence[Item], by: store.Sender, version: str) -> Taken:
    """Validate under ``version``'s rules and store what is valid; flushes, never commits."""
    problems: dict[int, Problem] = {}
    valid = _valid(items, version, problems)
    recorded = store.record(
        [items[n].statement for n in valid], by, batch=True, all_or_nothing=False
    )
    for index, path, rule in recorded.refused:
        n = valid[index]
        problems[n] = Problem(items[n].position, format_error(path, rule))
    return Taken(
        recorded.new_ids,
        len(valid) - len(recorded.refused),
        [problems[n] for n in sorted(problems)],
    )


def _valid(items: Sequence[Item], version: str, problems: dict[int, Problem]) -> list[int]:
    """Indexes of the valid items, each id once; the others' problems go into ``problems``."""
    valid: list[int] = []
    first_with_id: dict[str, int] = {}
    for n, item in enumerate(items):
        try:
            validate_statement(item.statement, version)
        except StatementInvalid as exc:
            problems[n] = Problem(item.position, _reason(exc))
            continue
        statement_id = item.statement.get("id")
        key = statement_id.lower() if statement_id else None
        if key is not None and key in first_with_id:
            first = items[first_with_id[key]]
            if not same_statement(first.statement, item.statement):
                reason = f"id: {first.position} has this id with other content"
                problems[n] = Problem(item.position, reason)
            continue
        if key is not None:
            first_with_id[key] = n
        valid.append(n)
    return valid


def _reason(exc: StatementInvalid) -> str:
    shown = "; ".join(format_error(path, rule) for path, rule in exc.errors[:_ERRORS_SHOWN])
    hidden = len(exc.errors) - _ERRORS_SHOWN
    return f"{shown} (and {hidden} more)" if hidden > 0 else shown
