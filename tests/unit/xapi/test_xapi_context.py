"""Context (xAPI 1.0.3 Data 2.4.6, XAPI-00084–00096), and the 2.0-only contextAgents and
contextGroups (2.0 §4.2.2.5; CTS v2_0 configs/contextagents.js, contextgroups.js)."""

from __future__ import annotations

from typing import Any

import pytest
from xapi_samples import (
    ACTIVITY,
    AGENT,
    ANONYMOUS_GROUP,
    CONTEXT_AGENT,
    CONTEXT_GROUP,
    IDENTIFIED_GROUP,
    STATEMENT_REF,
    UUID,
    V1,
    V2,
    VERSIONS,
    errors,
    paths,
    statement,
    substatement,
)

FULL_CONTEXT = {
    "registration": UUID,
    "instructor": AGENT,
    "team": ANONYMOUS_GROUP,
    "contextActivities": {
        "parent": ACTIVITY,
        "grouping": [ACTIVITY, {"id": "http://example.com/courses/1"}],
        "category": [],
        "other": [ACTIVITY],
    },
    "revision": "2",
    "platform": "Moodle",
    "language": "en-US",
    "statement": STATEMENT_REF,
    "extensions": {"http://example.com/ext": {"any": "thing"}},
}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "context",
    [
        {},
        FULL_CONTEXT,
        {"instructor": IDENTIFIED_GROUP},
        {"team": IDENTIFIED_GROUP},
        {"contextActivities": {}},
    ],
)
def test_a_well_formed_context_is_accepted(version: str, context: dict) -> None:
    assert errors(statement(context=context), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("context", "path"),
    [
        ({"registration": "not-a-uuid"}, "context.registration"),
        ({"team": {"member": [AGENT]}}, "context.team.objectType"),
        ({"team": AGENT}, "context.team.objectType"),
        ({"instructor": {"name": "nobody"}}, "context.instructor"),
        ({"contextActivities": {"parents": [ACTIVITY]}}, "context.contextActivities.parents"),
        (
            {"contextActivities": {"parent": "http://example.com/a"}},
            "context.contextActivities.parent",
        ),
        (
            {"contextActivities": {"parent": [ACTIVITY, {"id": "nope"}]}},
            "context.contextActivities.parent[1].id",
        ),
        (
            {"contextActivities": {"other": {**ACTIVITY, "objectType": "activity"}}},
            "context.contextActivities.other.objectType",
        ),
        ({"contextActivities": []}, "context.contextActivities"),
        ({"language": "en_US"}, "context.language"),
        ({"revision": 2}, "context.revision"),
        ({"platform": None}, "context.platform"),
        ({"statement": {"id": UUID}}, "context.statement.objectType"),
        ({"statement": {**STATEMENT_REF, "id": "1"}}, "context.statement.id"),
        (
            {"statement": {**STATEMENT_REF, "objectType": "Statementref"}},
            "context.statement.objectType",
        ),
        ({"session": UUID}, "context.session"),
    ],
)
def test_a_context_that_breaks_a_rule_is_rejected(version: str, context: dict, path: str) -> None:
    assert paths(statement(context=context), version) == [path]


NOT_AN_ACTIVITY = [AGENT, ANONYMOUS_GROUP, STATEMENT_REF]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("key", ["revision", "platform"])
def test_revision_and_platform_are_accepted_when_the_object_is_an_activity(
    version: str, key: str
) -> None:
    assert errors(statement(context={key: "x"}), version) == []
    data = statement(object={"id": "http://example.com/a"}, context={key: "x"})
    assert errors(data, version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("key", ["revision", "platform"])
@pytest.mark.parametrize("statement_object", [*NOT_AN_ACTIVITY, substatement()])
def test_revision_and_platform_are_rejected_when_the_object_is_not_an_activity(
    version: str, key: str, statement_object: dict
) -> None:
    found = errors(statement(object=statement_object, context={key: "Moodle"}), version)
    assert [path for path, _ in found] == [f"context.{key}"]
    assert "only allowed when the object is an Activity" in found[0][1]


@pytest.mark.parametrize("version", VERSIONS)
def test_revision_inside_a_substatement_follows_the_substatements_own_object(version: str) -> None:
    inner = substatement(object=AGENT, context={"platform": "Moodle"})
    assert paths(statement(object=inner), version) == ["object.context.platform"]


@pytest.mark.parametrize(
    ("key", "value"),
    [("contextAgents", [CONTEXT_AGENT]), ("contextGroups", [CONTEXT_GROUP])],
)
def test_2_0_context_agents_and_groups_are_accepted_under_2_0(key: str, value: list) -> None:
    assert errors(statement(context={key: value}), V2) == []
    assert errors(statement(object=substatement(context={key: value})), V2) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [("contextAgents", [CONTEXT_AGENT]), ("contextGroups", [CONTEXT_GROUP]), ("contextAgents", [])],
)
def test_2_0_context_agents_and_groups_are_rejected_under_1_0_3(key: str, value: list) -> None:
    found = errors(statement(context={key: value}), V1)
    assert [path for path, _ in found] == [f"context.{key}"]
    assert "2.0" in found[0][1]
    assert paths(statement(object=substatement(context={key: value})), V1) == [
        f"object.context.{key}"
    ]


@pytest.mark.parametrize(
    "context",
    [
        {"contextAgents": []},
        {"contextAgents": [{"objectType": "contextAgent", "agent": AGENT}]},
        {
            "contextAgents": [
                CONTEXT_AGENT,
                {**CONTEXT_AGENT, "agent": {"account": {"homePage": "http://e.org", "name": "7"}}},
            ]
        },
        {"contextGroups": [{**CONTEXT_GROUP, "relevantTypes": ["http://example.com/types/team"]}]},
        {"contextGroups": [{**CONTEXT_GROUP, "group": IDENTIFIED_GROUP}]},
        {"contextAgents": [CONTEXT_AGENT], "contextGroups": [CONTEXT_GROUP], "instructor": AGENT},
    ],
)
def test_well_formed_context_agents_and_groups_are_accepted_under_2_0(context: dict) -> None:
    assert errors(statement(context=context), V2) == []


@pytest.mark.parametrize(
    ("entry_key", "entry", "path"),
    [
        ("contextAgents", {**CONTEXT_AGENT, "objectType": "Should fail"}, "objectType"),
        ("contextAgents", {**CONTEXT_AGENT, "objectType": "contextagent"}, "objectType"),
        ("contextAgents", {"agent": AGENT}, "objectType"),
        ("contextAgents", {**CONTEXT_AGENT, "agent": {"key": "Should fail"}}, "agent.key"),
        ("contextAgents", {**CONTEXT_AGENT, "agent": ANONYMOUS_GROUP}, "agent.objectType"),
        ("contextAgents", {"objectType": "contextAgent"}, "agent"),
        ("contextAgents", {**CONTEXT_AGENT, "relevantTypes": []}, "relevantTypes"),
        ("contextAgents", {**CONTEXT_AGENT, "relevantTypes": ["abc"]}, "relevantTypes[0]"),
        (
            "contextAgents",
            {**CONTEXT_AGENT, "relevantTypes": "http://example.com/t"},
            "relevantTypes",
        ),
        ("contextAgents", {**CONTEXT_AGENT, "group": ANONYMOUS_GROUP}, "group"),
        ("contextGroups", {**CONTEXT_GROUP, "objectType": "contextAgent"}, "objectType"),
        ("contextGroups", {"objectType": "contextGroup", "agent": AGENT}, "agent"),
        ("contextGroups", {**CONTEXT_GROUP, "group": {"objectType": "Group"}}, "group.member"),
        ("contextGroups", {**CONTEXT_GROUP, "relevantTypes": []}, "relevantTypes"),
        ("contextGroups", {**CONTEXT_GROUP, "relevantTypes": [5]}, "relevantTypes[0]"),
    ],
)
def test_a_malformed_context_agent_or_group_is_rejected_under_2_0(
    entry_key: str, entry: dict, path: str
) -> None:
    found = paths(statement(context={entry_key: [entry]}), V2)
    assert f"context.{entry_key}[0].{path}" in found
    found_in_substatement = paths(statement(object=substatement(context={entry_key: [entry]})), V2)
    assert f"object.context.{entry_key}[0].{path}" in found_in_substatement


@pytest.mark.parametrize("value", [CONTEXT_AGENT, "agents", None])
def test_context_agents_must_be_an_array_under_2_0(value: Any) -> None:
    assert paths(statement(context={"contextAgents": value}), V2) == ["context.contextAgents"]
