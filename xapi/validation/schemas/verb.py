"""The Verb: what the actor did (xAPI 1.0.3 Data 2.4.3, 2.0 §4.2.2.4)."""

from __future__ import annotations

from xapi.validation.fields import Iri, LanguageMap
from xapi.validation.schemas.base import XapiSchema

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


class VerbSchema(XapiSchema):
    """D2.4.3.s3, XAPI-00044/00045."""

    id = Iri(required=True)
    display = LanguageMap()
