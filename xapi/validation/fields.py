"""marshmallow fields for the xAPI value types, strict about JSON types.

xAPI forbids coercion: a numeric string where a number belongs, ``"true"`` where a boolean
belongs, or ``null`` outside an extension all get 400 (D2.2.s4.b1.b1–b2, XAPI-00001/00006), so
none of marshmallow's lenient stock fields (``String`` takes bytes, ``Float`` takes ``"1.5"``,
``Boolean`` takes ``"yes"``) is used for a value.  Messages follow the property's path.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from marshmallow import ValidationError, fields
from marshmallow.utils import missing

from xapi.validation import formats

REQUIRED = "is required"
NULL = "must not be null (xAPI allows null only as an extension value)"
NOT_A_STRING = "must be a string"


class _XapiMessages:
    """Mixin: the wording for a missing or null value, shared by every field."""

    default_error_messages: ClassVar[dict[str, str]] = {"required": REQUIRED, "null": NULL}


class XapiField(_XapiMessages, fields.Field):
    """Base of the fields below: marshmallow's Field with our wording."""


class List(_XapiMessages, fields.List):
    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "must be a JSON array"}


class Nested(_XapiMessages, fields.Nested):
    """A JSON object read by another schema; its "not an object" wording lives on the schema."""


class Str(XapiField):
    """A JSON string; subclasses add a format check from :mod:`xapi.validation.formats`."""

    check: ClassVar[Callable[[str], str | None] | None] = None

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError(NOT_A_STRING)
        reason = self.check(value) if self.check else None
        if reason:
            raise ValidationError(reason)
        return value


class Iri(Str):
    check = staticmethod(formats.check_iri)


class Uuid(Str):
    check = staticmethod(formats.check_uuid)


class Mailto(Str):
    check = staticmethod(formats.check_mailto)


class Sha1(Str):
    check = staticmethod(formats.check_sha1)


class Sha2(Str):
    check = staticmethod(formats.check_sha2)


class MediaType(Str):
    check = staticmethod(formats.check_media_type)


class LanguageTag(Str):
    check = staticmethod(formats.check_language_tag)


class Timestamp(Str):
    """ISO 8601 date and time.

    A value without a zone is accepted in both versions: 1.0.3 only says SHOULD include one
    (D4.5.s1.b4), and for 2.0 the conformance suite never tests it while ADL's 2.0 LRS accepts
    it (notes §9: "accept them, treat them as UTC").
    """

    check = staticmethod(formats.check_timestamp)


class Duration(Str):
    check = staticmethod(formats.check_duration)


class Number(XapiField):
    """A JSON number; booleans are ints in Python, so they are refused explicitly."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("must be a JSON number (not a string or a boolean)")
        if not math.isfinite(value):
            raise ValidationError("must be a finite number")
        return value


class Count(XapiField):
    """A non-negative JSON integer, such as an attachment's ``length``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError("must be a non-negative JSON integer")
        return value


class Boolean(XapiField):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if value is True or value is False:
            return value
        raise ValidationError("must be true or false (a JSON boolean, not a string)")


class Constant(XapiField):
    """A fixed string such as ``objectType: "Agent"``; case matters (D2.2.s4.b1.b6)."""

    def __init__(self, expected: str, *, message: str | None = None, **kwargs: Any) -> None:
        required = {"required": f'is required here and must be "{expected}"'}
        super().__init__(error_messages=required, **kwargs)
        self.expected = expected
        self.message = message or f'must be "{expected}" (exact case)'

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if value != self.expected:
            raise ValidationError(self.message)
        return value


class OneOf(XapiField):
    """One string from a fixed list, exact case, such as ``interactionType``."""

    def __init__(self, choices: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise ValidationError(f"must be one of {', '.join(self.choices)} (exact case)")
        return value


class Forbidden(XapiField):
    """A key that must be absent here, with the reason (e.g. ``id`` inside a SubStatement)."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = message

    def deserialize(
        self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any
    ) -> Any:
        if value is missing:
            return missing
        raise ValidationError(self.message)


class LanguageMap(XapiField):
    """``{language tag: string}``.  ``{}`` is accepted (G9: "SHOULD NOT send" binds the sender)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict:
        if not isinstance(value, dict):
            raise ValidationError('must be a language map, such as {"en-US": "completed"}')
        if all(isinstance(text, str) and _is_tag(tag) for tag, text in value.items()):
            return value  # the usual case, without building the error map
        errors = {tag: _language_map_entry_errors(tag, text) for tag, text in value.items()}
        errors = {tag: messages for tag, messages in errors.items() if messages}
        if errors:
            raise ValidationError(errors)
        return value


def _is_tag(key: object) -> bool:
    return isinstance(key, str) and formats.check_language_tag(key) is None


def _language_map_entry_errors(tag: str, text: Any) -> list[str]:
    reason = formats.check_language_tag(str(tag))
    messages = [f"key {reason}"] if reason else []
    if not isinstance(text, str):
        messages.append("must be a string" if text is not None else NULL)
    return messages


class Extensions(XapiField):
    """``{IRI: any JSON}``; values may be anything, ``null`` included (XAPI-00119)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Mapping:
        if not isinstance(value, dict):
            raise ValidationError("must be a JSON object whose keys are IRIs")
        if all(isinstance(key, str) and formats.check_iri(key) is None for key in value):
            return value
        reasons = {key: formats.check_iri(str(key)) for key in value}
        errors = {key: [f"key {reason}"] for key, reason in reasons.items() if reason}
        if errors:
            raise ValidationError(errors)
        return value


class Version10(Str):
    check = staticmethod(formats.check_version_1_0)


class Version20(Str):
    check = staticmethod(formats.check_version_2_0)
