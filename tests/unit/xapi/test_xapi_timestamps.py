"""Timestamps as instants (the validator decides what is well formed)."""

from __future__ import annotations

import datetime as dt

import pytest

from xapi import timestamps

UTC = dt.UTC


@pytest.mark.parametrize(
    ("value", "instant"),
    [
        ("2015-06-10T14:31:41.000Z", dt.datetime(2015, 6, 10, 14, 31, 41, tzinfo=UTC)),
        ("2015-06-10T16:31:41+02:00", dt.datetime(2015, 6, 10, 14, 31, 41, tzinfo=UTC)),
        ("2015-06-10T09:31:41-0500", dt.datetime(2015, 6, 10, 14, 31, 41, tzinfo=UTC)),
        ("20150610T143141Z", dt.datetime(2015, 6, 10, 14, 31, 41, tzinfo=UTC)),
        ("2015-06-10 14:31Z", dt.datetime(2015, 6, 10, 14, 31, tzinfo=UTC)),
        ("2015-06-10T14:31:41,1234567", dt.datetime(2015, 6, 10, 14, 31, 41, 123456, tzinfo=UTC)),
    ],
)
def test_a_timestamp_names_one_instant(value: str, instant: dt.datetime) -> None:
    assert timestamps.parse(value) == instant


def test_stored_is_kept_to_the_millisecond_and_written_in_utc_with_a_z() -> None:
    now = timestamps.stored_now()
    assert now.microsecond % 1000 == 0
    written = timestamps.format_stored(dt.datetime(2026, 1, 2, 4, 5, 6, 789000, tzinfo=UTC))
    assert written == "2026-01-02T04:05:06.789Z"
