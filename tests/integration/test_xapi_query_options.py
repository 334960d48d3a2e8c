"""GET statements: ``format``, ``related_agents``, ``related_activities``, Group members under
the ``agent`` filter, and the headers of a page (xAPI 1.0.3 Communication 2.1.3; 2.0 §4.1.6.1)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.integration.xapi_helpers import ACTIVITY, AGENT, V2, Lrs, statement

BOB = {"objectType": "Agent", "name": "Bob", "mbox": "mailto:bob@example.edu"}
CAROL = {"name": "Carol", "account": {"homePage": "https://moodle.example.org", "name": "7"}}
QUIZ = "http://example.com/activities/quiz"
COURSE = "http://example.com/activities/course"
DEFINED = {
    "objectType": "Activity",
    "id": QUIZ,
    "definition": {
        "name": {"en-US": "Quiz", "nl-NL": "Toets", "de": "Test"},
        "description": {"en-US": "A quiz", "nl-NL": "Een toets"},
        "interactionType": "choice",
        "correctResponsesPattern": ["a"],
        "choices": [{"id": "a", "description": {"en-US": "Yes", "nl-NL": "Ja"}}],
    },
}
VERB = {
    "id": "http://adlnet.gov/expapi/verbs/answered",
    "display": {"en-US": "answered", "nl-NL": "beantwoordde"},
}


def _ids(found: list[dict[str, Any]]) -> list[str]:
    return sorted(s["id"] for s in found)


def _one(lrs: Lrs, statement_id: str, **params: str) -> dict[str, Any]:
    response = lrs.get(statementId=statement_id, **params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_format_ids_keeps_only_what_identifies_agents_groups_activities_and_verbs(
    lrs: Lrs,
) -> None:
    group = {"objectType": "Group", "name": "Team", "member": [AGENT, BOB]}
    sent = statement(
        actor=group,
        verb=VERB,
        object=DEFINED,
        context={"instructor": BOB, "contextActivities": {"parent": [{**DEFINED, "id": COURSE}]}},
    )
    lrs.post(sent)
    found = _one(lrs, sent["id"], format="ids")
    assert found["actor"] == {
        "objectType": "Group",
        "member": [
            {"objectType": "Agent", "mbox": AGENT["mbox"]},
            {"objectType": "Agent", "mbox": BOB["mbox"]},
        ],
    }
    assert found["verb"] == {"id": VERB["id"]}
    assert found["object"] == {"objectType": "Activity", "id": QUIZ}
    assert found["context"]["instructor"] == {"objectType": "Agent", "mbox": BOB["mbox"]}
    assert found["context"]["contextActivities"]["parent"] == [
        {"objectType": "Activity", "id": COURSE}
    ]
    assert found["authority"] == {"objectType": "Agent", "account": found["authority"]["account"]}
    assert found["stored"] and found["id"] == sent["id"]


def test_format_ids_reduces_an_identified_group_to_its_identifier(lrs: Lrs) -> None:
    team = {"objectType": "Group", "name": "T", "mbox": "mailto:team@example.edu", "member": [BOB]}
    sent = statement(object=team)
    lrs.post(sent)
    assert _one(lrs, sent["id"], format="ids")["object"] == {
        "objectType": "Group",
        "mbox": "mailto:team@example.edu",
    }


def test_format_exact_is_the_default_and_returns_what_was_sent(lrs: Lrs) -> None:
    sent = statement(verb=VERB, object=DEFINED)
    lrs.post(sent)
    assert _one(lrs, sent["id"], format="exact")["object"] == DEFINED
    assert _one(lrs, sent["id"])["verb"] == VERB


def test_format_canonical_keeps_one_language_per_map_as_accept_language_asks(lrs: Lrs) -> None:
    sent = statement(actor={**AGENT, "name": "Ada"}, verb=VERB, object=DEFINED)
    lrs.post(sent)
    headers = {**lrs.headers, "Accept-Language": "nl, en;q=0.5"}
    response = lrs.client.get(
        "/xapi/statements",
        query_string={"statementId": sent["id"], "format": "canonical"},
        headers=headers,
    )
    found = response.get_json()
    definition = found["object"]["definition"]
    assert definition["name"] == {"nl-NL": "Toets"}
    assert definition["description"] == {"nl-NL": "Een toets"}
    assert definition["choices"] == [{"id": "a", "description": {"nl-NL": "Ja"}}]
    assert found["verb"]["display"] == {"nl-NL": "beantwoordde"}
    assert found["actor"] == {**AGENT, "name": "Ada"}  # agents stay exact
    english = lrs.client.get(
        "/xapi/statements",
        query_string={"statementId": sent["id"], "format": "canonical"},
        headers={**lrs.headers, "Accept-Language": "de-CH, en"},
    ).get_json()["object"]["definition"]
    assert english["name"] == {"de": "Test"} and english["description"] == {"en-US": "A quiz"}


def test_format_canonical_without_accept_language_still_keeps_one_language(lrs: Lrs) -> None:
    sent = statement(object=DEFINED)
    lrs.post(sent)
    name = _one(lrs, sent["id"], format="canonical")["object"]["definition"]["name"]
    assert len(name) == 1


def test_a_more_link_keeps_the_format(lrs: Lrs) -> None:
    lrs.post([statement(verb=VERB) for _ in range(3)])
    first = lrs.get(limit="2", format="ids").get_json()
    second = lrs.get(first["more"]).get_json()
    assert [s["verb"] for s in first["statements"] + second["statements"]] == [
        {"id": VERB["id"]}
    ] * 3


def test_the_agent_filter_matches_a_group_through_its_members(lrs: Lrs) -> None:
    by_group = statement(actor={"objectType": "Group", "member": [AGENT, BOB]})
    to_group = statement(
        object={"objectType": "Group", "mbox": "mailto:t@example.edu", "member": [BOB]}
    )
    by_carol = statement(actor=CAROL)
    lrs.post([by_group, to_group, by_carol])
    bob = json.dumps({"mbox": "mailto:bob@example.edu"})
    assert _ids(lrs.all_pages(agent=bob)) == _ids([by_group, to_group])
    group = json.dumps({"objectType": "Group", "mbox": "mailto:t@example.edu"})
    assert _ids(lrs.all_pages(agent=group)) == [to_group["id"]]


def test_the_agent_filter_alone_leaves_out_context_agents(lrs: Lrs) -> None:
    taught = statement(context={"instructor": BOB})
    lrs.post(taught)
    assert lrs.all_pages(agent=json.dumps(BOB)) == []


def test_related_agents_also_matches_authority_instructor_team_and_sub_statements(
    lrs: Lrs,
) -> None:
    team = {"objectType": "Group", "member": [CAROL]}
    taught = statement(context={"instructor": BOB})
    in_team = statement(context={"team": team})
    inner = {
        "objectType": "SubStatement",
        "actor": BOB,
        "verb": {"id": "http://example.com/verbs/planned"},
        "object": ACTIVITY,
    }
    planned = statement(object=inner)
    unrelated = statement()
    lrs.post([taught, in_team, planned, unrelated])
    bob = json.dumps({"mbox": "mailto:bob@example.edu"})
    assert _ids(lrs.all_pages(agent=bob, related_agents="true")) == _ids([taught, planned])
    carol = json.dumps({"account": CAROL["account"]})
    assert _ids(lrs.all_pages(agent=carol, related_agents="true")) == [in_team["id"]]
    authority = lrs.get(statementId=unrelated["id"]).get_json()["authority"]
    everything = lrs.all_pages(agent=json.dumps(authority), related_agents="true")
    assert len(everything) == 4
    assert lrs.all_pages(agent=json.dumps(authority)) == []  # without related_agents: no


def test_related_agents_covers_context_agents_and_groups_in_2_0(lrs: Lrs) -> None:
    lrs.version = V2
    with_agent = statement(
        context={"contextAgents": [{"objectType": "contextAgent", "agent": BOB}]}
    )
    group = {"objectType": "Group", "member": [BOB]}
    with_group = statement(
        context={"contextGroups": [{"objectType": "contextGroup", "group": group}]}
    )
    lrs.post([with_agent, with_group, statement()])
    bob = json.dumps({"mbox": "mailto:bob@example.edu"})
    assert _ids(lrs.all_pages(agent=bob, related_agents="true")) == _ids([with_agent, with_group])


def test_related_activities_also_matches_context_activities_and_sub_statements(
    lrs: Lrs,
) -> None:
    about = statement(object={"id": QUIZ})
    in_course = statement(context={"contextActivities": {"parent": {"id": QUIZ}}})
    grouped = statement(context={"contextActivities": {"grouping": [{"id": COURSE}, {"id": QUIZ}]}})
    inner = {
        "objectType": "SubStatement",
        "actor": BOB,
        "verb": {"id": "http://example.com/verbs/planned"},
        "object": {"id": QUIZ},
    }
    planned = statement(object=inner)
    # The IRI as a verb, an interaction choice and an extension value: no match.
    decoys = [
        statement(verb={"id": QUIZ}),
        statement(
            object={
                **DEFINED,
                "id": COURSE,
                "definition": {**DEFINED["definition"], "choices": [{"id": QUIZ}]},
            }
        ),
        statement(result={"extensions": {"http://example.com/ext": {"id": QUIZ}}}),
    ]
    lrs.post([about, in_course, grouped, planned, *decoys])
    assert _ids(lrs.all_pages(activity=QUIZ)) == [about["id"]]
    matched = lrs.all_pages(activity=QUIZ, related_activities="true", limit="2")
    assert _ids(matched) == _ids([about, in_course, grouped, planned])


def test_related_activities_pages_through_many_candidates(lrs: Lrs) -> None:
    decoys = [statement(verb={"id": QUIZ}) for _ in range(250)]  # more than one chunk
    wanted = statement(context={"contextActivities": {"other": [{"id": QUIZ}]}})
    lrs.post([wanted, *decoys])
    assert _ids(lrs.all_pages(activity=QUIZ, related_activities="true")) == [wanted["id"]]


def test_a_page_says_when_its_newest_statement_was_stored(lrs: Lrs) -> None:
    sent = [statement(), statement()]
    lrs.post(sent)
    response = lrs.get()
    stored = max(s["stored"] for s in response.get_json()["statements"])
    assert response.last_modified is not None
    assert stored.startswith(response.last_modified.strftime("%Y-%m-%dT%H:%M:%S"))
    assert "X-Experience-API-Consistent-Through" in response.headers


def test_a_statement_id_takes_format_and_attachments_only(lrs: Lrs) -> None:
    statement_id = str(uuid.uuid4())
    assert lrs.get(statementId=statement_id, format="ids").status_code == 404
    assert lrs.get(statementId=statement_id, related_agents="true").status_code == 400
