"""Reading a statement's time: ISO 8601 durations as xAPI allows them."""

from __future__ import annotations

import pytest

from lti_tool.paths.progress_statements import MAX_SECONDS, duration_seconds


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("PT1S", 1),
        ("PT1H30M", 5400),
        ("PT0.5S", None),  # rounds down to nothing
        ("PT90.9S", 90),
        ("PT1,5M", 90),
        ("P1DT1H", MAX_SECONDS),
        ("P1W", MAX_SECONDS),
        ("PT0S", None),
        ("P", None),
        ("PT", None),
        ("P1DT", None),
        ("1H", None),
        ("PT1H2", None),
    ],
)
def test_durations_are_whole_seconds_capped_at_one_sitting(value: str, seconds: int | None) -> None:
    assert duration_seconds(value) == seconds
