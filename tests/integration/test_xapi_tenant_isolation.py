"""Tenant isolation in the xAPI listener: a credential sees and touches its own tenant only."""

from __future__ import annotations

import json

from flask import Flask

from tests.integration.xapi_helpers import AGENT, Lrs, statement, voiding


def test_another_tenants_credential_never_sees_a_tenants_statements(
    lrs: Lrs, other_tenants_lrs: Lrs
) -> None:
    mine = statement()
    voided = statement()
    lrs.post([mine, voided, voiding(voided["id"])])
    assert other_tenants_lrs.get(statementId=mine["id"]).status_code == 404
    assert other_tenants_lrs.get(voidedStatementId=voided["id"]).status_code == 404
    assert other_tenants_lrs.get().get_json() == {"statements": [], "more": ""}
    assert other_tenants_lrs.all_pages(agent=json.dumps(AGENT)) == []
    assert len(lrs.all_pages()) == 2


def test_the_same_statement_id_in_two_tenants_is_two_statements(
    lrs: Lrs, other_tenants_lrs: Lrs
) -> None:
    sent = statement()
    different = {**sent, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    assert lrs.post(sent).status_code == 200
    assert other_tenants_lrs.post(different).status_code == 200  # no 409 across tenants
    assert lrs.get(statementId=sent["id"]).get_json()["verb"] == sent["verb"]
    assert other_tenants_lrs.get(statementId=sent["id"]).get_json()["verb"] == different["verb"]


def test_voiding_never_reaches_into_another_tenant(lrs: Lrs, other_tenants_lrs: Lrs) -> None:
    target = statement()
    lrs.post(target)
    assert other_tenants_lrs.post(voiding(target["id"])).status_code == 200
    assert lrs.get(statementId=target["id"]).status_code == 200


def test_a_more_link_of_one_tenant_does_not_work_for_another(
    app: Flask, lrs: Lrs, other_tenants_lrs: Lrs
) -> None:
    lrs.post([statement(), statement()])
    more = lrs.get(limit="1").get_json()["more"]
    assert more
    assert other_tenants_lrs.get(more).status_code == 400
