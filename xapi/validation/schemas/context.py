"""The Context: the circumstances of the experience (xAPI 1.0.3 Data 2.4.6, 2.0 §4.2.2.5).

2.0 adds ``contextAgents`` and ``contextGroups``: Agents and Groups related to the statement,
each tagged with the roles (``relevantTypes``) they played.  Under 1.0.x they are unknown keys.
"""

from __future__ import annotations

from marshmallow.validate import Length

from xapi.validation.fields import (
    Constant,
    Extensions,
    Forbidden,
    Iri,
    LanguageTag,
    List,
    Nested,
    Str,
    Uuid,
)
from xapi.validation.schemas.activities import ActivitySchema
from xapi.validation.schemas.agents import Actor, AgentSchema, GroupSchema
from xapi.validation.schemas.base import OneOrMany, XapiSchema
from xapi.validation.schemas.statement_ref import StatementRefSchema

_ONLY_IN_2_0 = (
    "is defined only in xAPI 2.0; send X-Experience-API-Version: 2.0.0 to use it "
    "(under 1.0.x it is an unknown property)"
)


class ActivityOrList(OneOrMany):
    """One Activity or an array of them (D2.4.6.2.s4, XAPI-00094)."""

    item_schema = ActivitySchema
    neither = "must be an Activity or an array of Activities"


class ContextActivitiesSchema(XapiSchema):
    """Only these four keys (XAPI-00093); ``{}`` is accepted (XAPI-00095 was withdrawn)."""

    parent = ActivityOrList()
    grouping = ActivityOrList()
    category = ActivityOrList()
    other = ActivityOrList()


def _relevant_types() -> List:
    # CTS v2_0 configs/contextagents.js: an empty array is rejected (CTS #279).
    message = 'must hold at least one IRI; leave "relevantTypes" out rather than send []'
    return List(Iri(), validate=Length(min=1, error=message))


class ContextAgentSchema(XapiSchema):
    """2.0 §4.2.2.5 (CTS v2_0 configs/contextagents.js)."""

    objectType = Constant("contextAgent", required=True)
    agent = Nested(AgentSchema, required=True)
    relevantTypes = _relevant_types()


class ContextGroupSchema(XapiSchema):
    """2.0 §4.2.2.5 (CTS v2_0 configs/contextgroups.js)."""

    objectType = Constant("contextGroup", required=True)
    group = Nested(GroupSchema, required=True)
    relevantTypes = _relevant_types()


class ContextSchema(XapiSchema):
    """Context under 1.0.3 rules (D2.4.6.s3, XAPI-00086–00092)."""

    registration = Uuid()
    instructor = Actor()
    team = Nested(GroupSchema)
    contextActivities = Nested(ContextActivitiesSchema)
    revision = Str()
    platform = Str()
    language = LanguageTag()
    statement = Nested(StatementRefSchema)
    extensions = Extensions()
    contextAgents = Forbidden(_ONLY_IN_2_0)
    contextGroups = Forbidden(_ONLY_IN_2_0)


class Context2Schema(ContextSchema):
    """Context under 2.0 rules."""

    contextAgents = List(Nested(ContextAgentSchema))
    contextGroups = List(Nested(ContextGroupSchema))
