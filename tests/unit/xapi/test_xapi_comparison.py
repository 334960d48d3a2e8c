"""Statement comparison (1.0.3 Data 2.3.1; xapi-validation.md §5): what a re-send may differ in."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from xapi.comparison import same_statement

BASE: dict[str, Any] = {
    "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
    "actor": {"objectType": "Agent", "mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}},
    "object": {
        "objectType": "Activity",
        "id": "http://example.org/a",
        "definition": {"name": {"en": "A"}},
    },
    "result": {"duration": "PT1.234S", "score": {"raw": 1}},
    "context": {
        "registration": "2e8f6a32-7c3b-4a3c-9f0e-6d1c52a3b7e1",
        "language": "en-US",
        "contextActivities": {
            "parent": [{"id": "http://example.org/p"}, {"id": "http://example.org/q"}]
        },
    },
    "timestamp": "2015-06-10T14:31:41.000Z",
}


def _with(**changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(BASE)
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = changed
        for key in parents:
            target = target[key]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return changed


@pytest.mark.parametrize(
    "resent",
    [
        _with(stored="2026-01-01T00:00:00Z", authority={"mbox": "mailto:x@example.org"}),
        _with(version="1.0.3"),
        _with(id="FD41C918-B88B-4B20-A0A5-A4C32391AAA0"),
        _with(timestamp="2015-06-10T16:31:41+02:00"),
        _with(timestamp=None),  # the LRS filled it in the first time
        _with(verb__display={"nl": "voltooid"}),
        _with(object={"id": "http://example.org/a"}),  # definition and objectType left out
        _with(actor={"mbox": "mailto:ada@EXAMPLE.org"}),
        _with(result__duration="PT1.23999S"),  # digits after 0.01 s do not count
        _with(context__registration="2E8F6A32-7C3B-4A3C-9F0E-6D1C52A3B7E1"),
        _with(context__language="EN-us"),
        _with(
            context__contextActivities={
                "parent": [{"id": "http://example.org/q"}, {"id": "http://example.org/p"}]
            }
        ),
        _with(attachments=[{"usageType": "http://x"}]),
    ],
)
def test_a_re_send_may_differ_in_what_the_lrs_could_have_changed(resent: dict[str, Any]) -> None:
    assert same_statement(BASE, resent)


def test_a_single_context_activity_is_the_same_as_a_one_element_array() -> None:
    one = _with(context__contextActivities={"parent": {"id": "http://example.org/p"}})
    listed = _with(context__contextActivities={"parent": [{"id": "http://example.org/p"}]})
    assert same_statement(one, listed)


def test_group_members_compare_in_any_order() -> None:
    members = [{"mbox": "mailto:a@example.org"}, {"mbox": "mailto:b@example.org"}]
    group = {"objectType": "Group", "member": members}
    reordered = {"objectType": "Group", "member": members[::-1]}
    assert same_statement(_with(actor=group), _with(actor=reordered))


@pytest.mark.parametrize(
    "different",
    [
        _with(verb__id="http://adlnet.gov/expapi/verbs/failed"),
        _with(object__id="http://example.org/b"),
        _with(actor={"mbox": "mailto:ADA@example.org"}),  # the local part keeps its case
        _with(timestamp="2015-06-10T14:31:42.000Z"),
        _with(result__duration="PT1.24S"),
        _with(result__score={"raw": 2}),
        _with(result__duration="PT1.234S", result__success=True),
        _with(context__platform="Moodle"),
        _with(context=None),
        _with(context__extensions={"http://example.org/x": 1}),
    ],
)
def test_any_other_difference_counts(different: dict[str, Any]) -> None:
    assert not same_statement(BASE, different)


def test_durations_compare_as_strings_so_120_seconds_is_not_2_minutes() -> None:
    assert not same_statement(_with(result__duration="PT120S"), _with(result__duration="PT2M"))


def test_a_substatement_compares_by_the_same_rules() -> None:
    sub = {
        "objectType": "SubStatement",
        "actor": {"mbox": "mailto:b@example.org"},
        "verb": {"id": "http://example.org/v", "display": {"en": "v"}},
        "object": {"id": "http://example.org/s", "definition": {"name": {"en": "S"}}},
        "timestamp": "2015-06-10T14:31:41Z",
    }
    renamed = copy.deepcopy(sub)
    renamed["object"]["definition"] = {"name": {"en": "Other"}}
    renamed["timestamp"] = "2015-06-10T15:31:41+01:00"
    assert same_statement(_with(object=sub), _with(object=renamed))
    moved = {**sub, "timestamp": "2015-06-10T14:31:42Z"}
    assert not same_statement(_with(object=sub), _with(object=moved))
