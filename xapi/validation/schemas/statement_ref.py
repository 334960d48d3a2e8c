"""A StatementRef: a pointer to another statement by its id (xAPI 1.0.3 Data 2.4.4.3).

The target does not have to exist or be known to us (D2.4.4.3.s4).
"""

from __future__ import annotations

from xapi.validation.fields import Constant, Uuid
from xapi.validation.schemas.base import XapiSchema


class StatementRefSchema(XapiSchema):
    """Exactly ``{objectType: "StatementRef", id: UUID}`` (XAPI-00072/00073)."""

    objectType = Constant("StatementRef", required=True)
    id = Uuid(required=True)
