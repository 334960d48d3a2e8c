"""From an HTTP request body to validated statements: content type, strict JSON, our validator.

Raw attachment data (``multipart/mixed``, 1.0.3 Communication 1.5.2) is not supported yet, so
a JSON body's attachments each need a ``fileUrl`` (C1.5.1, XAPI-00129).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xapi import jsonbody
from xapi.errors import BadRequest
from xapi.validation import StatementInvalid, validate_statements
from xapi.validation.errors import format_error

MULTIPART_REFUSED = (
    "Attachments with raw data (multipart/mixed) are not supported: send the statements as "
    "application/json, with a fileUrl on every attachment."
)


@dataclass(frozen=True)
class Body:
    statements: list[dict[str, Any]]
    batch: bool  # the body was an array (error paths start "statements[i].")


def statements_in(mimetype: str, data: bytes, rules: str, *, single: bool = False) -> Body:
    """The valid statements of a POST (one or an array) or PUT (``single``) body, or 400."""
    if mimetype == "multipart/mixed":
        raise BadRequest(MULTIPART_REFUSED)
    if mimetype != "application/json":
        shown = mimetype or "none"
        raise BadRequest(f"Content-Type must be application/json (was {shown}).")
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
    if errors := _attachments_without_url(statements, batch):
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
                errors.append((path, "is required: " + MULTIPART_REFUSED))
    return errors
