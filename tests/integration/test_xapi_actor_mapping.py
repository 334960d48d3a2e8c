"""Which LearnLoop user a statement is about: account (issuer + sub), e-mail, or an explicit
mapping; unknown actors are kept and attached when the person first launches."""

from __future__ import annotations

import hashlib

from flask import Flask
from sqlalchemy import select

from lti_tool.core.db import commit_or_rollback, db
from lti_tool.lti.models import User
from tests.integration.launch_helpers import launch
from tests.integration.xapi_helpers import Lrs, statement, tenant_id
from tests.support.platform import TestPlatform
from xapi import actors, keys


def _user(app: Flask, sub: str) -> int:
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.sub == sub)).one()


def _owner(app: Flask, statement_id: str, deployment_id: str = "dep-1") -> int | None:
    with app.app_context():
        return actors.users_of(tenant_id(app, deployment_id), [statement_id])[statement_id]


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()  # noqa: S324  # xAPI's mbox_sha1sum is SHA-1


def test_an_account_on_the_platform_issuer_is_the_user_with_that_sub(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    launch(app.test_client(), registered, sub="u-7")
    exact = statement(actor={"account": {"homePage": registered.issuer, "name": "u-7"}})
    slash = statement(actor={"account": {"homePage": registered.issuer + "/", "name": "u-7"}})
    elsewhere = statement(actor={"account": {"homePage": "https://other.example", "name": "u-7"}})
    lrs.post([exact, slash, elsewhere])
    assert _owner(app, exact["id"]) == _user(app, "u-7")
    assert _owner(app, slash["id"]) == _user(app, "u-7")
    assert _owner(app, elsewhere["id"]) is None


def test_mbox_and_mbox_sha1sum_are_matched_to_the_lti_email(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    launch(app.test_client(), registered, sub="bea", email="Bea.Jansen@Example.edu")
    by_mbox = statement(actor={"mbox": "mailto:bea.jansen@example.EDU"})
    by_sha1 = statement(actor={"mbox_sha1sum": _sha1("mailto:bea.jansen@example.edu").upper()})
    lrs.post([by_mbox, by_sha1])
    assert _owner(app, by_mbox["id"]) == _user(app, "bea")
    assert _owner(app, by_sha1["id"]) == _user(app, "bea")


def test_an_email_two_people_share_maps_to_nobody(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    launch(app.test_client(), registered, sub="a", email="team@example.edu")
    launch(app.test_client(), registered, sub="b", email="team@example.edu")
    shared = statement(actor={"mbox": "mailto:team@example.edu"})
    lrs.post(shared)
    assert _owner(app, shared["id"]) is None


def test_an_unknown_actor_is_kept_and_attached_when_the_person_first_launches(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    by_mbox = statement(actor={"mbox": "mailto:new.hire@example.edu"})
    by_account = statement(actor={"account": {"homePage": registered.issuer, "name": "n-1"}})
    lrs.post([by_mbox, by_account])
    assert lrs.get(statementId=by_mbox["id"]).status_code == 200
    assert _owner(app, by_mbox["id"]) is None
    launch(app.test_client(), registered, sub="n-1", email="New.Hire@example.edu")
    assert _owner(app, by_mbox["id"]) == _user(app, "n-1")
    assert _owner(app, by_account["id"]) == _user(app, "n-1")


def test_a_launch_in_one_tenant_attaches_only_that_tenants_actors(
    app: Flask, lrs: Lrs, other_tenants_lrs: Lrs, registered: TestPlatform
) -> None:
    actor = {"account": {"homePage": registered.issuer, "name": "n-2"}}
    here, there = statement(actor=actor), statement(actor=actor)
    lrs.post(here)
    other_tenants_lrs.post(there)
    launch(app.test_client(), registered, sub="n-2", deployment_id="dep-1")
    assert _owner(app, here["id"]) == _user(app, "n-2")
    assert _owner(app, there["id"], "dep-2") is None  # not yet a person of that tenant
    launch(app.test_client(), registered, sub="n-2", deployment_id="dep-2")
    assert _owner(app, there["id"], "dep-2") == _user(app, "n-2")


def test_an_explicit_mapping_wins_over_the_email(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    launch(app.test_client(), registered, sub="real", email="shared.box@example.edu")
    launch(app.test_client(), registered, sub="other", email="other@example.edu")
    sent = statement(actor={"mbox": "mailto:shared.box@example.edu"})
    lrs.post(sent)
    assert _owner(app, sent["id"]) == _user(app, "real")
    key = keys.actor_key({"mbox": "mailto:shared.box@example.edu"})
    assert key is not None
    tenant, other = tenant_id(app), _user(app, "other")
    with app.app_context(), commit_or_rollback():
        actors.map_explicitly(tenant, key, other)
    assert _owner(app, sent["id"]) == other


def test_an_explicit_mapping_made_before_the_statements_arrive_is_used_for_them(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    launch(app.test_client(), registered, sub="m-1")
    key = keys.actor_key({"openid": "https://id.example.edu/m-1"})
    assert key is not None
    tenant = tenant_id(app)
    user = _user(app, "m-1")
    with app.app_context(), commit_or_rollback():
        actors.map_explicitly(tenant, key, user)
    sent = statement(actor={"openid": "https://id.example.edu/m-1"})
    lrs.post(sent)
    assert _owner(app, sent["id"]) == user


def test_a_group_actor_is_stored_but_mapped_to_nobody(app: Flask, lrs: Lrs) -> None:
    group = {"objectType": "Group", "mbox": "mailto:ada@example.edu", "name": "Team"}
    sent = statement(actor=group)
    assert lrs.post(sent).status_code == 200
    assert _owner(app, sent["id"]) is None
