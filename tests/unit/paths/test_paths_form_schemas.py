"""The paths pages' form parsing: flat fields named like JSON paths become a definition, and the
definition's refusals are said in the viewer's words (each rule's wording is pinned here)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from lti_tool.paths.definition import DefinitionInvalid
from lti_tool.paths.schemas import editor, form
from lti_tool.paths.schemas.messages import check
from lti_tool.paths.words import field_label
from tests.integration.paths.pages_helpers import definition


def test_unflatten_nests_fields_by_name_and_list_index() -> None:
    fields = MultiDict(
        [
            ("stages[1].steps[0].title.en", "B"),
            ("stages[0].key", "core"),
            ("stages[1].steps[0].evidence.verbs", "v1"),
            ("stages[1].steps[0].evidence.verbs", "v2"),
            ("stages[999].key", "ignored: an index no form of ours has"),
            ("not a name!", "ignored"),
        ]
    )
    tree = form.unflatten(fields)
    assert [row.get("key") for row in form.rows(tree["stages"])] == [["core"], None]
    step = form.rows(tree["stages"][1]["steps"])[0]
    assert form.text(step, "title") == {"en": "B"}
    assert form.values(step["evidence"], "verbs") == ["v1", "v2"]


@pytest.mark.parametrize(
    ("typed", "read"), [("", None), ("12", 12), ("0,8", 0.8), ("1.0", 1), ("abc", "abc")]
)
def test_numbers_are_read_leniently_and_kept_as_typed_when_they_are_not(
    typed: str, read: Any
) -> None:
    assert form.number(typed) == read


def test_a_key_is_made_from_a_title_and_kept_unique() -> None:
    assert form.slug("Één klacht oplossen!", set()) == "een-klacht-oplossen"
    assert form.slug("Quiz", {"quiz", "quiz-2"}) == "quiz-3"


def test_an_unknown_button_is_not_an_action() -> None:
    assert editor.action(MultiDict({"action": "preview:1:2"})) == editor.Action("preview", 1, 2)
    assert editor.action(MultiDict({"action": "add-stage:specialist"})) == editor.Action(
        "add-stage", stage_key="specialist"
    )
    assert editor.action(MultiDict({"action": "drop-table:1"})) is None


def _problems(app: Flask, data: dict[str, Any], lang: str = "en") -> dict[str, str]:
    with app.test_request_context(f"/?lang={lang}"), pytest.raises(DefinitionInvalid) as caught:
        check(data)
    return {error.field: error.message for error in caught.value.errors}


def _changed(**paths: Any) -> dict[str, Any]:
    data = copy.deepcopy(definition())
    for where, value in paths.items():
        node: Any = data
        *parents, last = where.split("/")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return data


RULES = [
    (
        _changed(**{"stages/0/steps/0/depends_on": ["quiz"]}),
        "stages[0].steps[0].depends_on[0]",
        "Een stap kan niet van zichzelf afhangen.",
    ),
    (
        _changed(**{"stages/1/steps/0/depends_on": ["nope"]}),
        "stages[1].steps[0].depends_on[0]",
        "Er is geen stap met de sleutel “nope”.",
    ),
    (
        _changed(**{"stages/1/steps": []}),
        "stages[1].steps",
        "Een fase heeft minstens één stap nodig.",
    ),
    (
        _changed(**{"stages/0/steps/0/evidence/activity": "quiz"}),
        "stages[0].steps[0].evidence.activity",
        "Vul een volledig adres in met het schema, zoals https://moodle.example.org/…",
    ),
    (
        _changed(priority_skills=["listening", "product", "writing", "a", "b", "c"]),
        "priority_skills",
        "Een rol heeft hoogstens 5 prioriteitsvaardigheden (6 opgegeven). Houd de andere bij als "
        "gevolgde vaardigheden zonder prioriteit.",
    ),
    (
        _changed(**{"stages/0/steps/0/skills/0/skill": "juggling"}),
        "stages[0].steps[0].skills[0].skill",
        "Er is geen vaardigheid “juggling” in de catalogus.",
    ),
    (
        _changed(**{"stages/0/key": "advanced", "stages/1/key": "core"}),
        "stages",
        "Fasen komen in deze volgorde: basis, gevorderd, dan leiderschap of specialist.",
    ),
    (
        _changed(**{"stages/0/steps/0/depends_on": ["course-2"]}),
        "stages",
        "Stappen hangen in een kring van elkaar af: quiz → course-2 → quiz.",
    ),
]


@pytest.mark.parametrize(("data", "field", "dutch"), RULES)
def test_every_rule_of_the_definition_is_said_in_dutch_at_its_field(
    app: Flask, data: dict[str, Any], field: str, dutch: str
) -> None:
    assert _problems(app, data, "nl").get(field) == dutch


def test_an_activity_step_without_a_rule_is_told_what_to_enter(app: Flask) -> None:
    data = definition()
    del data["stages"][0]["steps"][0]["evidence"]
    assert _problems(app, data) == {
        "stages[0].steps[0].evidence": "This kind of step is done when a statement matches its "
        "rule: enter its verbs and activity."
    }


def test_a_schema_problem_names_the_missing_field_itself(app: Flask) -> None:
    data = definition()
    del data["stages"][0]["steps"][0]["title"]
    assert _problems(app, data) == {"stages[0].steps[0].title": "Fill this in."}


def test_field_labels_say_where_a_problem_is(app: Flask) -> None:
    with app.test_request_context("/?lang=nl"):
        assert field_label("stages[0].steps[1].evidence.activity") == (
            "Fase 1 › Stap 2 › Bewijsregel › Activiteit-id"
        )
        assert field_label("stages[0].steps[0].depends_on[2]") == "Fase 1 › Stap 1 › Hangt af van"
