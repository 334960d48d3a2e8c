"""Taking in statements from elsewhere: pulled from an LRS (:mod:`xapi.pulling`) or read from a
file (:mod:`xapi.importing`), through the listener's validation and store.

The listener is all or nothing per request, as the spec asks of an LRS (1.0.3 Communication
3.2.s3.b9): its sender can fix the request and send it again. Here the source is an existing
record that LearnLoop cannot ask to change, so a statement that is invalid, or that cannot be
stored (its id already holds other content), is skipped and reported with its position, and
the rest is stored. One bad statement must not hold back the ones around it, nor block a pull
forever. A statement twice in one batch (the same id, the same content) is one statement.

Attachment data (``parts``, by ``sha2``: an LRS's ``multipart/mixed`` answer, already checked
against its hashes by :mod:`xapi.attachments.multipart`) is kept as the listener keeps it
(:func:`xapi.attachments.storage.keep`), for the statements stored and only the data they name.
A signed statement whose signature came as a part must pass the listener's signature checks
(:mod:`xapi.attachments.signatures`), or it is skipped. An attachment whose data did not come
(no part, no ``fileUrl``) does not hold its statement back either: the statement is stored, and
counted in ``without_data`` unless that data is already here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app

from xapi import store
from xapi.attachments import signatures, storage
from xapi.attachments.multipart import Part
from xapi.attachments.parts import attachments_of
from xapi.comparison import same_statement
from xapi.errors import BadRequest
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
    kept: int = 0  # attachment parts kept with the stored statements
    without_data: int = 0  # stored statements naming attachment data that LearnLoop lacks


def sender(tenant_id: int, name: str, version: str) -> store.Sender:
    """Who stores what LearnLoop takes in: ``authority`` names this LearnLoop and the source."""
    home_page = current_app.config["BASE_URL"]
    return store.Sender(
        tenant_id=tenant_id,
        authority={"objectType": "Agent", "account": {"homePage": home_page, "name": name}},
        version="2.0.0" if version.startswith("2.") else "1.0.0",
        derive_ids=bool(current_app.config["XAPI_DERIVE_MISSING_IDS"]),
    )


def take_in(
    items: Sequence[Item],
    by: store.Sender,
    version: str,
    parts: Mapping[str, Part] | None = None,
) -> Taken:
    """Validate under ``version``'s rules and store what is valid, with the attachment data in
    ``parts`` that it names (see the module docstring); flushes, never commits."""
    parts = parts or {}
    problems: dict[int, Problem] = {}
    valid = _signed(items, _valid(items, version, problems), parts, version, problems)
    recorded = store.record(
        [items[n].statement for n in valid], by, batch=True, all_or_nothing=False
    )
    for index, path, rule in recorded.refused:
        n = valid[index]
        problems[n] = Problem(items[n].position, format_error(path, rule))
    stored = [items[n].statement for n in valid if n not in problems]
    named = {sha2: parts[sha2] for sha2 in storage.named_by(stored) if sha2 in parts}
    storage.keep(by.tenant_id, stored, named)
    return Taken(
        recorded.new_ids,
        len(stored),
        [problems[n] for n in sorted(problems)],
        len(named),
        _without_data(by.tenant_id, stored, named),
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


def _signed(
    items: Sequence[Item],
    valid: list[int],
    parts: Mapping[str, Part],
    version: str,
    problems: dict[int, Problem],
) -> list[int]:
    """``valid`` less the statements whose signature part fails the listener's checks."""
    if not parts:
        return valid
    passed = []
    for n in valid:
        try:
            signatures.check([items[n].statement], parts, version, batch=False)
        except BadRequest as exc:
            problems[n] = Problem(items[n].position, format_error(*exc.errors[0]))
            continue
        passed.append(n)
    return passed


def _without_data(
    tenant_id: int, statements: list[dict[str, Any]], parts: Mapping[str, Part]
) -> int:
    """How many of ``statements`` name data (no ``fileUrl``) neither in ``parts`` nor kept here."""
    lacking = [
        {a["sha2"].lower() for _, a in attachments_of(s) if "fileUrl" not in a} - parts.keys()
        for s in statements
    ]
    wanted = set().union(*lacking)
    if not wanted:
        return 0
    here = storage.sizes(tenant_id, wanted).keys()
    return sum(1 for sha2s in lacking if sha2s - here)


def _reason(exc: StatementInvalid) -> str:
    shown = "; ".join(format_error(path, rule) for path, rule in exc.errors[:_ERRORS_SHOWN])
    hidden = len(exc.errors) - _ERRORS_SHOWN
    return f"{shown} (and {hidden} more)" if hidden > 0 else shown
