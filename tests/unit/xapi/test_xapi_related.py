"""Related agents (xAPI 1.0.3 Communication 2.1.3): who a statement involves, for GET's agent
filter (Group members) and related_agents (context and SubStatement)."""

from __future__ import annotations

from xapi.keys import actor_key
from xapi.related import related_keys

ADA = {"mbox": "mailto:ada@example.org"}
BOB = {"mbox": "mailto:bob@example.org"}
CAROL = {"account": {"homePage": "https://m.example.org", "name": "3"}}
VERB = {"id": "http://example.org/v"}
ACTIVITY = {"id": "http://example.org/a"}


def _key(agent: dict) -> str:
    key = actor_key(agent)
    assert key is not None
    return key


def test_a_statement_of_an_agent_about_an_activity_involves_nobody_else() -> None:
    assert related_keys({"actor": ADA, "verb": VERB, "object": ACTIVITY}) == []


def test_members_of_the_actor_and_object_groups_match_the_plain_filter() -> None:
    group = {"objectType": "Group", "member": [ADA, BOB]}
    team = {"objectType": "Group", "mbox": "mailto:team@example.org", "member": [CAROL]}
    keys = related_keys({"actor": group, "verb": VERB, "object": team})
    assert sorted(keys) == sorted([(_key(ADA), False), (_key(BOB), False), (_key(CAROL), False)])


def test_context_and_sub_statement_agents_match_only_related_agents() -> None:
    inner = {
        "objectType": "SubStatement",
        "actor": CAROL,
        "verb": VERB,
        "object": BOB | {"objectType": "Agent"},
    }
    statement = {
        "actor": {"objectType": "Group", "member": [ADA]},
        "verb": VERB,
        "object": inner,
        "context": {"instructor": ADA, "team": {"objectType": "Group", "member": [BOB]}},
    }
    keys = dict(related_keys(statement))
    assert keys[_key(ADA)] is False  # a member of the actor: plain wins
    assert keys[_key(BOB)] is True and keys[_key(CAROL)] is True
