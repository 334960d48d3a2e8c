"""The marshmallow schemas for xAPI statements, one module per part of a statement."""

from __future__ import annotations

from marshmallow import ValidationError

from xapi.validation.errors import Error, flatten
from xapi.validation.schemas.base import shared
from xapi.validation.schemas.statement import Statement2Schema, StatementSchema
from xapi.validation.versions import RULES_1_0_3, RULES_2_0_0

_STATEMENT_SCHEMAS = {RULES_1_0_3: StatementSchema, RULES_2_0_0: Statement2Schema}


def statement_errors(statement: object, rules: str) -> list[Error]:
    """Every rule one statement breaks under a rule set, as ``(path, message)`` pairs."""
    if not isinstance(statement, dict):
        return [("", "a statement must be a JSON object")]
    try:
        shared(_STATEMENT_SCHEMAS[rules]).load(statement)
    except ValidationError as error:
        return flatten(error.messages)
    return []
