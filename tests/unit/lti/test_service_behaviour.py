"""What differs per LMS when LearnLoop calls its services (notes/lti-advantage.md §5), and the
URL and paging rules every platform gets."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from lti_tool.lti.products.ags import (
    LINEITEM,
    LINEITEM_READONLY,
    RESULT_READONLY,
    SCORE,
    Score,
    ServiceBehaviour,
    format_timestamp,
    services_for,
)
from lti_tool.lti.products.canvas_ags import SUBMISSION
from lti_tool.lti.services.lineitems import with_params, with_path
from lti_tool.lti.services.paging import next_link

T = dt.datetime(2026, 11, 28, 10, 0, 0, 400_000, tzinfo=dt.UTC)


def _score(grading: str = "FullyGraded", activity: str = "InProgress") -> Score:
    return Score("sub-1", 3.0, 5.0, activity, grading, T)


def test_the_behaviour_is_chosen_by_product_family_and_unknown_ones_get_the_spec() -> None:
    assert services_for("Moodle").family == "moodle"
    assert services_for(" canvas ").family == "canvas"
    assert type(services_for("brightspace")) is ServiceBehaviour
    assert type(services_for(None)) is ServiceBehaviour


def test_a_token_asks_only_for_the_granted_scopes_learnloop_uses() -> None:
    granted = [LINEITEM, RESULT_READONLY, SCORE, "https://example.org/other"]
    assert services_for("generic").ags_token_scopes(granted) == (LINEITEM, SCORE)
    assert services_for("generic").ags_token_scopes([SCORE]) == (SCORE,)


def test_moodle_tokens_also_ask_for_lineitem_readonly_when_lineitem_is_granted() -> None:
    moodle = services_for("moodle")
    assert moodle.ags_token_scopes([LINEITEM, SCORE]) == (LINEITEM, LINEITEM_READONLY, SCORE)
    assert moodle.ags_token_scopes([SCORE]) == (SCORE,)


@pytest.mark.parametrize(
    ("wanted", "last", "expected"),
    [
        (T, None, T),
        (T, T - dt.timedelta(seconds=2), T),
        (T, T - dt.timedelta(milliseconds=300), T.replace(microsecond=0) + dt.timedelta(seconds=1)),
        (T, T, T.replace(microsecond=0) + dt.timedelta(seconds=1)),
        (T, T + dt.timedelta(seconds=5), (T + dt.timedelta(seconds=6)).replace(microsecond=0)),
    ],
)
def test_moodle_timestamps_step_to_a_later_second_than_the_last_one_sent(
    wanted: dt.datetime, last: dt.datetime | None, expected: dt.datetime
) -> None:
    sent = services_for("moodle").score_timestamp(wanted, last)
    assert sent == expected
    if last is not None:
        assert int(sent.timestamp()) > int(last.timestamp())


def test_other_platforms_get_timestamps_that_only_never_go_back() -> None:
    generic = services_for("generic")
    assert generic.score_timestamp(T, T) == T + dt.timedelta(milliseconds=1)
    assert generic.score_timestamp(T, T - dt.timedelta(milliseconds=1)) == T


def test_moodle_gets_no_score_given_until_it_is_fully_graded() -> None:
    moodle = services_for("moodle")
    assert "scoreGiven" not in moodle.score_body(_score("Pending"))
    assert moodle.score_body(_score("Pending"))["scoreMaximum"] == 5.0
    assert moodle.score_body(_score("FullyGraded"))["scoreGiven"] == 3.0


def test_the_spec_score_has_every_required_field_and_a_precise_timestamp() -> None:
    body = services_for("generic").score_body(_score())
    assert body == {
        "userId": "sub-1",
        "scoreGiven": 3.0,
        "scoreMaximum": 5.0,
        "activityProgress": "InProgress",
        "gradingProgress": "FullyGraded",
        "timestamp": "2026-11-28T10:00:00.400+00:00",
    }
    assert SUBMISSION not in body


def test_canvas_gets_the_submission_extension_and_submitted_at_once_submitted() -> None:
    canvas = services_for("canvas")
    assert canvas.score_body(_score())[SUBMISSION] == {"new_submission": False}
    done = canvas.score_body(_score(activity="Completed"))[SUBMISSION]
    assert done == {"new_submission": False, "submitted_at": format_timestamp(T)}


def test_service_urls_keep_their_own_query_when_a_path_or_parameter_is_added() -> None:
    moodle = "https://moodle.example.org/mod/lti/services.php/2/lineitems/7/lineitem?type_id=3"
    assert with_path(moodle, "/scores") == (
        "https://moodle.example.org/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=3"
    )
    assert with_params("https://x.org/items?type_id=3&limit=5", {"limit": "10", "a": "b c"}) == (
        "https://x.org/items?type_id=3&limit=10&a=b+c"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('<https://x.org/p2>; rel="next"', "https://x.org/p2"),
        ('<https://x.org/p2>; rel="Next", <https://x.org/p9>; rel="last"', "https://x.org/p2"),
        ('<https://x.org/p9>; rel="last"', None),
        ("", None),
    ],
)
def test_the_next_page_is_read_from_the_link_header_whatever_its_case(
    header: str, expected: str | None
) -> None:
    response = requests.Response()
    if header:
        response.headers["link"] = header
    assert next_link(response) == expected
