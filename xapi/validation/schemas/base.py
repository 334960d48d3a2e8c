"""What every xAPI object schema shares: unknown keys are errors, and one wording for them.

Schema attributes carry the spec's JSON key names (``objectType``, ``mbox_sha1sum``) so that a
schema reads like the property table it implements.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from marshmallow import RAISE, Schema, validates_schema

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

    return validates_schema(pass_original=True, skip_on_field_errors=False)(check)
