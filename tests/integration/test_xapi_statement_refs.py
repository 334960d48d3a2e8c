"""GET statements follows StatementRefs: a statement whose object targets another statement meets
the query's filters when its target does, recursively; ``since``, ``until`` and ``limit`` apply
to the statement itself (xAPI 1.0.3 Communication 2.1.3 "Filter Conditions for StatementRefs"
and 2.1.4 "Voided Statements"; 2.0 §4.1.6.1, the same text)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest

from tests.integration.xapi_helpers import AGENT, V1, V2, Lrs, statement, voiding

BEN = {"objectType": "Agent", "name": "Ben", "mbox": "mailto:ben@example.edu"}
ANDREW = {"objectType": "Agent", "name": "Andrew", "mbox": "mailto:andrew@example.edu"}
PASSED = {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}}
CONFIRMED = {"id": "http://example.com/verbs/confirmed", "display": {"en-US": "confirmed"}}
EXPLOSIVES = {"objectType": "Activity", "id": "http://example.com/activities/explosives"}
QUIZ = "http://example.com/activities/quiz"


def _ids(found: list[dict[str, Any]]) -> list[str]:
    return sorted(s["id"] for s in found)


def _ref(target_id: str, **properties: Any) -> dict[str, Any]:
    """A statement whose object is a StatementRef to ``target_id``: Andrew confirmed it."""
    merged = {"actor": ANDREW, "verb": CONFIRMED} | properties
    return statement(object={"objectType": "StatementRef", "id": target_id}, **merged)


def _stored(lrs: Lrs, statement_id: str) -> str:
    return lrs.get(statementId=statement_id).get_json()["stored"]


@pytest.fixture(params=[V1, V2])
def any_version(request: pytest.FixtureRequest, lrs: Lrs) -> Lrs:
    lrs.version = request.param
    return lrs


def test_the_specs_example_ben_passed_and_andrew_confirmed_match_bens_filters(
    any_version: Lrs,
) -> None:
    registration = str(uuid.uuid4())
    passed = statement(
        actor=BEN, verb=PASSED, object=EXPLOSIVES, context={"registration": registration}
    )
    confirmed = _ref(passed["id"])
    unrelated = statement()
    assert any_version.post([passed, confirmed, unrelated]).status_code == 200
    both = _ids([passed, confirmed])
    assert _ids(any_version.all_pages(agent=json.dumps(BEN))) == both
    assert _ids(any_version.all_pages(activity=EXPLOSIVES["id"])) == both
    assert _ids(any_version.all_pages(verb=PASSED["id"])) == both
    assert _ids(any_version.all_pages(registration=registration)) == both
    # Andrew's own statement still matches on itself.
    assert _ids(any_version.all_pages(agent=json.dumps(ANDREW))) == [confirmed["id"]]


def test_references_are_followed_recursively(any_version: Lrs) -> None:
    c = statement(actor=BEN)
    b = _ref(c["id"])
    a = _ref(b["id"])
    any_version.post([c, b, a, statement()])
    assert _ids(any_version.all_pages(agent=json.dumps(BEN))) == _ids([a, b, c])


def test_a_reference_counts_only_as_the_object_not_as_context_statement(
    any_version: Lrs,
) -> None:
    target = statement(actor=BEN)
    in_context = statement(
        actor=ANDREW, context={"statement": {"objectType": "StatementRef", "id": target["id"]}}
    )
    any_version.post([target, in_context])
    assert _ids(any_version.all_pages(agent=json.dumps(BEN))) == [target["id"]]


def test_since_and_until_apply_to_the_referring_statement_not_its_target(lrs: Lrs) -> None:
    target = statement(actor=BEN)
    lrs.post(target)
    time.sleep(0.01)
    confirmed = _ref(target["id"])
    lrs.post(confirmed)
    bens = json.dumps(BEN)
    target_stored = _stored(lrs, target["id"])
    assert _ids(lrs.all_pages(agent=bens, since=target_stored)) == [confirmed["id"]]
    assert _ids(lrs.all_pages(agent=bens, until=target_stored)) == [target["id"]]


def test_paging_with_limit_returns_each_match_once_in_stored_order(lrs: Lrs) -> None:
    expected = []
    for _ in range(4):  # one request each: four distinct ``stored`` times
        target = statement(actor=BEN)
        batch = [target, _ref(target["id"]), statement()]
        lrs.post(batch)
        expected += batch[:2]
        time.sleep(0.002)
    bens = json.dumps(BEN)
    upwards = lrs.all_pages(agent=bens, limit="3", ascending="true")
    assert _ids(upwards) == _ids(expected) and len(upwards) == 8
    stored = [s["stored"] for s in upwards]
    assert stored == sorted(stored)
    downwards = lrs.all_pages(agent=bens, limit="3")
    assert [s["id"] for s in downwards] == [s["id"] for s in reversed(upwards)]
    first = lrs.get(agent=bens, limit="8").get_json()
    assert len(first["statements"]) == 8 and first["more"] == ""


def test_a_statement_that_matches_itself_and_through_its_reference_comes_once(lrs: Lrs) -> None:
    passed = statement(actor=BEN, verb=PASSED)
    own_confirmation = _ref(passed["id"], actor=BEN)
    lrs.post([passed, own_confirmation, statement()])
    for limit in ("1", "2", "10"):
        found = lrs.all_pages(agent=json.dumps(BEN), limit=limit)
        assert sorted(s["id"] for s in found) == _ids([passed, own_confirmation])


def test_all_filters_must_be_met_by_the_same_statement_of_the_chain(lrs: Lrs) -> None:
    """Andrew's confirmation meets ``verb=confirmed`` itself and ``agent=Ben`` through its
    target, but no one statement meets both (as ADL's LRS and lrsql read the rule)."""
    passed = statement(actor=BEN, verb=PASSED)
    confirmed = _ref(passed["id"])
    lrs.post([passed, confirmed])
    assert lrs.all_pages(agent=json.dumps(BEN), verb=CONFIRMED["id"]) == []
    assert _ids(lrs.all_pages(agent=json.dumps(BEN), verb=PASSED["id"])) == _ids(
        [passed, confirmed]
    )


def test_related_agents_and_activities_are_followed_through_references(any_version: Lrs) -> None:
    taught = statement(context={"instructor": BEN, "contextActivities": {"parent": [{"id": QUIZ}]}})
    confirmed = _ref(taught["id"])
    # QUIZ only as an extension value: over-selected by the SQL, then refused.
    decoy = statement(result={"extensions": {"http://example.com/ext": {"id": QUIZ}}})
    confirmed_decoy = _ref(decoy["id"])
    any_version.post([taught, confirmed, decoy, confirmed_decoy])
    bens = json.dumps(BEN)
    assert any_version.all_pages(agent=bens) == []
    assert _ids(any_version.all_pages(agent=bens, related_agents="true")) == _ids(
        [taught, confirmed]
    )
    assert any_version.all_pages(activity=QUIZ) == []
    found = any_version.all_pages(activity=QUIZ, related_activities="true", limit="1")
    assert _ids(found) == _ids([taught, confirmed])
    both = {"agent": bens, "related_agents": "true", "activity": QUIZ}
    assert _ids(any_version.all_pages(**both, related_activities="true")) == _ids(
        [taught, confirmed]
    )


def test_a_statement_targeting_a_voided_statement_is_still_returned_but_not_the_voided_one(
    any_version: Lrs,
) -> None:
    target = statement(actor=BEN, verb=PASSED)
    confirmed = _ref(target["id"])
    void = voiding(target["id"], actor=ANDREW)
    any_version.post([target, confirmed, void])
    assert any_version.get(statementId=target["id"]).status_code == 404
    following = _ids([confirmed, void])  # the voiding statement, too (Communication 2.1.4.s1.b2)
    assert _ids(any_version.all_pages(agent=json.dumps(BEN))) == following
    assert _ids(any_version.all_pages(verb=PASSED["id"])) == following
    assert _ids(any_version.all_pages(verb=void["verb"]["id"])) == [void["id"]]


def test_a_reference_to_a_statement_not_yet_stored_matches_once_it_arrives(lrs: Lrs) -> None:
    target = statement(actor=BEN)
    confirmed = _ref(target["id"].upper())  # ids compare without case
    lrs.post(confirmed)
    assert lrs.all_pages(agent=json.dumps(BEN)) == []
    lrs.post(target)
    assert _ids(lrs.all_pages(agent=json.dumps(BEN))) == _ids([target, confirmed])


def test_a_cycle_of_references_ends(lrs: Lrs) -> None:
    first_id, second_id = str(uuid.uuid4()), str(uuid.uuid4())
    first = _ref(second_id, id=first_id, actor=BEN)
    second = _ref(first_id, id=second_id)
    lrs.post([first, second])
    assert _ids(lrs.all_pages(agent=json.dumps(BEN))) == _ids([first, second])
    assert lrs.all_pages(agent=json.dumps(AGENT)) == []


def test_a_reference_never_reaches_into_another_tenants_statement(
    lrs: Lrs, other_tenants_lrs: Lrs
) -> None:
    theirs = statement(actor=BEN)
    assert other_tenants_lrs.post(theirs).status_code == 200
    confirmed = _ref(theirs["id"])
    lrs.post(confirmed)
    assert lrs.all_pages(agent=json.dumps(BEN)) == []
    # The same id stored in both tenants with other content: ours is the one followed.
    mine = {**theirs, "actor": AGENT}
    lrs.post(mine)
    assert lrs.all_pages(agent=json.dumps(BEN)) == []
    assert _ids(lrs.all_pages(agent=json.dumps(AGENT))) == _ids([mine, confirmed])
    their_ref = _ref(theirs["id"])
    other_tenants_lrs.post(their_ref)
    assert _ids(other_tenants_lrs.all_pages(agent=json.dumps(BEN))) == _ids([theirs, their_ref])
