"""The statement as a whole: required and unknown properties, null, the ``version`` property,
voiding, and SubStatements (xAPI 1.0.3 Data 2.2, 2.3.2, 2.4, 2.4.4.3, 2.4.10)."""

from __future__ import annotations

from typing import Any

import pytest
from xapi_samples import (
    AGENT,
    DELETE,
    STATEMENT_REF,
    UUID,
    V1,
    V2,
    VERSIONS,
    VOIDED,
    errors,
    paths,
    statement,
    substatement,
)


@pytest.mark.parametrize("version", VERSIONS)
def test_a_statement_with_every_top_level_property_is_accepted(version: str) -> None:
    data = statement(
        id=UUID,
        result={"completion": True},
        context={"registration": UUID},
        timestamp="2015-06-10T14:31:41.000Z",
        stored="2015-06-10T14:31:42.000Z",
        authority=AGENT,
        version="1.0.3",
        attachments=[],
    )
    assert errors(data, version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("key", ["actor", "verb", "object"])
def test_a_statement_without_actor_verb_or_object_is_rejected(version: str, key: str) -> None:
    assert errors(statement(**{key: DELETE}), version) == [(key, "is required")]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "key", ["Actor", "objectType", "voided", "dummy", "inProgress", "context_activities"]
)
def test_an_unknown_or_miscased_top_level_property_is_rejected(version: str, key: str) -> None:
    assert paths(statement(**{key: True}), version) == [key]


@pytest.mark.parametrize("version", VERSIONS)
def test_an_unknown_property_is_named_with_a_hint(version: str) -> None:
    [(path, message)] = errors(statement(dummy=1), version)
    assert path == "dummy"
    assert "extensions" in message


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "key", ["id", "timestamp", "stored", "authority", "version", "result", "context", "attachments"]
)
def test_null_is_rejected_for_any_top_level_property(version: str, key: str) -> None:
    assert errors(statement(**{key: None}), version) == [
        (key, "must not be null (xAPI allows null only as an extension value)")
    ]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("data", ["a statement", [], 5, None])
def test_a_statement_that_is_not_a_json_object_is_rejected(version: str, data: Any) -> None:
    assert errors(data, version) == [("", "a statement must be a JSON object")]


@pytest.mark.parametrize("value", ["1.0", "1.0.0", "1.0.3", "1.0.9"])
def test_a_1_0_x_statement_version_is_accepted_under_1_0_3(value: str) -> None:
    assert errors(statement(version=value), V1) == []


@pytest.mark.parametrize(
    "value", ["2.0.0", "2.0", "0.9.9", "1.1.0", "1", "1.0.", "should fail", 1.0]
)
def test_any_other_statement_version_is_rejected_under_1_0_3(value: Any) -> None:
    assert paths(statement(version=value), V1) == ["version"]


@pytest.mark.parametrize("value", ["1.0", "1.0.3", "1.0.9", "2.0", "2.0.0", "2.0.9"])
def test_a_1_0_x_or_2_0_x_statement_version_is_accepted_under_2_0(value: str) -> None:
    assert errors(statement(version=value), V2) == []


@pytest.mark.parametrize("value", ["0.9.9", "1.1.0", "2.1.0", "3.0.0", "should fail", 2])
def test_any_other_statement_version_is_rejected_under_2_0(value: Any) -> None:
    assert paths(statement(version=value), V2) == ["version"]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_voiding_statement_that_points_to_a_statement_ref_is_accepted(version: str) -> None:
    data = statement(verb={"id": VOIDED, "display": {"en-US": "voided"}}, object=STATEMENT_REF)
    assert errors(data, version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "statement_object",
    [
        {"id": "http://example.com/activities/museum"},
        AGENT | {"objectType": "Agent"},
        substatement(),
    ],
)
def test_a_voiding_statement_whose_object_is_not_a_statement_ref_is_rejected(
    version: str, statement_object: dict
) -> None:
    found = errors(statement(verb={"id": VOIDED}, object=statement_object), version)
    assert [path for path, _ in found] == ["object.objectType"]
    assert "voiding statement" in found[0][1]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_statement_ref_object_is_fine_with_any_verb(version: str) -> None:
    assert errors(statement(object=STATEMENT_REF), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "inner",
    [
        substatement(),
        substatement(object=AGENT),
        substatement(object=STATEMENT_REF),
        substatement(result={"success": True}, context={"registration": UUID}),
        substatement(timestamp="2999-01-01T00:00:00Z"),
        substatement(attachments=[]),
    ],
)
def test_a_well_formed_substatement_is_accepted(version: str, inner: dict) -> None:
    assert errors(statement(object=inner), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("id", UUID),
        ("stored", "2015-06-10T14:31:41.000Z"),
        ("version", "1.0.0"),
        ("authority", AGENT),
        ("voided", False),
    ],
)
def test_a_substatement_with_a_stored_statements_property_is_rejected(
    version: str, key: str, value: Any
) -> None:
    found = errors(statement(object=substatement(**{key: value})), version)
    assert [path for path, _ in found] == [f"object.{key}"]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_substatement_inside_a_substatement_is_rejected(version: str) -> None:
    nested = substatement(object=substatement())
    found = errors(statement(object=nested), version)
    assert found == [
        ("object.object.objectType", "a SubStatement cannot contain another SubStatement")
    ]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("inner", "path"),
    [
        (substatement(actor=DELETE), "object.actor"),
        (substatement(verb=DELETE), "object.verb"),
        (substatement(object=DELETE), "object.object"),
        (substatement(actor={"mbox": "ada@example.com"}), "object.actor.mbox"),
        (substatement(timestamp="-00:00"), "object.timestamp"),
        (substatement(dummy=1), "object.dummy"),
        ({**substatement(), "objectType": "Substatement"}, "object.objectType"),
    ],
)
def test_a_substatement_is_validated_like_a_statement(version: str, inner: dict, path: str) -> None:
    assert paths(statement(object=inner), version) == [path]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_broken_rule_in_a_statement_is_reported_not_just_the_first(version: str) -> None:
    data = statement(id="1", actor={"mbox": "x"}, result={"success": "yes"}, extra=1)
    assert sorted(paths(data, version)) == ["actor.mbox", "extra", "id", "result.success"]
