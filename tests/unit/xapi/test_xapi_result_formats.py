"""The format parameter of GET statements: ids and canonical (1.0.3 Communication 2.1.3)."""

from __future__ import annotations

from collections.abc import Sequence

from xapi import result_formats

ADA = {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.org"}
ACTIVITY = {
    "id": "http://example.org/a",
    "definition": {
        "name": {"en": "A", "nl": "Een", "fr": "Un"},
        "description": {},
        "interactionType": "likert",
        "scale": [{"id": "1", "description": {"en": "bad", "nl": "slecht"}}],
    },
}


def _first_nl(tags: Sequence[str]) -> str:
    return "nl" if "nl" in tags else tags[0]


def test_ids_of_a_sub_statement_and_of_context_agents_and_groups() -> None:
    statement = {
        "actor": ADA,
        "verb": {"id": "http://example.org/v", "display": {"en": "v"}},
        "object": {
            "objectType": "SubStatement",
            "actor": {"objectType": "Group", "member": [ADA]},
            "verb": {"id": "http://example.org/w", "display": {"en": "w"}},
            "object": ACTIVITY,
            "context": {"contextActivities": {"parent": ACTIVITY}},
        },
        "context": {
            "contextAgents": [{"objectType": "contextAgent", "agent": ADA}],
            "contextGroups": [
                {"objectType": "contextGroup", "group": {"objectType": "Group", "member": [ADA]}}
            ],
            "statement": {
                "objectType": "StatementRef",
                "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
            },
        },
        "result": {"response": "kept"},
    }
    reduced = result_formats.ids(statement)
    bare_ada = {"objectType": "Agent", "mbox": "mailto:ada@example.org"}
    inner = reduced["object"]
    assert inner["actor"] == {"objectType": "Group", "member": [bare_ada]}
    assert inner["verb"] == {"id": "http://example.org/w"}
    assert inner["object"] == {"id": "http://example.org/a"}
    assert inner["context"]["contextActivities"]["parent"] == {"id": "http://example.org/a"}
    assert reduced["context"]["contextAgents"][0]["agent"] == bare_ada
    assert reduced["context"]["contextGroups"][0]["group"]["member"] == [bare_ada]
    assert reduced["context"]["statement"] == statement["context"]["statement"]
    assert reduced["result"] == {"response": "kept"}
    assert statement["actor"] == ADA  # the input is left as it was


def test_canonical_keeps_one_language_in_every_map_of_activities_and_verbs() -> None:
    statement = {
        "actor": ADA,
        "verb": {"id": "http://example.org/v", "display": {"en": "saw", "nl": "zag"}},
        "object": ACTIVITY,
    }
    shaped = result_formats.canonical(statement, _first_nl)
    definition = shaped["object"]["definition"]
    assert definition["name"] == {"nl": "Een"}
    assert definition["description"] == {}  # an empty map stays empty
    assert definition["scale"] == [{"id": "1", "description": {"nl": "slecht"}}]
    assert shaped["verb"]["display"] == {"nl": "zag"}
    assert shaped["actor"] == ADA


def test_exact_leaves_the_text_as_stored() -> None:
    text = '{"actor": {"mbox": "mailto:a@b.org"}}'
    assert result_formats.shaped([text], "exact", _first_nl) == [text]
