"""The rule index: a statement finds the steps whose rule it meets, by exact id or prefix."""

from __future__ import annotations

from typing import Any

from lti_tool.paths.definition import parse
from lti_tool.paths.progress_rules import index

DONE = "http://adlnet.gov/expapi/verbs/completed"
SEEN = "http://adlnet.gov/expapi/verbs/experienced"


def _step(key: str, activity: str, **rule: Any) -> dict[str, Any]:
    evidence = {"verbs": rule.pop("verbs", [DONE]), "activity": activity, **rule}
    return {"key": key, "kind": "activity", "title": key, "evidence": evidence}


def _rules(*steps: dict[str, Any]) -> Any:
    data = {
        "role": {"key": "r", "name": "R"},
        "skills": [],
        "priority_skills": [],
        "stages": [
            {"key": "core", "steps": list(steps)},
            {"key": "advanced", "steps": [{"key": "talk", "kind": "checkin", "title": "t"}]},
        ],
    }
    return index(1, 1, False, parse(data))


def test_an_exact_rule_matches_only_its_activity_id() -> None:
    rules = _rules(_step("a", "https://lms.example/x?id=1"))
    assert rules.steps_for(DONE, "https://lms.example/x?id=1", None, None) == ["a"]
    assert rules.steps_for(DONE, "https://lms.example/x?id=10", None, None) == []


def test_prefix_rules_of_different_lengths_all_match_a_longer_id() -> None:
    rules = _rules(
        _step("site", "https://lms.example/", match="prefix"),
        _step("quiz", "https://lms.example/mod/quiz/", match="prefix"),
        _step("other", "https://lms.example/mod/book/", match="prefix"),
    )
    found = rules.steps_for(DONE, "https://lms.example/mod/quiz/view.php?id=3", None, None)
    assert sorted(found) == ["quiz", "site"]
    assert rules.steps_for(DONE, "https://lms.example", None, None) == []


def test_the_verb_success_and_scaled_conditions_must_all_hold() -> None:
    rules = _rules(
        _step("passed", "https://q/", match="prefix", success=True),
        _step("scored", "https://q/", match="prefix", min_scaled=0.5, verbs=[DONE, SEEN]),
    )
    assert rules.steps_for(SEEN, "https://q/1", True, 0.9) == ["scored"]
    assert rules.steps_for(DONE, "https://q/1", True, 0.4) == ["passed"]
    assert rules.steps_for(DONE, "https://q/1", None, None) == []
    assert rules.steps_for(DONE, None, True, 1.0) == []


def test_steps_without_an_evidence_rule_are_not_indexed() -> None:
    rules = _rules(_step("a", "https://x/1"))
    assert rules.verbs == frozenset({DONE})
    assert set(rules.exact) == {"https://x/1"} and not rules.prefixes
