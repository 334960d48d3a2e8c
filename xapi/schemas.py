"""From an HTTP request body to validated statements: content type, strict JSON, our validator.

In an ``application/json`` body every attachment needs a ``fileUrl`` (C1.5.1, XAPI-00129); raw
attachment data travels in a ``multipart/mixed`` body, whose parts :mod:`xapi.attachments`
reads and matches (it passes its statements part here ``with_parts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xapi import jsonbody
from xapi.errors import BadRequest
from xapi.validation import StatementInvalid, validate_statements
from xapi.validation.errors import format_error

NEEDS_URL = (
    "is required in an application/json body; send the attachment's data as a part of a "
    "multipart/mixed body instead"
)


@dataclass(frozen=True)
class Body:
    statements: list[dict[str, Any]]
    batch: bool  # the body was an array (error paths start "statements[i].")


def statements_in(
    mimetype: str, data: bytes, rules: str, *, single: bool = False, with_parts: bool = False
) -> Body:
    """The valid statements of a POST (one or an array) or PUT (``single``) body, or 400.

    ``with_parts``: the statements part of a ``multipart/mixed`` body, whose attachments may
    come without a ``fileUrl`` (the caller matches them with the parts).
    """
    if mimetype != "application/json":
        shown = mimetype or "none"
        raise BadRequest(
            f"Content-Type must be application/json, or multipart/mixed with attachments "
            f"(was {shown})."
        )
    try:
        parsed = jsonbody.loads(data)
    except jsonbody.BadJson as exc:
        raise BadRequest(f"The body is not valid JSON: {exc}.") from exc
    if single and not isinstance(parsed, dict):
        raise BadRequest("PUT stores one statement: the body must be a JSON object.")
    try:
        statements = validate_statements(parsed, rules)
    except StatementInvalid as exc:
        raise BadRequest(_summary(exc.errors), exc.errors) from exc
    batch = isinstance(parsed, list)
    if not with_parts and (errors := _attachments_without_url(statements, batch)):
        raise BadRequest(_summary(errors), errors)
    return Body(statements, batch)


def _summary(errors: list[tuple[str, str]]) -> str:
    first = format_error(*errors[0]) if errors else "the statements are not valid"
    others = len(errors) - 1
    more = f" (and {others} more problem{'s' if others > 1 else ''})" if others else ""
    return f"Invalid statement: {first}{more}. Nothing was stored."


def _attachments_without_url(statements: list[dict[str, Any]], batch: bool) -> list[Any]:
    errors = []
    for index, statement in enumerate(statements):
        prefix = f"statements[{index}]." if batch else ""
        for position, attachment in enumerate(statement.get("attachments", [])):
            if "fileUrl" not in attachment:
                path = f"{prefix}attachments[{position}].fileUrl"
                errors.append((path, NEEDS_URL))
    return errors
