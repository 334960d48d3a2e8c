"""Attachments: files that travel with a statement (xAPI 1.0.3 Data 2.4.11, 2.0 §4.2.2.9).

Only the attachment *descriptions* in the statement are checked here.  Whether the request
carries the bytes (multipart parts matched by ``sha2``) and whether a signature verifies are
the listener's business: they need the request, not just the statement.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from xapi.validation.fields import Count, Iri, LanguageMap, MediaType, Sha2
from xapi.validation.schemas.base import XapiSchema, object_rule

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
_JWS_MEDIA_TYPE = "application/octet-stream"


class AttachmentSchema(XapiSchema):
    """D2.4.11.s2, XAPI-00102–00107; ``sha2`` is required even with a ``fileUrl``."""

    usageType = Iri(required=True)
    display = LanguageMap(required=True)
    description = LanguageMap()
    contentType = MediaType(required=True)
    length = Count(required=True)
    sha2 = Sha2(required=True)
    fileUrl = Iri()  # an IRL, validated like an IRI

    @object_rule
    def _signature_is_a_jws(self, original: dict[str, Any]) -> None:
        """D2.6.s4: a signature attachment carries a JWS as application/octet-stream."""
        if (
            original.get("usageType") == SIGNATURE
            and original.get("contentType") != _JWS_MEDIA_TYPE
        ):
            raise ValidationError(
                f'must be "{_JWS_MEDIA_TYPE}" for a signature attachment (usageType {SIGNATURE})',
                field_name="contentType",
            )
