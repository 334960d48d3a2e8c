"""Which steps count for a learner (their branch), and the percentages the page shows."""

from __future__ import annotations

from typing import Any

from lti_tool.paths.definition import parse
from lti_tool.paths.progress_math import (
    counted_steps,
    effective_branch,
    percent,
    skill_percent,
)


def _path(*branches: str) -> Any:
    def stage(key: str, *steps: tuple[str, float]) -> dict[str, Any]:
        return {
            "key": key,
            "steps": [
                {"key": k, "kind": "checkin", "title": k, "skills": [{"skill": "s", "weight": w}]}
                for k, w in steps
            ],
        }

    stages = [stage("core", ("c1", 1), ("c2", 3)), stage("advanced", ("a1", 1))]
    stages += [stage(branch, (branch[:4], 5)) for branch in branches]
    data = {
        "role": {"key": "r", "name": "R"},
        "skills": [{"key": "s", "name": "S"}],
        "priority_skills": ["s"],
        "stages": stages,
    }
    return parse(data)


def test_until_a_branch_is_chosen_only_core_and_advanced_count() -> None:
    both = _path("leadership", "specialist")
    assert effective_branch(both, None) is None
    assert [s.key for s in counted_steps(both, None)] == ["c1", "c2", "a1"]
    assert [s.key for s in counted_steps(both, "specialist")] == ["c1", "c2", "a1", "spec"]


def test_a_path_with_one_branch_stage_counts_it_without_a_choice() -> None:
    one = _path("leadership")
    assert effective_branch(one, None) == "leadership"
    assert effective_branch(one, "specialist") == "leadership"
    assert [s.key for s in counted_steps(one, None)][-1] == "lead"


def test_percentages_round_down_and_reach_100_only_when_all_is_done() -> None:
    steps = counted_steps(_path(), None)
    assert percent({"c1", "c2"}, steps) == 66
    assert percent({"c1", "c2", "a1"}, steps) == 100
    assert percent(set(), []) == 0
    assert skill_percent({"c2"}, steps, "s") == 60  # weights 1 + 3 + 1: 3 of 5
    assert skill_percent({"c2"}, steps, "unknown") == 0
