"""The Statement (xAPI 1.0.3 Data 2.4, 2.0 §4.2.2), under 1.0.3 and under 2.0 rules.

A *voiding statement* is one whose verb is ``http://adlnet.gov/expapi/verbs/voided``: it
marks the statement its object points to as voided (D2.3.2).
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from xapi.validation.fields import Nested, Timestamp, Uuid, Version10, Version20
from xapi.validation.schemas.agents import Authority
from xapi.validation.schemas.base import object_rule
from xapi.validation.schemas.context import Context2Schema, ContextSchema
from xapi.validation.schemas.objects import StatementObject
from xapi.validation.schemas.statement_parts import StatementPartsSchema
from xapi.validation.schemas.substatement import SubStatement2Schema, SubStatementSchema
from xapi.validation.schemas.verb import VOIDED


class StatementSchema(StatementPartsSchema):
    """A Statement under 1.0.3 rules (D2.4, XAPI-00003–00005 for the required three)."""

    id = Uuid()
    object = StatementObject(substatement=SubStatementSchema, required=True)
    context = Nested(ContextSchema)
    stored = Timestamp()  # accepted, then overwritten by the LRS (D2.4.8.s3.b2)
    authority = Authority()
    version = Version10()

    @object_rule
    def _voiding_targets_a_statement_ref(self, original: dict[str, Any]) -> None:
        """D2.3.2.s2.b1–b2, XAPI-00017/00020."""
        verb, statement_object = original.get("verb"), original.get("object")
        if not isinstance(verb, dict) or verb.get("id") != VOIDED:
            return
        if (
            isinstance(statement_object, dict)
            and statement_object.get("objectType") != "StatementRef"
        ):
            message = f'must be "StatementRef": a voiding statement (verb {VOIDED}) points to the statement it voids'
            raise ValidationError({"object": {"objectType": [message]}})


class Statement2Schema(StatementSchema):
    """A Statement under 2.0 rules: 2.0 context keys, and a 1.0.x or 2.0.x ``version``."""

    object = StatementObject(substatement=SubStatement2Schema, required=True)
    context = Nested(Context2Schema)
    version = Version20()
