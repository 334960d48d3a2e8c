"""A statement's ``object``: whichever of Activity, Agent, Group, StatementRef or SubStatement
its ``objectType`` names; without ``objectType`` it is an Activity (D2.4.4.s2, XAPI-00046).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError

from xapi.validation.schemas.activities import ActivitySchema
from xapi.validation.schemas.agents import IFIS, AgentSchema, GroupSchema
from xapi.validation.schemas.base import OneSchemaOf
from xapi.validation.schemas.statement_ref import StatementRefSchema

OBJECT_TYPES = ("Activity", "Agent", "Group", "StatementRef", "SubStatement")
_SCHEMAS: dict[str, type[Schema]] = {
    "Activity": ActivitySchema,
    "Agent": AgentSchema,
    "Group": GroupSchema,
    "StatementRef": StatementRefSchema,
}
_NO_NESTING = "a SubStatement cannot contain another SubStatement"
_UNKNOWN_TYPE = f"must be one of {', '.join(OBJECT_TYPES)} (exact case)"
# D2.4.4.2.s1: an Agent or Group object must say so, or it reads as an Activity.
_AGENT_UNDECLARED = 'is required when the object is an Agent or a Group ("Agent" or "Group")'


def object_type(statement_object: dict[str, Any]) -> Any:
    return statement_object.get("objectType", "Activity")


class StatementObject(OneSchemaOf):
    """The object field; ``substatement`` is the SubStatement schema, or None where a
    SubStatement may not appear (inside another SubStatement, XAPI-00071)."""

    def __init__(self, substatement: type[Schema] | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.substatement = substatement

    def schema_for(self, value: Any) -> type[Schema]:
        if not isinstance(value, dict):
            raise ValidationError(f"must be a JSON object: one of {', '.join(OBJECT_TYPES)}")
        kind = object_type(value)
        if kind == "SubStatement" and self.substatement is None:
            raise _object_type_error(_NO_NESTING)
        if kind == "SubStatement":
            return self.substatement
        if not isinstance(kind, str) or kind not in _SCHEMAS:
            raise _object_type_error(_UNKNOWN_TYPE)
        if "objectType" not in value and any(key in value for key in IFIS):
            raise _object_type_error(_AGENT_UNDECLARED)
        return _SCHEMAS[kind]


def _object_type_error(message: str) -> ValidationError:
    return ValidationError({"objectType": [message]})
