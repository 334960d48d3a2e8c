"""Statements with attachment data: multipart/mixed PUT and POST, and GET with
attachments=true (xAPI 1.0.3 Communication 1.5.2 and 2.1.3, Data 2.4.11; 2.0 §4.1.3)."""

from __future__ import annotations

import json
import os
import uuid

import pytest
from flask import Flask
from sqlalchemy import func, select

from lti_tool.core.db import db
from tests.integration.xapi_attachment_helpers import (
    CONTENT_TYPE,
    attachment,
    multipart,
    part,
    read_multipart,
    sha2,
)
from tests.integration.xapi_helpers import V2, Lrs, statement, stored_count
from xapi.models import Attachment

TEXT = b"here is a simple attachment"
BINARY = bytes(range(256)) * 3 + b"\r\n--not-a-boundary\r\n\r\r\n\n"  # every byte, CRs and LFs


def _post(lrs: Lrs, body: bytes, content_type: str = CONTENT_TYPE):  # type: ignore[no-untyped-def]
    return lrs.post(body, **{"Content-Type": content_type})


def _kept(app: Flask) -> list[tuple[int, str, bytes]]:
    with app.app_context():
        rows = db.session.execute(select(Attachment.tenant_id, Attachment.sha2, Attachment.content))
        return [(row.tenant_id, row.sha2, bytes(row.content)) for row in rows]


def test_a_statement_with_its_attachment_data_is_stored_and_returned_with_it(
    app: Flask, lrs: Lrs
) -> None:
    sent = statement(attachments=[attachment(TEXT)])
    response = _post(lrs, multipart(sent, part(TEXT, Content_Type="text/plain")))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == [sent["id"]]
    answer = lrs.get(statementId=sent["id"], attachments="true")
    assert answer.status_code == 200
    assert answer.mimetype == "multipart/mixed"
    found, parts = read_multipart(answer.headers["Content-Type"], answer.get_data())
    assert found["id"] == sent["id"]
    assert parts == {sha2(TEXT): ("text/plain", TEXT)}
    plain = lrs.get(statementId=sent["id"])
    assert plain.mimetype == "application/json"
    assert plain.get_json()["attachments"] == sent["attachments"]


def test_binary_data_keeps_every_byte(app: Flask, lrs: Lrs) -> None:
    data = BINARY + os.urandom(4096)
    sent = statement(attachments=[attachment(data, contentType="application/octet-stream")])
    assert _post(lrs, multipart(sent, part(data))).status_code == 200
    [(_, kept_hash, kept)] = _kept(app)
    assert (kept_hash, kept) == (sha2(data), data)
    answer = lrs.get(statementId=sent["id"], attachments="true")
    _, parts = read_multipart(answer.headers["Content-Type"], answer.get_data())
    assert parts[sha2(data)] == ("application/octet-stream", data)


def test_a_put_carries_attachment_data_too(app: Flask, lrs: Lrs) -> None:
    sent = statement(attachments=[attachment(TEXT)])
    response = lrs.client.put(
        "/xapi/statements",
        query_string={"statementId": sent["id"]},
        data=multipart(sent, part(TEXT)),
        headers={**lrs.headers, "Content-Type": CONTENT_TYPE},
    )
    assert response.status_code == 204, response.get_data(as_text=True)
    assert [content for _, _, content in _kept(app)] == [TEXT]


def test_the_same_data_in_several_statements_is_sent_and_kept_once(app: Flask, lrs: Lrs) -> None:
    batch = [statement(attachments=[attachment(TEXT)]) for _ in range(3)]
    assert _post(lrs, multipart(batch, part(TEXT))).status_code == 200
    again = statement(attachments=[attachment(TEXT)])
    assert _post(lrs, multipart(again, part(TEXT))).status_code == 200
    assert len(_kept(app)) == 1
    page = lrs.get(attachments="true")
    found, parts = read_multipart(page.headers["Content-Type"], page.get_data())
    assert len(found["statements"]) == 4 and list(parts) == [sha2(TEXT)]


def test_multipart_without_attachments_or_with_only_file_urls_is_accepted(lrs: Lrs) -> None:
    # 2.0 §4.1.3: "shall accept" both; 1.0.3 C1.5.2.s3.b8-b9
    assert _post(lrs, multipart([statement()])).status_code == 200
    linked = attachment(TEXT, fileUrl="https://example.com/files/a.txt")
    assert _post(lrs, multipart(statement(attachments=[linked]))).status_code == 200


def test_an_attachment_with_a_file_url_may_bring_its_data_as_well(app: Flask, lrs: Lrs) -> None:
    linked = attachment(TEXT, fileUrl="https://example.com/files/a.txt")
    assert _post(lrs, multipart(statement(attachments=[linked]), part(TEXT))).status_code == 200
    assert len(_kept(app)) == 1


def test_attachments_of_a_sub_statement_are_matched_too(app: Flask, lrs: Lrs) -> None:
    inner = {
        "objectType": "SubStatement",
        "actor": {"mbox": "mailto:bo@example.edu"},
        "verb": {"id": "http://example.com/verbs/wrote"},
        "object": {"id": "http://example.com/activities/essay"},
        "attachments": [attachment(TEXT)],
    }
    sent = statement(object=inner)
    assert _post(lrs, multipart(sent)).status_code == 400
    assert _post(lrs, multipart(sent, part(TEXT))).status_code == 200


@pytest.mark.parametrize(
    ("statements", "parts", "fragment"),
    [
        # XAPI-00129: an attachment without a fileUrl needs its part
        (statement(attachments=[attachment(TEXT)]), [], "attachments[0].sha2"),
        # C1.5.2.s3.b5: a part that no attachment names
        (statement(), [part(TEXT)], "belongs to no attachment"),
        (statement(attachments=[attachment(TEXT)]), [part(TEXT), part(b"other")], "no attachment"),
        # the hash must be the data's
        (statement(attachments=[attachment(TEXT)]), [part(b"tampered", X_Experience_API_Hash=sha2(TEXT))], "is not the SHA-2"),
        (statement(attachments=[attachment(TEXT)]), [part(TEXT, X_Experience_API_Hash="")], "X-Experience-API-Hash"),
        (statement(attachments=[attachment(TEXT)]), [part(TEXT, X_Experience_API_Hash="abc")], "is not the SHA-2"),
        # XAPI-00132/00135: binary transfer encoding on every part
        (statement(attachments=[attachment(TEXT)]), [part(TEXT, Content_Transfer_Encoding="")], "Content-Transfer-Encoding"),
        (statement(attachments=[attachment(TEXT)]), [part(TEXT, Content_Transfer_Encoding="base64")], "binary"),
    ],
)  # fmt: skip
def test_parts_that_do_not_match_the_attachments_are_a_400_and_nothing_is_stored(
    app: Flask, lrs: Lrs, statements: object, parts: list, fragment: str
) -> None:
    response = _post(lrs, multipart(statements, *parts))
    assert response.status_code == 400
    assert fragment in json.dumps(response.get_json())
    assert stored_count(app) == 0 and _kept(app) == []


def test_one_statement_missing_its_part_refuses_the_whole_batch(app: Flask, lrs: Lrs) -> None:
    batch = [statement(attachments=[attachment(TEXT)]), statement(attachments=[attachment(b"x")])]
    response = _post(lrs, multipart(batch, part(TEXT)))
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["path"] == "statements[1].attachments[0].sha2"
    assert stored_count(app) == 0 and _kept(app) == []


@pytest.mark.parametrize(
    ("body", "content_type", "fragment"),
    [
        (multipart(statement(), first_type="text/plain"), CONTENT_TYPE, "first part"),
        (multipart(statement()), "multipart/mixed", "boundary"),
        (b"no parts at all", CONTENT_TYPE, "multipart"),
        (multipart(statement())[:-20], CONTENT_TYPE, "cannot be read"),  # no closing boundary
        (multipart("not a statement"), CONTENT_TYPE, "statement"),
    ],
)
def test_a_malformed_multipart_body_is_a_400(
    app: Flask, lrs: Lrs, body: bytes, content_type: str, fragment: str
) -> None:
    response = _post(lrs, body, content_type)
    assert response.status_code == 400
    assert fragment in response.get_json()["error"]
    assert stored_count(app) == 0


def test_an_attachment_in_a_json_body_still_needs_a_file_url(lrs: Lrs) -> None:
    response = lrs.post(statement(attachments=[attachment(TEXT)]))
    assert response.status_code == 400
    [error] = response.get_json()["errors"]
    assert error["path"] == "attachments[0].fileUrl" and "multipart/mixed" in error["message"]


def test_a_multipart_body_over_the_limit_is_a_413(app: Flask, lrs: Lrs) -> None:
    app.config["XAPI_MAX_BODY"] = 4000
    data = b"x" * 5000
    response = _post(lrs, multipart(statement(attachments=[attachment(data)]), part(data)))
    assert response.status_code == 413
    assert stored_count(app) == 0 and _kept(app) == []


def test_a_page_with_attachments_ends_early_rather_than_carry_too_much_data(
    app: Flask, lrs: Lrs
) -> None:
    datas = [bytes([n]) * 1500 for n in range(4)]
    for data in datas:
        assert (
            _post(lrs, multipart(statement(attachments=[attachment(data)]), part(data))).status_code
            == 200
        )
    app.config["XAPI_MAX_BODY"] = 3200  # two attachments' worth per page
    seen: dict[str, bytes] = {}
    statements = []
    response = lrs.get(attachments="true", limit="10")
    while True:
        found, parts = read_multipart(response.headers["Content-Type"], response.get_data())
        assert len(found["statements"]) == 2
        statements += found["statements"]
        seen.update({key: data for key, (_, data) in parts.items()})
        if not found["more"]:
            break
        response = lrs.get(found["more"])
    assert len(statements) == 4 and sorted(seen.values()) == sorted(datas)


def test_a_tenant_never_gets_another_tenants_attachment_data(
    app: Flask, lrs: Lrs, other_tenants_lrs: Lrs
) -> None:
    mine = statement(attachments=[attachment(TEXT)])
    assert _post(lrs, multipart(mine, part(TEXT))).status_code == 200
    # The other tenant names the same hash with a fileUrl: it gets no data, and no statement.
    theirs = statement(attachments=[attachment(TEXT, fileUrl="https://example.com/t.txt")])
    assert other_tenants_lrs.post(theirs).status_code == 200
    answer = other_tenants_lrs.get(attachments="true")
    found, parts = read_multipart(answer.headers["Content-Type"], answer.get_data())
    assert [s["id"] for s in found["statements"]] == [theirs["id"]] and parts == {}
    assert other_tenants_lrs.get(statementId=mine["id"], attachments="true").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_head_with_attachments_answers_the_headers_only(lrs: Lrs) -> None:
    sent = statement(attachments=[attachment(TEXT)])
    _post(lrs, multipart(sent, part(TEXT)))
    response = lrs.client.head(
        "/xapi/statements",
        query_string={"statementId": sent["id"], "attachments": "true"},
        headers=lrs.headers,
    )
    assert response.status_code == 200 and response.mimetype == "multipart/mixed"
    assert response.get_data() == b""


def test_multipart_works_the_same_under_xapi_2_0(lrs: Lrs) -> None:
    lrs.version = V2
    sent = statement(id=str(uuid.uuid4()), attachments=[attachment(TEXT)])
    response = _post(lrs, multipart(sent, part(TEXT)))
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
