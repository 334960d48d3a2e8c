"""Voiding statements (xAPI 1.0.3 Data 2.3.2, Communication 2.1.4)."""

from __future__ import annotations

import uuid

from flask import Flask

from tests.integration.xapi_helpers import Lrs, statement, stored_count, voiding


def test_a_voided_statement_is_found_only_by_voided_statement_id(lrs: Lrs) -> None:
    target = statement()
    lrs.post(target)
    void = voiding(target["id"])
    assert lrs.post(void).status_code == 200
    assert lrs.get(statementId=target["id"]).status_code == 404
    assert lrs.get(voidedStatementId=target["id"]).get_json()["id"] == target["id"]
    assert [s["id"] for s in lrs.all_pages()] == [void["id"]]  # the voiding one stays visible


def test_a_statement_that_is_not_voided_is_not_found_by_voided_statement_id(lrs: Lrs) -> None:
    target = statement()
    lrs.post(target)
    assert lrs.get(voidedStatementId=target["id"]).status_code == 404


def test_voiding_a_statement_not_yet_received_is_accepted_and_voids_it_on_arrival(
    lrs: Lrs,
) -> None:
    target = statement()
    assert lrs.post(voiding(target["id"].upper())).status_code == 200
    lrs.post(target)
    assert lrs.get(statementId=target["id"]).status_code == 404
    assert lrs.get(voidedStatementId=target["id"]).status_code == 200


def test_a_voiding_statement_and_its_target_in_one_batch_void_it(lrs: Lrs) -> None:
    target = statement()
    lrs.post([voiding(target["id"]), target])
    assert lrs.get(voidedStatementId=target["id"]).status_code == 200


def test_voiding_a_voiding_statement_is_refused_and_stores_nothing(app: Flask, lrs: Lrs) -> None:
    target = statement()
    first_void = voiding(target["id"])
    lrs.post([target, first_void])
    newcomer = statement()
    response = lrs.post([newcomer, voiding(first_void["id"])])
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["path"] == "statements[1].object.id"
    assert stored_count(app) == 2
    assert lrs.get(statementId=first_void["id"]).status_code == 200


def test_voiding_a_voiding_statement_in_the_same_batch_is_refused(app: Flask, lrs: Lrs) -> None:
    first_void = voiding(str(uuid.uuid4()))
    assert lrs.post([first_void, voiding(first_void["id"])]).status_code == 400
    assert stored_count(app) == 0


def test_a_voiding_statement_must_point_to_a_statement_ref(app: Flask, lrs: Lrs) -> None:
    bad = voiding(str(uuid.uuid4()))
    bad["object"] = {"objectType": "Activity", "id": "http://example.com/a"}
    response = lrs.post(bad)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["path"] == "object.objectType"


def test_voiding_twice_changes_nothing(lrs: Lrs) -> None:
    target = statement()
    lrs.post(target)
    assert lrs.post(voiding(target["id"])).status_code == 200
    assert lrs.post(voiding(target["id"])).status_code == 200
    assert lrs.get(voidedStatementId=target["id"]).status_code == 200
