"""Storing statements: POST and PUT /xapi/statements (xAPI 1.0.3 Communication 2.1.1–2.1.2)."""

from __future__ import annotations

import threading
import uuid

from flask import Flask

from tests.integration.xapi_helpers import V2, Lrs, statement, stored_count


def test_posting_one_statement_answers_200_with_its_id(lrs: Lrs) -> None:
    sent = statement()
    response = lrs.post(sent)
    assert response.status_code == 200
    assert response.get_json() == [sent["id"]]
    assert lrs.get(statementId=sent["id"]).get_json()["actor"] == sent["actor"]


def test_posting_an_array_answers_the_ids_in_request_order_assigning_missing_ones(
    lrs: Lrs,
) -> None:
    batch = [statement(), statement(id=None, timestamp=None), statement()]
    response = lrs.post(batch)
    ids = response.get_json()
    assert response.status_code == 200
    assert ids[0] == batch[0]["id"] and ids[2] == batch[2]["id"]
    assert uuid.UUID(ids[1]).version == 4  # no timestamp: a random id
    assert lrs.get(statementId=ids[1]).get_json()["id"] == ids[1]


def test_an_empty_array_is_stored_as_nothing_and_answered_with_no_ids(app: Flask, lrs: Lrs) -> None:
    assert lrs.post([]).get_json() == []
    assert stored_count(app) == 0


def test_put_stores_under_the_statement_id_parameter_and_answers_204(lrs: Lrs) -> None:
    statement_id = str(uuid.uuid4())
    response = lrs.put(statement_id, statement(id=None))
    assert response.status_code == 204
    assert response.get_data() == b""
    assert lrs.get(statementId=statement_id).get_json()["id"] == statement_id


def test_put_repeating_an_identical_statement_answers_204_again(lrs: Lrs) -> None:
    sent = statement()
    assert lrs.put(sent["id"], sent).status_code == 204
    assert lrs.put(sent["id"], sent).status_code == 204


def test_put_without_statement_id_or_with_a_different_body_id_is_refused(
    app: Flask, lrs: Lrs
) -> None:
    sent = statement()
    no_parameter = lrs.client.put(
        "/xapi/statements", json=sent, headers={**lrs.headers, "Content-Type": "application/json"}
    )
    assert no_parameter.status_code == 400
    assert lrs.put(str(uuid.uuid4()), sent).status_code == 400
    assert lrs.put("not-a-uuid", sent).status_code == 400
    assert lrs.put(sent["id"], [sent]).status_code == 400  # PUT takes one statement
    assert stored_count(app) == 0


def test_the_lrs_sets_stored_authority_and_a_missing_timestamp_and_version(lrs: Lrs) -> None:
    sent = statement(timestamp=None, stored="2001-01-01T00:00:00Z")
    sent["authority"] = {"mbox": "mailto:forger@example.com"}
    lrs.post(sent)
    back = lrs.get(statementId=sent["id"]).get_json()
    assert back["stored"] != "2001-01-01T00:00:00Z"
    assert back["timestamp"] == back["stored"]
    assert back["authority"] == {
        "objectType": "Agent",
        "account": {"homePage": "http://127.0.0.1:5000", "name": lrs.credential.key},
    }
    assert back["version"] == "1.0.0"


def test_a_statement_keeps_the_version_it_was_sent_with_and_2_0_requests_default_to_2_0_0(
    lrs: Lrs,
) -> None:
    kept, defaulted = statement(version="1.0.3"), statement()
    lrs.post(kept)
    lrs.version = V2
    lrs.post(defaulted)
    assert lrs.get(statementId=kept["id"]).get_json()["version"] == "1.0.3"
    assert lrs.get(statementId=defaulted["id"]).get_json()["version"] == "2.0.0"


def test_re_sending_an_identical_statement_is_a_no_op_that_still_answers_200_with_its_id(
    app: Flask, lrs: Lrs
) -> None:
    sent = statement(timestamp="2015-06-10T14:31:41.000Z")
    first = lrs.post([sent]).get_json()
    # Equal by the spec's comparison: the same instant in another zone, a different version,
    # stored and authority, the object's objectType left out and another activity definition.
    again = {**sent, "timestamp": "2015-06-10T16:31:41+02:00", "version": "1.0.0"}
    again["object"] = {"id": sent["object"]["id"], "definition": {"name": {"en": "Renamed"}}}
    assert lrs.post([again]).get_json() == first
    assert stored_count(app) == 1
    assert lrs.get(statementId=sent["id"]).get_json()["timestamp"] == sent["timestamp"]


def test_the_same_id_with_different_content_is_a_409_and_changes_nothing(
    app: Flask, lrs: Lrs
) -> None:
    sent = statement()
    lrs.post(sent)
    newcomer = statement()
    changed = {**sent, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    response = lrs.post([newcomer, changed])
    assert response.status_code == 409
    assert response.get_json()["errors"] == [
        {"path": "statements[1].id", "message": "is already used by a different statement"}
    ]
    assert stored_count(app) == 1  # not even the new statement of that request
    assert lrs.get(statementId=sent["id"]).get_json()["verb"] == sent["verb"]
    assert lrs.put(sent["id"], changed).status_code == 409


def test_the_same_id_twice_in_one_batch_is_a_400_and_stores_nothing(app: Flask, lrs: Lrs) -> None:
    sent = statement()
    response = lrs.post([sent, {**sent, "verb": {"id": "http://example.com/other"}}])
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["path"] == "statements[1].id"
    assert stored_count(app) == 0


def test_the_same_batch_delivered_three_times_stores_each_statement_once(
    app: Flask, lrs: Lrs
) -> None:
    batch = [statement() for _ in range(5)]
    answers = [lrs.post(batch) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert all(a.get_json() == [s["id"] for s in batch] for a in answers)
    assert stored_count(app) == 5


def test_a_batch_without_ids_delivered_three_times_is_stored_once_thanks_to_derived_ids(
    app: Flask, lrs: Lrs
) -> None:
    batch = [statement(id=None, timestamp=f"2026-01-0{n}T09:00:00Z") for n in range(1, 4)]
    answers = [lrs.post(batch).get_json() for _ in range(3)]
    assert answers[0] == answers[1] == answers[2]
    assert len(set(answers[0])) == 3
    assert stored_count(app) == 3


def test_deriving_ids_can_be_turned_off(app: Flask, lrs: Lrs) -> None:
    app.config["XAPI_DERIVE_MISSING_IDS"] = 0
    batch = [statement(id=None, timestamp="2026-01-01T09:00:00Z")]
    assert lrs.post(batch).get_json() != lrs.post(batch).get_json()
    assert stored_count(app) == 2


def test_workers_storing_the_same_batch_at_the_same_moment_all_answer_200_and_store_it_once(
    app: Flask, lrs: Lrs
) -> None:
    batch = [statement() for _ in range(20)]
    senders = [Lrs(app.test_client(), lrs.credential) for _ in range(4)]
    start = threading.Barrier(len(senders))
    statuses: list[int] = []

    def deliver(sender: Lrs) -> None:
        start.wait()
        statuses.append(sender.post(batch).status_code)

    threads = [threading.Thread(target=deliver, args=(sender,)) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200, 200, 200, 200]
    assert stored_count(app) == 20


def test_a_statement_is_returned_exactly_as_received_apart_from_what_the_lrs_sets(
    lrs: Lrs,
) -> None:
    sent = statement(
        result={"score": {"scaled": 0.5, "raw": 1.0e1, "max": 20}, "duration": "PT1.234567S"},
        context={"contextActivities": {"parent": ACTIVITY_ONE}, "language": "nl-NL"},
        timestamp="2026-03-01T10:00:00.123456+01:00",
    )
    lrs.post(sent)
    back = lrs.get(statementId=sent["id"]).get_json()
    for key in ("stored", "authority", "version"):
        back.pop(key)
    assert back == sent


ACTIVITY_ONE = {"id": "http://example.com/activities/parent"}  # a single object, not an array
