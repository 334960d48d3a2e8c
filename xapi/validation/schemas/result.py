"""The Result: the outcome of the experience (xAPI 1.0.3 Data 2.4.5, 2.0 §4.2.2.6)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from xapi.validation.fields import Boolean, Duration, Extensions, Nested, Number, Str
from xapi.validation.schemas.base import XapiSchema


class ScoreSchema(XapiSchema):
    """D2.4.5.1.s2, XAPI-00080–00083."""

    scaled = Number()
    raw = Number()
    min = Number()
    max = Number()

    @validates_schema(skip_on_field_errors=False)
    def _numbers_are_in_range(self, data: dict[str, Any], **kwargs: Any) -> None:
        # Only the numbers that passed their own check are in ``data``.
        errors: dict[str, list[str]] = {}
        low, high, raw = data.get("min"), data.get("max"), data.get("raw")
        if "scaled" in data and not -1 <= data["scaled"] <= 1:
            errors["scaled"] = ["must be between -1 and 1 inclusive"]
        if low is not None and high is not None and not low < high:
            errors["max"] = [f"must be greater than min ({low})"]
        if raw is not None and low is not None and raw < low:
            errors.setdefault("raw", []).append(f"must not be less than min ({low})")
        if raw is not None and high is not None and raw > high:
            errors.setdefault("raw", []).append(f"must not be greater than max ({high})")
        if errors:
            raise ValidationError(errors)


class ResultSchema(XapiSchema):
    """D2.4.5.s2, XAPI-00074–00079."""

    score = Nested(ScoreSchema)
    success = Boolean()
    completion = Boolean()
    response = Str()
    duration = Duration()
    extensions = Extensions()
