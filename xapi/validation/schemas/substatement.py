"""A SubStatement: a statement used as the object of another, e.g. a plan ("Ada will visit
the museum").  It is validated as a statement, minus the properties only a stored statement
has (xAPI 1.0.3 Data 2.4.4.3, XAPI-00066–00071).
"""

from __future__ import annotations

from xapi.validation.fields import Constant, Forbidden, Nested
from xapi.validation.schemas.context import Context2Schema, ContextSchema
from xapi.validation.schemas.objects import StatementObject
from xapi.validation.schemas.statement_parts import StatementPartsSchema

_NOT_IN_SUBSTATEMENT = "is not allowed in a SubStatement (only the outer statement has one)"


class SubStatementSchema(StatementPartsSchema):
    """A SubStatement under 1.0.3 rules."""

    objectType = Constant("SubStatement", required=True)
    object = StatementObject(substatement=None, required=True)
    context = Nested(ContextSchema)
    id = Forbidden(_NOT_IN_SUBSTATEMENT)
    stored = Forbidden(_NOT_IN_SUBSTATEMENT)
    version = Forbidden(_NOT_IN_SUBSTATEMENT)
    authority = Forbidden(_NOT_IN_SUBSTATEMENT)


class SubStatement2Schema(SubStatementSchema):
    """A SubStatement under 2.0 rules: its context may hold contextAgents/contextGroups."""

    context = Nested(Context2Schema)
