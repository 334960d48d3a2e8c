"""Result and score (xAPI 1.0.3 Data 2.4.5, XAPI-00074–00083; CTS results.js, scores.js)."""

from __future__ import annotations

from typing import Any

import pytest
from xapi_samples import VERSIONS, errors, paths, statement


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "result",
    [
        {},
        {"success": True, "completion": False, "response": "golf", "duration": "PT1S"},
        {"response": ""},
        {"extensions": {"http://example.com/ext": None}},
        {"score": {}},
        {"score": {"scaled": 0.95, "raw": 95, "min": 0, "max": 100}},
        {"score": {"scaled": -1}},
        {"score": {"scaled": 1}},
        {"score": {"raw": 0, "min": 0, "max": 1}},
        {"score": {"raw": 1, "min": 0, "max": 1}},
        {"score": {"raw": -5.5, "min": -10.25}},
        {"score": {"raw": 1e6, "max": 1e9}},
    ],
)
def test_a_well_formed_result_is_accepted(version: str, result: dict) -> None:
    assert errors(statement(result=result), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("score", "path"),
    [
        ({"scaled": 1.01}, "result.score.scaled"),
        ({"scaled": -1.5}, "result.score.scaled"),
        ({"min": 10, "max": 10}, "result.score.max"),
        ({"min": 10, "max": 5}, "result.score.max"),
        ({"raw": -1, "min": 0}, "result.score.raw"),
        ({"raw": 101, "max": 100}, "result.score.raw"),
        ({"raw": "95"}, "result.score.raw"),
        ({"scaled": True}, "result.score.scaled"),
        ({"max": None}, "result.score.max"),
        ({"percent": 95}, "result.score.percent"),
        (0.95, "result.score"),
    ],
)
def test_a_score_out_of_range_or_of_the_wrong_type_is_rejected(
    version: str, score: Any, path: str
) -> None:
    assert paths(statement(result={"score": score}), version) == [path]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_raw_score_outside_its_bounds_says_which_bound(version: str) -> None:
    found = errors(statement(result={"score": {"raw": 101, "min": 0, "max": 100}}), version)
    assert found == [("result.score.raw", "must not be greater than max (100)")]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("result", "path"),
    [
        ({"success": "true"}, "result.success"),
        ({"success": 1}, "result.success"),
        ({"completion": "false"}, "result.completion"),
        ({"completion": None}, "result.completion"),
        ({"response": 42}, "result.response"),
        ({"duration": 3600}, "result.duration"),
        ({"Success": True}, "result.Success"),
        ({"grade": "A"}, "result.grade"),
    ],
)
def test_a_result_property_of_the_wrong_type_or_unknown_is_rejected(
    version: str, result: dict, path: str
) -> None:
    assert paths(statement(result=result), version) == [path]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("result", ["passed", [], None])
def test_a_result_that_is_not_an_object_is_rejected(version: str, result: Any) -> None:
    assert paths(statement(result=result), version) == ["result"]
