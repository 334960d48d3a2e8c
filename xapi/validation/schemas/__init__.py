"""The marshmallow schemas for xAPI statements, one module per part of a statement.

A statement is first put to the schemas' quick check (:mod:`xapi.validation.quick`), which
answers "valid" for the common shapes without marshmallow's bookkeeping; anything else is
loaded through the schemas (:func:`schema_errors`), which decide and name every broken rule.
"""

from __future__ import annotations

from marshmallow import ValidationError

from xapi.validation.errors import Error, flatten
from xapi.validation.quick import Check, Compiler
from xapi.validation.schemas.base import shared
from xapi.validation.schemas.statement import Statement2Schema, StatementSchema
from xapi.validation.versions import RULES_1_0_3, RULES_2_0_0

STATEMENT_SCHEMAS = {RULES_1_0_3: StatementSchema, RULES_2_0_0: Statement2Schema}
_compiler = Compiler()
QUICK_CHECKS: dict[str, Check] = {
    rules: _compiler.schema_class(schema) for rules, schema in STATEMENT_SCHEMAS.items()
}


def statement_errors(statement: object, rules: str) -> list[Error]:
    """Every rule one statement breaks under a rule set, as ``(path, message)`` pairs."""
    if not isinstance(statement, dict):
        return [("", "a statement must be a JSON object")]
    if QUICK_CHECKS[rules](statement):
        return []
    return schema_errors(statement, rules)


def schema_errors(statement: dict[str, object], rules: str) -> list[Error]:
    """What the schemas alone say of one statement (a JSON object): the rules it breaks."""
    try:
        shared(STATEMENT_SCHEMAS[rules]).load(statement)
    except ValidationError as error:
        return flatten(error.messages)
    return []
