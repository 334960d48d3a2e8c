"""Reading statements back: GET /xapi/statements (xAPI 1.0.3 Communication 2.1.3, Data 2.5)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from flask import Flask

from tests.integration.xapi_helpers import ACTIVITY, AGENT, Lrs, statement

BOB = {"mbox": "mailto:bob@Example.EDU"}
FAILED = {"id": "http://adlnet.gov/expapi/verbs/failed"}
QUIZ = {"id": "http://example.com/activities/quiz"}


def _ids(statements: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [s["id"] for s in statements]


def test_a_statement_is_found_by_its_id_with_last_modified_set_to_stored(lrs: Lrs) -> None:
    sent = statement()
    lrs.post(sent)
    response = lrs.get(statementId=sent["id"].upper())  # ids compare without case
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.last_modified is not None
    assert response.get_json()["stored"].startswith(
        response.last_modified.strftime("%Y-%m-%dT%H:%M:%S")
    )


def test_an_unknown_statement_id_is_a_404(lrs: Lrs) -> None:
    response = lrs.get(statementId=str(uuid.uuid4()))
    assert response.status_code == 404
    assert "error" in response.get_json()


def test_a_query_without_matches_answers_an_empty_result(lrs: Lrs) -> None:
    assert lrs.get().get_json() == {"statements": [], "more": ""}


def test_a_query_returns_the_newest_first_unless_ascending(lrs: Lrs) -> None:
    first, second = statement(), statement()
    lrs.post(first)
    lrs.post(second)
    assert _ids(lrs.get().get_json()["statements"]) == [second["id"], first["id"]]
    ascending = lrs.get(ascending="true").get_json()["statements"]
    assert _ids(ascending) == [first["id"], second["id"]]


def test_more_links_page_through_every_statement_once(lrs: Lrs) -> None:
    batches = [[statement() for _ in range(7)] for _ in range(3)]
    for batch in batches:
        lrs.post(batch)
    first_page = lrs.get(limit="5").get_json()
    assert len(first_page["statements"]) == 5
    assert first_page["more"].startswith("/xapi/statements/more/")  # relative (Data 2.5)
    everything = lrs.all_pages(limit="5")
    assert sorted(_ids(everything)) == sorted(s["id"] for batch in batches for s in batch)
    # One request shares one ``stored``; within it, rows go in by id (see xapi.store).
    upwards = _ids(lrs.all_pages(limit="4", ascending="true"))
    assert [set(upwards[n : n + 7]) for n in (0, 7, 14)] == [set(_ids(b)) for b in batches]


def test_a_more_link_keeps_the_query_filters(lrs: Lrs) -> None:
    wanted = [statement(verb=FAILED) for _ in range(3)]
    lrs.post([*wanted, statement(), statement()])
    found = lrs.all_pages(verb=FAILED["id"], limit="1")
    assert sorted(_ids(found)) == sorted(_ids(wanted))


def test_a_tampered_more_link_is_a_400(lrs: Lrs) -> None:
    lrs.post([statement(), statement()])
    more = lrs.get(limit="1").get_json()["more"]
    assert lrs.get(more[:-3] + "abc").status_code == 400
    assert lrs.get(more, limit="1").status_code == 400  # a more link takes no parameters


def test_agent_filter_matches_the_actor_or_object_by_identifier(lrs: Lrs) -> None:
    by_ada = statement()
    by_bob = statement(actor=BOB)
    about_bob = statement(object={"objectType": "Agent", "mbox": "mailto:bob@example.edu"})
    lrs.post([by_ada, by_bob, about_bob])
    bob = json.dumps({"mbox": "mailto:bob@example.EDU"})  # e-mail domains ignore case
    assert sorted(_ids(lrs.all_pages(agent=bob))) == sorted([by_bob["id"], about_bob["id"]])
    by_ada_ids = sorted([by_ada["id"], about_bob["id"]])
    assert sorted(_ids(lrs.all_pages(agent=json.dumps(AGENT)))) == by_ada_ids


def test_agent_filter_matches_an_account(lrs: Lrs) -> None:
    account = {"account": {"homePage": "http://www.example.org", "name": "1"}}
    mine = statement(actor=account)
    lrs.post([mine, statement()])
    assert _ids(lrs.all_pages(agent=json.dumps(account))) == [mine["id"]]


def test_verb_activity_and_registration_filters_match_exactly(lrs: Lrs) -> None:
    registration = str(uuid.uuid4())
    failed = statement(verb=FAILED)
    quiz = statement(object=QUIZ)
    registered = statement(context={"registration": registration})
    lrs.post([failed, quiz, registered, statement()])
    assert _ids(lrs.all_pages(verb=FAILED["id"])) == [failed["id"]]
    assert _ids(lrs.all_pages(activity=QUIZ["id"])) == [quiz["id"]]
    assert _ids(lrs.all_pages(activity=ACTIVITY["id"] + "/other")) == []
    assert _ids(lrs.all_pages(registration=registration.upper())) == [registered["id"]]


def test_since_is_strictly_after_and_until_at_or_before_stored(lrs: Lrs) -> None:
    early, late = statement(), statement()
    lrs.post(early)
    time.sleep(0.01)
    lrs.post(late)
    early_stored = lrs.get(statementId=early["id"]).get_json()["stored"]
    assert _ids(lrs.all_pages(since=early_stored)) == [late["id"]]
    assert _ids(lrs.all_pages(until=early_stored)) == [early["id"]]


def test_a_limit_of_0_means_the_server_maximum(app: Flask, lrs: Lrs) -> None:
    app.config["XAPI_MAX_PAGE_SIZE"] = 3
    lrs.post([statement() for _ in range(5)])
    assert len(lrs.get(limit="0").get_json()["statements"]) == 3
    assert len(lrs.get(limit="1000").get_json()["statements"]) == 3


def test_head_answers_like_get_without_a_body(lrs: Lrs) -> None:
    sent = statement()
    lrs.post(sent)
    response = lrs.client.head(
        "/xapi/statements", query_string={"statementId": sent["id"]}, headers=lrs.headers
    )
    assert response.status_code == 200
    assert response.get_data() == b""
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_every_statements_response_says_how_far_it_is_consistent(lrs: Lrs) -> None:
    sent = statement()
    lrs.post(sent)
    response = lrs.get(statementId=sent["id"])
    assert response.headers["X-Experience-API-Consistent-Through"] >= response.get_json()["stored"]
    assert "X-Experience-API-Consistent-Through" in lrs.get(verb="bad").headers


@pytest.mark.parametrize(
    "params",
    [
        {"statementid": str(uuid.uuid4())},  # parameter names are case-sensitive
        {"Verb": FAILED["id"]},
        {"statementId": str(uuid.uuid4()), "voidedStatementId": str(uuid.uuid4())},
        {"statementId": str(uuid.uuid4()), "verb": FAILED["id"]},
        {"statementId": "not-a-uuid"},
        {"verb": "not an IRI"},
        {"activity": "relative/path"},
        {"registration": "123"},
        {"since": "yesterday"},
        {"until": "2026-01-01T00:00:00-00:00"},
        {"limit": "-1"},
        {"limit": "ten"},
        {"ascending": "yes"},
        {"agent": "not json"},
        {"agent": json.dumps({"mbox": "ada@example.edu"})},
        {"agent": json.dumps({"objectType": "Group", "member": [AGENT]})},  # no identifier
        {"format": "IDS"},  # values are case-sensitive too
        {"format": "full"},
        {"related_agents": "True"},
        {"related_activities": "1"},
        {"attachments": "yes"},
        {"method": "GET"},  # the alternate request syntax is a POST
    ],
)
def test_a_bad_query_parameter_is_a_400_that_says_what_is_wrong(
    lrs: Lrs, params: dict[str, str]
) -> None:
    response = lrs.get(**params)
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_a_parameter_given_twice_is_a_400(lrs: Lrs) -> None:
    response = lrs.client.get(
        "/xapi/statements?verb=http://a.example/v&verb=http://b.example/v", headers=lrs.headers
    )
    assert response.status_code == 400
