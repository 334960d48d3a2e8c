"""What a Statement and a SubStatement share, and the rules that cross their properties."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from xapi.validation.fields import Forbidden, List, Nested, Timestamp
from xapi.validation.schemas.agents import Actor
from xapi.validation.schemas.attachments import AttachmentSchema
from xapi.validation.schemas.base import XapiSchema, object_rule
from xapi.validation.schemas.objects import object_type
from xapi.validation.schemas.result import ResultSchema
from xapi.validation.schemas.verb import VerbSchema


class StatementPartsSchema(XapiSchema):
    """Subclasses add ``object`` and ``context``, whose rules depend on where and which version."""

    actor = Actor(required=True)
    verb = Nested(VerbSchema, required=True)
    result = Nested(ResultSchema)
    timestamp = Timestamp()  # a future time is allowed (XAPI-00022)
    attachments = List(Nested(AttachmentSchema))
    voided = Forbidden(
        "is not an xAPI 1.0 or 2.0 property; void a statement by sending a voiding statement"
    )

    @object_rule
    def _revision_and_platform_need_an_activity(self, original: dict[str, Any]) -> None:
        """D2.4.6.s4.b1–b2, XAPI-00084/00085 (still tested by the 2.0 CTS)."""
        context, statement_object = original.get("context"), original.get("object")
        if not isinstance(context, dict) or not isinstance(statement_object, dict):
            return
        kind = object_type(statement_object)
        if kind == "Activity":
            return
        message = f'is only allowed when the object is an Activity (here it is "{kind}")'
        errors = {key: [message] for key in ("revision", "platform") if key in context}
        if errors:
            raise ValidationError({"context": errors})
