"""A quick yes for statements the schemas accept, compiled from those same schemas.

Loading a statement through the marshmallow tree costs about thirty nested loads and a
hundred field deserializations, most of it marshmallow's bookkeeping for error messages that a
valid statement never needs. A *quick check* walks the same schemas once, at import, and
builds one plain function per schema that answers ``True`` ("valid") or ``False`` ("not sure:
ask the schemas"). It uses the schemas' own parts (each field's format check, each
``@validates_schema`` rule) and nothing else, so the rules stay written once, in the schemas.

Its one promise: ``True`` only when the schemas would accept the value. On ``False`` the caller
loads through marshmallow, which decides and names every broken rule. A field or hook kind it
does not know runs through marshmallow's own ``Field.deserialize`` (exact, just not quick), and
a schema with load hooks or nested options is never answered quickly. For our own field kinds
it is in fact exact, both ways, on any parsed JSON; the differential tests hold it to that over
every conformance case (``tests/unit/xapi/conftest.py``) and over generated statements
(``tests/unit/xapi/test_xapi_quick_check.py``).

It leans on two facts about our schemas: their fields load a valid value as itself (so the
loaded data that a ``@validates_schema`` rule sees is the input), and the fields that choose a
schema from the value say how through :class:`~xapi.validation.schemas.base.OneSchemaOf` and
:class:`~xapi.validation.schemas.base.OneOrMany`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA

from xapi.validation.fields import Str
from xapi.validation.schemas.base import OneOrMany, OneSchemaOf, shared

Check = Callable[[Any], bool]


def _never(value: Any) -> bool:
    return False


class Compiler:
    """Builds the quick check of each schema once; schemas are shared, so are their checks."""

    def __init__(self) -> None:
        self._checks: dict[type[Schema], Check] = {}

    def schema(self, schema: Schema) -> Check:
        """The check of a (plain, shared) schema instance: its class's check."""
        if schema.only is not None or schema.exclude or schema.many or schema.partial:
            return _never  # options marshmallow applies per instance: not worth compiling
        kind = type(schema)
        if kind not in self._checks:
            self._checks[kind] = lambda value: self._checks[kind](value)  # while compiling
            self._checks[kind] = self._compile_schema(schema)
        return self._checks[kind]

    def schema_class(self, schema_class: type[Schema]) -> Check:
        return self.schema(shared(schema_class))

    def _compile_schema(self, schema: Schema) -> Check:
        hooks = schema._hooks  # marshmallow's resolved decorator hooks, by tag (marshmallow 4)
        if not all(isinstance(tag, str) for tag in hooks):
            return _never  # marshmallow 3 keys them by (tag, many): always ask the schemas
        if hooks[PRE_LOAD] or hooks[POST_LOAD] or hooks[VALIDATES]:
            return _never
        by_key = {
            field.data_key or name: self.field(field) for name, field in schema.load_fields.items()
        }
        required = tuple(
            field.data_key or name for name, field in schema.load_fields.items() if field.required
        )
        rules = tuple(_schema_rule(schema, *hook) for hook in hooks[VALIDATES_SCHEMA])
        if any(rule is None for rule in rules):
            return _never
        unknown_allowed = schema.unknown != RAISE
        return _object_check(by_key, required, rules, unknown_allowed)

    def field(self, field: fields.Field) -> Check:
        """A field's check; validators given with ``validate=`` run after it."""
        check = self._field_alone(field)
        if not field.validators:
            return check
        validators = tuple(field.validators)

        def validated(value: Any) -> bool:
            return check(value) and all(_passes(validator, value) for validator in validators)

        return validated

    def _field_alone(self, field: fields.Field) -> Check:
        kind = type(field)
        if field.allow_none:
            return _exact(field)
        if isinstance(field, Str) and kind._deserialize is Str._deserialize:
            return _string(field.check)
        if isinstance(field, fields.Nested) and _plain_nested(field):
            return self.schema(field.schema)
        if isinstance(field, fields.List) and kind._deserialize is fields.List._deserialize:
            return _array(self.field(field.inner))
        if isinstance(field, OneSchemaOf) and kind._deserialize is OneSchemaOf._deserialize:
            return self._chosen(field)
        if isinstance(field, OneOrMany) and kind._deserialize is OneOrMany._deserialize:
            return _one_or_many(self.schema_class(field.item_schema))
        return _exact(field)

    def _chosen(self, field: OneSchemaOf) -> Check:
        """For a field that picks its schema from the value (an Actor, a statement object)."""
        checks: dict[type[Schema], Check] = {}

        def check(value: Any) -> bool:
            try:
                schema_class = field.schema_for(value)
            except ValidationError:
                return False
            if schema_class not in checks:
                checks[schema_class] = self.schema_class(schema_class)
            return checks[schema_class](value)

        return check


def _plain_nested(field: fields.Nested) -> bool:
    return type(field)._deserialize is fields.Nested._deserialize and field.unknown is None


def _object_check(
    by_key: dict[str, Check],
    required: tuple[str, ...],
    rules: tuple[Check, ...],
    unknown_allowed: bool,
) -> Check:
    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        for key, item in value.items():
            field_check = by_key.get(key)
            if field_check is None:
                if unknown_allowed:
                    continue
                return False
            if not field_check(item):
                return False
        for key in required:
            if key not in value:
                return False
        return all(rule(value) for rule in rules)

    return check


def _schema_rule(schema: Schema, name: str, many: bool, options: dict[str, Any]) -> Check | None:
    """A ``@validates_schema`` method as a check; None for one over the whole collection."""
    if many:
        return None
    method = getattr(schema, name)
    pass_original = options.get("pass_original", False)
    if callable(getattr(method, "object_rule", None)):  # see schemas.base.object_rule
        return _object_rule(schema, method.object_rule)

    def rule(value: Any) -> bool:
        # Every field passed, and our fields load a value as itself: the loaded data is the input.
        arguments = (value, value) if pass_original else (value,)
        try:
            method(*arguments, partial=None, many=False, unknown=schema.unknown)
        except ValidationError:
            return False
        return True

    return rule


def _object_rule(schema: Schema, rule: Callable[[Schema, dict[str, Any]], None]) -> Check:
    """One of our ``@object_rule`` methods, called as written: on the object as sent."""

    def check(value: Any) -> bool:
        try:
            rule(schema, value)
        except ValidationError:
            return False
        return True

    return check


def _string(format_check: Callable[[str], str | None] | None) -> Check:
    if format_check is None:
        return lambda value: isinstance(value, str)
    return lambda value: isinstance(value, str) and format_check(value) is None


def _array(item_check: Check) -> Check:
    def check(value: Any) -> bool:
        return isinstance(value, list) and all(item_check(item) for item in value)

    return check


def _one_or_many(item_check: Check) -> Check:
    def check(value: Any) -> bool:
        if isinstance(value, list):
            return all(item_check(item) for item in value)
        return item_check(value)

    return check


def _exact(field: fields.Field) -> Check:
    """What marshmallow decides for the field, by asking it (validators included)."""
    plain = type(field).deserialize is fields.Field.deserialize
    if plain and not field.validators and not field.allow_none:
        return _deserialized(field)

    def check(value: Any) -> bool:
        try:
            field.deserialize(value)
        except ValidationError:
            return False
        return True

    return check


def _deserialized(field: fields.Field) -> Check:
    """``Field.deserialize`` without its wrapping: with no validators and ``None`` refused
    (``allow_none`` is off), all it adds to the field's own ``_deserialize`` is bookkeeping."""
    deserialize = field._deserialize  # the field's own check, see above

    def check(value: Any) -> bool:
        if value is None:
            return False
        try:
            deserialize(value, None, None)
        except ValidationError:
            return False
        return True

    return check


def _passes(validator: Callable[[Any], Any], value: Any) -> bool:
    try:
        return validator(value) is not False  # marshmallow treats False as a failure
    except ValidationError:
        return False
