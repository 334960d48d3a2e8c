"""Verbs and objects: Activities and their definitions, Agent/Group objects, StatementRefs
(xAPI 1.0.3 Data 2.4.3–2.4.4, XAPI-00044–00065, XAPI-00072/00073)."""

from __future__ import annotations

from typing import Any

import pytest
from xapi_samples import (
    ACTIVITY,
    AGENT,
    ANONYMOUS_GROUP,
    IDENTIFIED_GROUP,
    STATEMENT_REF,
    UUID,
    VERSIONS,
    changed,
    errors,
    paths,
    statement,
)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "verb",
    [
        {"id": "http://adlnet.gov/expapi/verbs/completed"},
        {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-US": "completed", "nl": "voltooid"},
        },
        {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {}},
    ],
)
def test_a_verb_with_an_iri_id_and_a_display_map_is_accepted(version: str, verb: dict) -> None:
    assert errors(statement(verb=verb), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("verb", "path"),
    [
        ({"display": {"en-US": "completed"}}, "verb.id"),
        ({"id": "http://example.com/v", "display": "completed"}, "verb.display"),
        ({"id": "http://example.com/v", "name": {"en": "x"}}, "verb.name"),
        ("http://example.com/v", "verb"),
        (None, "verb"),
    ],
)
def test_a_malformed_verb_is_rejected(version: str, verb: Any, path: str) -> None:
    assert paths(statement(verb=verb), version) == [path]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "statement_object",
    [
        ACTIVITY,
        {"id": "http://example.com/activities/no-object-type"},
        {**AGENT, "objectType": "Agent"},
        ANONYMOUS_GROUP,
        IDENTIFIED_GROUP,
        STATEMENT_REF,
    ],
)
def test_each_kind_of_object_is_accepted(version: str, statement_object: dict) -> None:
    assert errors(statement(object=statement_object), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("statement_object", "path"),
    [
        ({**ACTIVITY, "objectType": "activity"}, "object.objectType"),
        ({**ACTIVITY, "objectType": "Person"}, "object.objectType"),
        ({"mbox": "mailto:ada@example.com"}, "object.objectType"),
        ({"objectType": "Group", "member": []}, "object.member"),
        ({"id": UUID}, "object.id"),  # a StatementRef without objectType reads as an Activity
        ({"objectType": "StatementRef", "id": "not-a-uuid"}, "object.id"),
        ({"objectType": "StatementRef"}, "object.id"),
        ({**STATEMENT_REF, "definition": {}}, "object.definition"),
        ("http://example.com/activities/museum", "object"),
        (None, "object"),
    ],
)
def test_a_malformed_object_is_rejected(version: str, statement_object: Any, path: str) -> None:
    assert paths(statement(object=statement_object), version) == [path]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("activity", "path"),
    [
        ({"objectType": "Activity"}, "object.id"),
        ({"id": "museum"}, "object.id"),
        ({**ACTIVITY, "name": {"en": "Museum"}}, "object.name"),
        ({**ACTIVITY, "definition": "a museum"}, "object.definition"),
        ({**ACTIVITY, "definition": {"title": {"en": "Museum"}}}, "object.definition.title"),
        ({**ACTIVITY, "definition": {"name": "Museum"}}, "object.definition.name"),
        ({**ACTIVITY, "definition": {"type": "museum"}}, "object.definition.type"),
        ({**ACTIVITY, "definition": {"moreInfo": "/museum"}}, "object.definition.moreInfo"),
    ],
)
def test_a_malformed_activity_is_rejected(version: str, activity: dict, path: str) -> None:
    assert paths(statement(object=activity), version) == [path]


def _interaction(**definition: Any) -> dict:
    return {**ACTIVITY, "definition": definition}


CHOICES = [{"id": "golf", "description": {"en-US": "Golf"}}, {"id": "tetris"}]
INTERACTIONS = [
    {"interactionType": "true-false", "correctResponsesPattern": ["true"]},
    {"interactionType": "choice", "choices": CHOICES, "correctResponsesPattern": ["golf[,]tetris"]},
    {"interactionType": "sequencing", "choices": CHOICES},
    {"interactionType": "likert", "scale": [{"id": "likert_0"}, {"id": "likert_1"}]},
    {"interactionType": "matching", "source": [{"id": "ben"}], "target": [{"id": "3"}]},
    {"interactionType": "performance", "steps": [{"id": "pong"}]},
    {"interactionType": "fill-in", "correctResponsesPattern": []},
    {"interactionType": "long-fill-in"},
    {"interactionType": "numeric", "correctResponsesPattern": ["4[:]"]},
    {"interactionType": "other"},
    {"interactionType": "choice", "choices": [{"id": str(n)} for n in range(500)]},
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("definition", INTERACTIONS)
def test_an_interaction_whose_parts_fit_its_type_is_accepted(
    version: str, definition: dict
) -> None:
    assert errors(statement(object=_interaction(**definition)), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("definition", "path"),
    [
        ({"interactionType": "Choice"}, "object.definition.interactionType"),
        ({"interactionType": "essay"}, "object.definition.interactionType"),
        ({"correctResponsesPattern": ["true"]}, "object.definition.correctResponsesPattern"),
        ({"choices": CHOICES}, "object.definition.choices"),
        ({"interactionType": "likert", "choices": CHOICES}, "object.definition.choices"),
        ({"interactionType": "true-false", "steps": [{"id": "a"}]}, "object.definition.steps"),
        (
            {"interactionType": "choice", "correctResponsesPattern": "golf"},
            "object.definition.correctResponsesPattern",
        ),
        (
            {"interactionType": "choice", "correctResponsesPattern": [1]},
            "object.definition.correctResponsesPattern[0]",
        ),
        (
            {"interactionType": "choice", "choices": [{"description": {"en": "x"}}]},
            "object.definition.choices[0].id",
        ),
        (
            {"interactionType": "choice", "choices": [{"id": "a", "name": "x"}]},
            "object.definition.choices[0].name",
        ),
        (
            {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]},
            "object.definition.choices[1].id",
        ),
        (
            {
                "interactionType": "matching",
                "source": [{"id": "a"}],
                "target": [{"id": "b"}, {"id": "b"}],
            },
            "object.definition.target[1].id",
        ),
    ],
)
def test_an_interaction_that_breaks_a_rule_is_rejected(
    version: str, definition: dict, path: str
) -> None:
    assert paths(statement(object=_interaction(**definition)), version) == [path]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_component_list_that_does_not_fit_the_type_names_what_fits(version: str) -> None:
    data = statement(object=_interaction(interactionType="likert", choices=CHOICES))
    assert errors(data, version) == [
        ("object.definition.choices", 'does not fit interactionType "likert" (likert uses scale)')
    ]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "path", ["object.definition.extensions", "result.extensions", "context.extensions"]
)
@pytest.mark.parametrize("value", [None, {}, "", 0, [1, None], {"nested": {"x": None}}])
def test_extension_values_may_be_any_json_including_null(
    version: str, path: str, value: Any
) -> None:
    data = changed(statement(), path, {"http://example.com/extensions/x": value})
    assert errors(data, version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "path", ["object.definition.extensions", "result.extensions", "context.extensions"]
)
def test_an_extension_key_that_is_not_an_iri_is_rejected(version: str, path: str) -> None:
    data = changed(statement(), path, {"score": 5})
    assert paths(data, version) == [f"{path}.score"]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", ["http://example.com/x", ["http://example.com/x"], None])
def test_extensions_must_be_an_object(version: str, value: Any) -> None:
    data = changed(statement(), "context.extensions", value)
    assert paths(data, version) == ["context.extensions"]
