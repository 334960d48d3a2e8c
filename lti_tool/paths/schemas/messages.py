"""Why a definition was refused, in words a designer can act on (English and Dutch).

``check`` validates like :func:`lti_tool.paths.definition.parse`, but says each problem in the
viewer's language: schema problems from jsonschema's structured errors, the rules a schema
cannot express from :mod:`.definition`'s messages (their wording is pinned by a test). A problem
we have no words for keeps the definition's own English message rather than being hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from lti_tool.paths import definition
from lti_tool.paths.definition import DefinitionInvalid, FieldError, PathDefinition
from lti_tool.paths.words import stage_name

_VALIDATOR = Draft202012Validator(definition.SCHEMA)


def check(data: Any) -> PathDefinition:
    """The parsed definition, or ``DefinitionInvalid`` with translated field-level messages."""
    errors = [_schema_error(error) for error in _VALIDATOR.iter_errors(data)]
    if errors:
        raise DefinitionInvalid(sorted(errors, key=lambda e: e.field))
    try:
        return definition.parse(data)
    except DefinitionInvalid as exc:
        raise DefinitionInvalid([explain(error) for error in exc.errors]) from exc


def where(path: Any) -> str:
    """A JSON path as the definition writes it: ``stages[0].steps[1].title``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _schema_error(error: ValidationError) -> FieldError:
    field = where(error.absolute_path)
    if error.validator == "required":
        missing = next(
            (name for name in error.validator_value if repr(name) in error.message), None
        )
        if missing is not None:
            field = f"{field}.{missing}" if field else missing
        return FieldError(field, _("Fill this in."))
    explain_kind = _SCHEMA_WORDS.get(str(error.validator))
    return FieldError(field, explain_kind(error) if explain_kind else error.message)


def _type_words(error: ValidationError) -> str:
    wanted = error.validator_value
    if wanted == "integer":
        return _("Enter a whole number.")
    if wanted == "number":
        return _("Enter a number.")
    return _("This value has the wrong form.")


_SCHEMA_WORDS: dict[str, Callable[[ValidationError], str]] = {
    "pattern": lambda e: _(
        "Use lower-case letters, digits, - and _ only, starting with a letter or a digit "
        "(at most 64 characters)."
    ),
    "type": _type_words,
    "minimum": lambda e: _("Enter %(n)s or more.", n=e.validator_value),
    "maximum": lambda e: _("Enter %(n)s or less.", n=e.validator_value),
    "exclusiveMinimum": lambda e: _("Enter a number above %(n)s.", n=e.validator_value),
    "oneOf": lambda e: _("Write this text (at most 2000 characters in each language)."),
    "enum": lambda e: _("Choose one of the options."),
    "const": lambda e: _("This value has the wrong form."),
    "minItems": lambda e: _("Add at least one."),
    "uniqueItems": lambda e: _("Each value may appear only once."),
    "minLength": lambda e: _("Fill this in."),
    "maxLength": lambda e: _("This is too long (at most %(n)s characters).", n=e.validator_value),
    "additionalProperties": lambda e: _("This definition holds a field LearnLoop does not know."),
}

# The messages of definition._rule_errors, each with the words to show instead.
_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"(skill|stage|step|reflection question) key '(.+)' is used twice"),
        lambda m: _("The key “%(key)s” is used twice; give each a key of its own.", key=m[2]),
    ),
    (
        re.compile(r"a role has at most (\d+) priority skills \((\d+) given\).*"),
        lambda m: _(
            "A role has at most %(max)s priority skills (%(given)s given). Keep the others as "
            "tracked skills without a priority.",
            max=m[1],
            given=m[2],
        ),
    ),
    (
        re.compile(r"skill '(.+)' is not in skills"),
        lambda m: _("There is no skill “%(key)s” in the catalogue.", key=m[1]),
    ),
    (
        re.compile(r"the path needs a '(\w+)' stage"),
        lambda m: _("The path needs the stage “%(stage)s”.", stage=stage_name(m[1])),
    ),
    (
        re.compile(r"stages go in the order .*"),
        lambda m: _("Stages go in this order: core, advanced, then leadership or specialist."),
    ),
    (
        re.compile(r"a stage needs at least one step"),
        lambda m: _("A stage needs at least one step."),
    ),
    (
        re.compile(r"a step cannot depend on itself"),
        lambda m: _("A step cannot depend on itself."),
    ),
    (
        re.compile(r"there is no step '(.+)'"),
        lambda m: _("There is no step with the key “%(key)s”.", key=m[1]),
    ),
    (
        re.compile(r"a (card|activity) step needs an evidence rule"),
        lambda m: _(
            "This kind of step is done when a statement matches its rule: enter its verbs and "
            "activity."
        ),
    ),
    (
        re.compile(r"must be an absolute IRI.*"),
        lambda m: _("Enter a full address with its scheme, such as https://moodle.example.org/…"),
    ),
    (
        re.compile(r"must be an IRI: every \"%\".*"),
        lambda m: _("Every percent sign in an address must be followed by two hexadecimal digits."),
    ),
    (
        re.compile(r"steps depend on each other in a circle: (.+)"),
        lambda m: _("Steps depend on each other in a circle: %(chain)s.", chain=m[1]),
    ),
]


def explain(error: FieldError) -> FieldError:
    for pattern, words in _RULES:
        if match := pattern.fullmatch(error.message):
            return FieldError(error.field, words(match))
    return error


def by_field(errors: list[FieldError]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for error in errors:
        grouped.setdefault(error.field, []).append(error.message)
    return grouped
