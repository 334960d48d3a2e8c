"""The example roles and paths: valid against the published schema, in English and Dutch, with
rules a Moodle's statements really match, and installable into a tenant (once)."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from jsonschema import Draft202012Validator

from lti_tool.core.db import commit_or_rollback
from lti_tool.paths import definition as definitions
from lti_tool.paths import examples
from lti_tool.paths.definition import BRANCHES
from lti_tool.paths.services import path_versions
from tests.integration.xapi_helpers import tenant_id
from tests.support.platform import TestPlatform


@pytest.mark.parametrize("name", examples.NAMES)
def test_each_example_is_valid_against_the_published_schema_and_its_rules(name: str) -> None:
    data = examples.definition(name)
    assert list(Draft202012Validator(definitions.SCHEMA).iter_errors(data)) == []
    parsed = definitions.parse(data)
    assert 3 <= len(parsed.priority_skills) <= 5
    assert set(parsed.branches) == set(BRANCHES)
    assert all(stage.questions for stage in parsed.stages)


def _texts(value: object) -> list[dict[str, str]]:
    """Every language map in a definition."""
    if isinstance(value, dict):
        if value and all(key in ("en", "nl") for key in value):
            return [value]
        return [found for item in value.values() for found in _texts(item)]
    if isinstance(value, list):
        return [found for item in value for found in _texts(item)]
    return []


@pytest.mark.parametrize("name", examples.NAMES)
def test_each_example_speaks_english_and_dutch_everywhere(name: str) -> None:
    texts = _texts(examples.definition(name))
    assert texts
    for text in texts:
        assert set(text) == {"en", "nl"} and all(text.values()), text
        assert text["en"] != text["nl"] or len(text["en"]) < 4, text  # translated, not copied


@pytest.mark.parametrize("name", examples.NAMES)
def test_each_example_rules_name_moodle_activities_and_known_verbs(name: str) -> None:
    rules = [s.evidence for s in definitions.parse(examples.definition(name)).steps() if s.evidence]
    assert len(rules) >= 4
    for rule in rules:
        assert rule.activity.startswith(("https://moodle.example.org/", "urn:learnloop:card:"))
        assert rule.verbs <= {
            "http://adlnet.gov/expapi/verbs/completed",
            "http://adlnet.gov/expapi/verbs/attended",
            "http://adlnet.gov/expapi/verbs/experienced",
            "https://w3id.org/xapi/tla/verbs/scored",
        }


def test_an_example_rule_matches_what_moodle_sends_when_a_module_is_completed() -> None:
    # core__course_module_completion_update as Moodle's logstore sends it, for module 101.
    data = examples.definition("customer-support-agent", lms_url="https://lms.example.edu/")
    step = next(s for s in definitions.parse(data).steps() if s.key == "support-product-basics")
    assert step.evidence is not None
    assert step.evidence.matches(
        "http://adlnet.gov/expapi/verbs/completed",
        "https://lms.example.edu/mod/book/view.php?id=101",
        True,
        None,
    )


def test_installing_the_examples_twice_saves_each_path_once(
    app: Flask, registered: TestPlatform
) -> None:
    tenant = tenant_id(app)
    with app.app_context(), commit_or_rollback():
        assert len(examples.install(tenant)) == 3
    with app.app_context(), commit_or_rollback():
        assert examples.install(tenant) == []
        listings = path_versions.paths(tenant)
    assert sorted(listing.role_key for listing in listings) == sorted(examples.NAMES)
    assert all(listing.version == 1 for listing in listings)
    assert [listing.graded for listing in listings if listing.role_key == "software-developer"] == [
        True
    ]


def test_example_files_are_json_that_names_the_schema() -> None:
    from importlib import resources

    for name in examples.NAMES:
        raw = resources.files(examples).joinpath(f"{name}.json").read_text(encoding="utf-8")
        assert json.loads(raw)["$schema"] == definitions.SCHEMA_ID
