"""Actor keys: one normalised string per inverse functional identifier."""

from __future__ import annotations

import hashlib

import pytest

from xapi import keys


@pytest.mark.parametrize(
    ("agent", "key"),
    [
        ({"mbox": "mailto:Ada@Example.ORG"}, "mbox:mailto:Ada@example.org"),
        ({"mbox_sha1sum": "ABCDEF" + "0" * 34}, "mbox_sha1sum:abcdef" + "0" * 34),
        ({"openid": "https://id.example.org/ada"}, "openid:https://id.example.org/ada"),
        (
            {"account": {"homePage": "http://www.example.org", "name": "1"}, "name": "Ada"},
            "account:http://www.example.org|1",
        ),
        (
            {"objectType": "Group", "mbox": "mailto:team@example.org"},
            "mbox:mailto:team@example.org",
        ),
        ({"objectType": "Group", "member": [{"mbox": "mailto:a@example.org"}]}, None),
        ("not an agent", None),
    ],
)
def test_an_agent_has_one_normalised_key(agent: object, key: str | None) -> None:
    assert keys.actor_key(agent) == key


def test_a_key_too_long_to_index_or_holding_control_characters_becomes_a_digest() -> None:
    long_name = {"account": {"homePage": "http://www.example.org", "name": "x" * 300}}
    nul_name = {"account": {"homePage": "http://www.example.org", "name": "a\x00b"}}
    for agent in (long_name, nul_name):
        key = keys.actor_key(agent)
        assert key is not None and key.startswith("sha256:") and len(key) == 71
    assert keys.actor_key(long_name) == keys.actor_key(long_name)


def test_keys_parse_back_into_identifier_value_and_account_name() -> None:
    assert keys.parse("account:http://www.example.org|1") == (
        "account",
        "http://www.example.org",
        "1",
    )
    assert keys.parse("mbox:mailto:a@example.org") == ("mbox", "mailto:a@example.org", "")


def test_email_keys_match_what_a_statement_about_that_email_would_carry() -> None:
    email = "Ada@Example.org"
    assert keys.mbox_key(email) == keys.actor_key({"mbox": "mailto:" + email})
    digest = hashlib.sha1(b"mailto:Ada@Example.org").hexdigest()  # noqa: S324  # xAPI's SHA-1
    assert keys.mbox_sha1sum_key(email) == keys.actor_key({"mbox_sha1sum": digest})


def test_a_statement_ref_object_gives_its_target_in_lower_case_and_nothing_else_does() -> None:
    target = "6C4E2A56-0F0B-4C2E-9C43-7E6B8C1F2D3A"
    ref = {"objectType": "StatementRef", "id": target}
    activity = {"id": "http://example.com/a"}
    assert keys.statement_ref_target({"object": ref}) == target.lower()
    assert keys.statement_ref_target({"object": activity}) is None
    assert keys.statement_ref_target({"object": activity, "context": {"statement": ref}}) is None
