"""The query parameters of ``GET /xapi/statements`` (1.0.3 Communication 2.1.3), checked like
statement values: unknown, mis-cased, repeated or ill-formed parameters are a 400 (XAPI-00012,
XAPI-00150/00151, XAPI-00324/00325).

What a query keeps is its :class:`~xapi.reading.Filters`; how the statements come back
(``format``, ``attachments``) its :class:`Shape`, which a single statement has too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from xapi import jsonbody, keys, timestamps
from xapi.errors import BadRequest
from xapi.reading import Filters
from xapi.result_formats import FORMATS
from xapi.validation import formats
from xapi.validation.errors import flatten
from xapi.validation.schemas.agents import AgentSchema, GroupSchema
from xapi.validation.schemas.base import shared

SINGLE = ("statementId", "voidedStatementId")
FILTERS = ("agent", "verb", "activity", "registration", "since", "until")
OPTIONS = ("limit", "ascending", "format", "attachments", "related_agents", "related_activities")
_BOOLEANS = ("ascending", "attachments", "related_agents", "related_activities")


@dataclass(frozen=True)
class Shape:
    """How statements come back: their ``format``, and with their attachments' data or not."""

    format: str = "exact"
    attachments: bool = False


@dataclass(frozen=True)
class Single:
    statement_id: str  # lower case
    voided: bool  # asked by voidedStatementId
    shape: Shape = Shape()


@dataclass(frozen=True)
class Query:
    filters: Filters
    ascending: bool
    limit: int
    shape: Shape = Shape()


def parse(args: MultiDict[str, str], page_size: int, max_page_size: int) -> Single | Query:
    values = _single_values(args)
    if "statementId" in values or "voidedStatementId" in values:
        return _single(values)
    options = _options(values)
    limit = int(values["limit"]) if "limit" in values else page_size
    filters: dict[str, Any] = {
        _FILTER_FIELDS.get(name, name): parse_filter(name, values[name])
        for name in FILTERS
        if name in values
    }
    related = {name: options[name] for name in ("related_agents", "related_activities")}
    return Query(
        filters=Filters(**filters, **related),
        ascending=options["ascending"],
        limit=min(limit or max_page_size, max_page_size),  # 0 asks for the server's maximum
        shape=_shape(values, options),
    )


def _single_values(args: MultiDict[str, str]) -> dict[str, str]:
    for name in args:
        if name not in (*SINGLE, *FILTERS, *OPTIONS):
            raise BadRequest(f"Unknown parameter {name!r} (names are case-sensitive).")
        if len(args.getlist(name)) > 1:
            raise BadRequest(f"The parameter {name!r} is given more than once.")
    return args.to_dict()


def _single(values: dict[str, str]) -> Single:
    if "statementId" in values and "voidedStatementId" in values:
        raise BadRequest("Send statementId or voidedStatementId, not both.")
    extra = set(values) - {*SINGLE, "format", "attachments"}
    if extra:
        raise BadRequest(
            f"statementId and voidedStatementId take no other parameters than format and "
            f"attachments (got {', '.join(sorted(extra))})."
        )
    options = _options(values)
    name = "statementId" if "statementId" in values else "voidedStatementId"
    statement_id = _checked(name, values[name], formats.check_uuid).lower()
    return Single(statement_id, name != "statementId", _shape(values, options))


def _shape(values: dict[str, str], options: dict[str, Any]) -> Shape:
    return Shape(values.get("format", "exact"), options["attachments"])


def _options(values: dict[str, str]) -> dict[str, Any]:
    booleans = {name: _boolean(name, values.get(name, "false")) for name in _BOOLEANS}
    if values.get("format", "exact") not in FORMATS:
        raise BadRequest(f"format must be one of {', '.join(FORMATS)} (names are case-sensitive).")
    if "limit" in values and not (values["limit"].isascii() and values["limit"].isdigit()):
        raise BadRequest("limit must be a whole number, 0 or more.")
    return booleans


def _boolean(name: str, value: str) -> bool:
    if value not in ("true", "false"):
        raise BadRequest(f'{name} must be "true" or "false".')
    return value == "true"


def parse_filter(name: str, value: str) -> Any:
    """One filter parameter as its column value: an actor key, an indexed IRI, a UUID or instant."""
    if name == "agent":
        return _agent_key(value)
    if name == "verb":
        return keys.indexed(_checked(name, value, formats.check_iri))
    if name == "activity":  # xapi.reading also looks for it in the text of statements
        return _checked(name, value, formats.check_iri)
    if name == "registration":
        return _checked(name, value, formats.check_uuid).lower()
    return timestamps.parse(_checked(name, value, formats.check_timestamp))


_FILTER_FIELDS = {"agent": "agent_key", "verb": "verb_id", "activity": "activity_id"}


def _checked(name: str, value: str, check: Callable[[str], str | None]) -> str:
    if reason := check(value):
        raise BadRequest(f"{name} {reason}.", [(name, reason)])
    return value


def _agent_key(value: str) -> str:
    try:
        agent = jsonbody.loads(value)
    except jsonbody.BadJson as exc:
        raise BadRequest(f"agent must be an Agent or identified Group as JSON: {exc}.") from exc
    if not isinstance(agent, dict):
        raise BadRequest("agent must be an Agent or identified Group as a JSON object.")
    schema = GroupSchema if agent.get("objectType") == "Group" else AgentSchema
    try:
        shared(schema).load(agent)
    except ValidationError as exc:
        errors = [(f"agent.{path}" if path else "agent", m) for path, m in flatten(exc.messages)]
        raise BadRequest(f"agent is not a valid Agent or Group: {errors[0][1]}.", errors) from exc
    key = keys.actor_key(agent)
    if key is None:
        raise BadRequest("agent must identify someone: an anonymous Group cannot be a filter.")
    return key
