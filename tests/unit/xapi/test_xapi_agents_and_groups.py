"""Agents, Groups and the authority (xAPI 1.0.3 Data 2.4.2 and 2.4.9, XAPI-00032–00043,
XAPI-00098–00100; CTS configs agents.js, groups.js, authorities.js)."""

from __future__ import annotations

from typing import Any

import pytest
from xapi_samples import (
    AGENT,
    ANONYMOUS_GROUP,
    IDENTIFIED_GROUP,
    OTHER_AGENT,
    VERSIONS,
    errors,
    paths,
    statement,
)

SHA1 = "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"
ACCOUNT = {"homePage": "http://www.example.org", "name": "1"}

ONE_IFI = [
    {"mbox": "mailto:ada@example.com"},
    {"mbox_sha1sum": SHA1},
    {"openid": "http://openid.example.org/ada"},
    {"account": ACCOUNT},
    {"objectType": "Agent", "name": "Ada", "account": ACCOUNT},
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("agent", ONE_IFI)
def test_an_agent_with_exactly_one_identifier_is_accepted(version: str, agent: dict) -> None:
    assert errors(statement(actor=agent), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "agent",
    [
        {"mbox": "mailto:ada@example.com", "openid": "http://openid.example.org/ada"},
        {"mbox": "mailto:ada@example.com", "mbox_sha1sum": SHA1},
        {"account": ACCOUNT, "mbox_sha1sum": SHA1, "openid": "http://openid.example.org/a"},
    ],
)
def test_an_agent_with_two_identifiers_is_rejected(version: str, agent: dict) -> None:
    found = errors(statement(actor=agent), version)
    assert [path for path, _ in found] == ["actor"]
    assert "exactly one identifier" in found[0][1]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("agent", [{}, {"name": "Ada"}, {"objectType": "Agent"}])
def test_an_agent_without_an_identifier_is_rejected(version: str, agent: dict) -> None:
    assert paths(statement(actor=agent), version) == ["actor"]


@pytest.mark.parametrize("version", VERSIONS)
def test_an_agent_with_members_is_rejected_with_a_hint_about_groups(version: str) -> None:
    found = errors(statement(actor={**AGENT, "member": [OTHER_AGENT]}), version)
    assert found == [
        ("actor.member", 'is not allowed on an Agent; a group needs "objectType": "Group"')
    ]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("agent", "path"),
    [
        ({**AGENT, "objectType": "agent"}, "actor.objectType"),
        ({**AGENT, "objectType": "Person"}, "actor.objectType"),
        ({**AGENT, "name": 5}, "actor.name"),
        ({**AGENT, "name": None}, "actor.name"),
        ({**AGENT, "Name": "Ada"}, "actor.Name"),
        ({**AGENT, "email": "ada@example.com"}, "actor.email"),
        ({"openid": "openid-without-scheme"}, "actor.openid"),
    ],
)
def test_an_agent_with_a_bad_property_is_rejected(version: str, agent: dict, path: str) -> None:
    assert paths(statement(actor=agent), version) == [path]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("account", "path"),
    [
        ({"name": "1"}, "actor.account.homePage"),
        ({"homePage": "http://www.example.org"}, "actor.account.name"),
        ({**ACCOUNT, "id": "1"}, "actor.account.id"),
        ({**ACCOUNT, "homePage": "www.example.org"}, "actor.account.homePage"),
        ({**ACCOUNT, "name": 1}, "actor.account.name"),
        ("http://www.example.org/1", "actor.account"),
    ],
)
def test_an_account_needs_exactly_a_home_page_iri_and_a_name(
    version: str, account: Any, path: str
) -> None:
    assert paths(statement(actor={"account": account}), version) == [path]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "group",
    [
        ANONYMOUS_GROUP,
        {"objectType": "Group", "member": [AGENT]},
        IDENTIFIED_GROUP,
        {**IDENTIFIED_GROUP, "member": [AGENT], "name": "Team 7"},
        {"objectType": "Group", "account": ACCOUNT, "member": []},
    ],
)
def test_anonymous_and_identified_groups_are_accepted(version: str, group: dict) -> None:
    assert errors(statement(actor=group), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("group", "path"),
    [
        ({"objectType": "Group"}, "actor.member"),
        ({"objectType": "Group", "member": []}, "actor.member"),
        ({"objectType": "Group", "member": AGENT}, "actor.member"),
        (
            {
                "objectType": "Group",
                "member": [{"objectType": "Group", "mbox": "mailto:t@example.com"}],
            },
            "actor.member[0].objectType",
        ),
        ({"objectType": "Group", "member": [{"name": "no identifier"}]}, "actor.member[0]"),
        ({"objectType": "Group", "member": [AGENT, None]}, "actor.member[1]"),
        ({**IDENTIFIED_GROUP, "mbox": "mailto:team@example.com"}, "actor"),
        ({"objectType": "group", "member": [AGENT]}, "actor.objectType"),
    ],
)
def test_a_malformed_group_is_rejected(version: str, group: dict, path: str) -> None:
    assert paths(statement(actor=group), version) == [path]


@pytest.mark.parametrize("version", VERSIONS)
def test_an_anonymous_group_without_members_explains_why_members_are_needed(version: str) -> None:
    found = errors(statement(actor={"objectType": "Group"}), version)
    assert "anonymous" in found[0][1]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_group_without_object_type_is_read_as_an_agent_and_rejected(version: str) -> None:
    assert paths(statement(actor={"member": [AGENT]}), version) == ["actor.member", "actor"]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("position", ["actor", "context.instructor"])
@pytest.mark.parametrize("actor", [None, "mailto:ada@example.com", [AGENT]])
def test_an_actor_that_is_not_an_object_is_rejected(
    version: str, position: str, actor: Any
) -> None:
    data = (
        statement(actor=actor) if position == "actor" else statement(context={"instructor": actor})
    )
    assert paths(data, version) == [position]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "authority",
    [AGENT, OTHER_AGENT, ANONYMOUS_GROUP],
)
def test_an_agent_or_an_anonymous_group_of_two_is_accepted_as_authority(
    version: str, authority: dict
) -> None:
    assert errors(statement(authority=authority), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("authority", "path"),
    [
        (IDENTIFIED_GROUP, "authority"),
        ({**IDENTIFIED_GROUP, "member": [AGENT, OTHER_AGENT]}, "authority"),
        ({"objectType": "Group", "member": [AGENT]}, "authority.member"),
        (
            {
                "objectType": "Group",
                "member": [AGENT, OTHER_AGENT, {"mbox": "mailto:c@example.com"}],
            },
            "authority.member",
        ),
        ({"mbox": "not-a-mailto"}, "authority.mbox"),
    ],
)
def test_an_authority_that_is_not_an_agent_or_a_two_agent_group_is_rejected(
    version: str, authority: dict, path: str
) -> None:
    assert paths(statement(authority=authority), version) == [path]
