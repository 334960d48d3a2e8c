"""What every xAPI object schema shares: unknown keys are errors, and one wording for them.

Schema attributes carry the spec's JSON key names (``objectType``, ``mbox_sha1sum``) so that a
schema reads like the property table it implements.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from marshmallow import RAISE, Schema, ValidationError, validates_schema

from xapi.validation.fields import XapiField

# 1.0.3 D2.2.s4.b1.b7 / XAPI-00010 and 2.0 §4.2.1: keys the spec does not define are rejected
# everywhere except inside extension maps; case counts (D2.2.s4.b1.b5).
UNKNOWN = "is not a property xAPI defines here (check the spelling and case; custom data belongs in extensions)"

SchemaT = TypeVar("SchemaT", bound=Schema)


class XapiSchema(Schema):
    class Meta:
        unknown = RAISE

    error_messages: ClassVar[dict[str, Any]] = {"unknown": UNKNOWN, "type": "must be a JSON object"}


@functools.cache
def shared(schema_class: type[SchemaT]) -> SchemaT:
    """One instance per schema class: loading keeps no state on the instance."""
    return schema_class()


def object_rule(rule: Callable[[Any, dict[str, Any]], None]) -> Any:
    """Declare a rule across an object's properties, checked on the input as sent.

    It runs even when some property failed its own check, so that one request reports every
    broken rule, and is skipped when the input is not a JSON object at all (the schema
    already says so).  The rule raises ``ValidationError`` to report.
    """

    @functools.wraps(rule)
    def check(self: Any, data: Any, original: Any, **kwargs: Any) -> None:
        if isinstance(original, dict):
            rule(self, original)

    check.object_rule = rule  # type: ignore[attr-defined]  # the quick check calls it as is
    return validates_schema(pass_original=True, skip_on_field_errors=False)(check)


class OneSchemaOf(XapiField):
    """A JSON object loaded by the schema :meth:`schema_for` picks from the object itself
    (an Agent or a Group by ``objectType``, say).  Subclasses define only ``schema_for``, which
    raises ``ValidationError`` for a value no schema fits; the quick check relies on that."""

    def schema_for(self, value: Any) -> type[Schema]:
        raise NotImplementedError

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return shared(self.schema_for(value)).load(value)


class OneOrMany(XapiField):
    """One object, or an array of them, each loaded by ``item_schema``; a subclass sets
    ``item_schema`` and, if it likes, the wording for a value that is neither."""

    item_schema: ClassVar[type[Schema]]
    neither: ClassVar[str] = "must be an object or an array of objects"

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, dict):
            return shared(self.item_schema).load(value)
        if not isinstance(value, list):
            raise ValidationError(self.neither)
        errors: dict[int, Any] = {}
        for index, item in enumerate(value):
            try:
                shared(self.item_schema).load(item)
            except ValidationError as error:
                errors[index] = error.messages
        if errors:
            raise ValidationError(errors)
        return value
