"""Pulling statements with their attachments' data: ``GET statements?attachments=true`` answered
as ``multipart/mixed`` (xAPI 1.0.3 Communication 2.1.3, 1.5.2), hash-checked and kept as the
listener keeps it; signed statements checked; an LRS that refuses or ignores the parameter.

The LRS that keeps attachment data is LearnLoop's own listener (tenant ``dep-2``), served over
real HTTP on loopback; the pull reads it into tenant ``dep-1``. Answers that no conformant LRS
gives (a tampered part, a forged signature) are played by ``responses``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses
from flask import Flask
from sqlalchemy import select

from lti_tool.core.db import db
from tests.integration.xapi_attachment_helpers import (
    CONTENT_TYPE,
    Signer,
    attachment,
    multipart,
    part,
    read_multipart,
    sha2,
    signed,
)
from tests.integration.xapi_helpers import Lrs, statement, stored_count, tenant_id
from tests.integration.xapi_lrs_helpers import NO_SLEEP, STATEMENTS, add_connection, connection
from tests.support.platform import TestPlatform
from tests.support.servers import LoopbackServer
from xapi import pulling
from xapi.lrs_client import Backoff
from xapi.models import Attachment

TEXT = b"notes from the onboarding session"
BINARY = bytes(range(256)) * 4 + b"\r\n--not-a-boundary\r\n"
LINKED = b"a file that stays where its fileUrl says"
STORED = "2026-01-01T00:00:01.000Z"
WSGI = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer()


def _post(source: Lrs, statements: Any, *parts: tuple[bytes, dict[str, str]]) -> None:
    response = source.post(multipart(statements, *parts), **{"Content-Type": CONTENT_TYPE})
    assert response.status_code == 200, response.get_json()


def _seed(source: Lrs, signer: Signer) -> dict[str, dict[str, Any]]:
    """In the source LRS: text and binary data, a fileUrl only, a signed statement, a plain one."""
    signed_one = statement()
    signature = signer.sign(signed_one)
    sent = {
        "text": statement(attachments=[attachment(TEXT)]),
        "binary": statement(
            attachments=[attachment(BINARY, contentType="application/octet-stream")]
        ),
        "linked": statement(attachments=[attachment(LINKED, fileUrl="https://example.com/f")]),
        "signed": signed(signed_one, signature),
        "plain": statement(),
    }
    _post(source, [sent["text"], sent["binary"]], part(TEXT), part(BINARY))
    _post(source, [sent["linked"], sent["plain"]])
    _post(source, sent["signed"], part(signature))
    return sent


def _kept(app: Flask, deployment_id: str) -> dict[str, bytes]:
    tenant = tenant_id(app, deployment_id)
    with app.app_context():
        rows = db.session.execute(
            select(Attachment.sha2, Attachment.content).where(Attachment.tenant_id == tenant)
        )
        return {row.sha2: bytes(row.content) for row in rows}


def _pull(app: Flask, connection_id: int) -> pulling.Progress:
    with app.app_context():
        return pulling.pull(connection_id, backoff=Backoff(attempts=2, sleep=NO_SLEEP))


@pytest.fixture
def source(other_tenants_lrs: Lrs) -> Lrs:
    """Tenant ``dep-2``'s listener: the LRS the pull reads (it keeps attachment data)."""
    return other_tenants_lrs


@pytest.fixture
def served(app: Flask) -> Iterator[LoopbackServer]:
    with LoopbackServer(app) as server:
        yield server


def _connect(app: Flask, url: str, source: Lrs) -> int:
    app.config["XAPI_PULL_PAGE_SIZE"] = 2  # the walk follows more links, with attachments
    credential = source.credential
    return add_connection(
        app, "dep-1", endpoint=url + "/xapi/", key=credential.key, secret=credential.secret
    )


def test_a_pull_brings_the_attachment_data_along_and_a_signed_statement_validates(
    app: Flask, served: LoopbackServer, source: Lrs, lrs: Lrs, signer: Signer
) -> None:
    sent = _seed(source, signer)
    connection_id = _connect(app, served.url, source)
    progress = _pull(app, connection_id)
    assert (progress.received, progress.new, progress.skipped) == (5, 5, 0)
    assert progress.pages == 3 and progress.finished
    signature = sent["signed"]["attachments"][0]["sha2"]
    assert set(_kept(app, "dep-1")) == {sha2(TEXT), sha2(BINARY), signature}
    assert _kept(app, "dep-1")[sha2(BINARY)] == BINARY  # every byte
    assert (progress.attachments, progress.without_data, progress.notes) == (3, 0, [])
    answer = lrs.get(statementId=sent["signed"]["id"], attachments="true")  # now from dep-1
    found, parts = read_multipart(answer.headers["Content-Type"], answer.get_data())
    assert found["id"] == sent["signed"]["id"]
    assert parts[signature] == ("application/octet-stream", _kept(app, "dep-2")[signature])
    assert (_pull(app, connection_id).new, stored_count(app)) == (0, 10)


def _refusing_attachments(wsgi: WSGI, asked: list[dict[str, list[str]]]) -> WSGI:
    """``wsgi`` behind a door that answers 400 to ``attachments=true``, as some LRSs do."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        asked.append(query)
        if query.get("attachments") == ["true"]:
            start_response("400 BAD REQUEST", [("Content-Type", "application/json")])
            return [b'{"error": "the parameter attachments is not supported"}']
        return wsgi(environ, start_response)

    return app


def test_an_lrs_that_refuses_attachments_true_is_asked_without_and_the_report_says_so(
    app: Flask, source: Lrs, lrs: Lrs, signer: Signer
) -> None:
    sent = _seed(source, signer)
    _post(lrs, statement(attachments=[attachment(TEXT)]), part(TEXT))  # dep-1 has this data
    asked: list[dict[str, list[str]]] = []
    with LoopbackServer(_refusing_attachments(app, asked)) as server:
        progress = _pull(app, _connect(app, server.url, source))
    assert (progress.new, progress.skipped, progress.finished) == (5, 0, True)
    assert [q.get("attachments") for q in asked[:2]] == [["true"], None]
    assert not any(q.get("attachments") for q in asked[1:])  # not asked again in this pull
    assert progress.notes[0] == (
        "the LRS refused attachments=true (the LRS answered 400: "
        '{"error": "the parameter attachments is not supported"}): '
        "pulled without attachment data"
    )
    # the binary data and the signature are missing; the text data was here already
    assert (progress.attachments, progress.without_data) == (0, 2)
    assert progress.notes[1].startswith("2 statement(s) stored without the attachment data")
    assert set(_kept(app, "dep-1")) == {sha2(TEXT)}
    assert lrs.get(statementId=sent["signed"]["id"]).status_code == 200


def _answer(mock: responses.RequestsMock, body: bytes) -> None:
    mock.add(responses.GET, STATEMENTS, body=body, content_type=CONTENT_TYPE)


def _from_lrs(**properties: Any) -> dict[str, Any]:
    return statement(stored=STORED, authority={"mbox": "mailto:lrs@example.org"}, **properties)


def test_a_forged_signature_skips_its_statement_and_unclaimed_parts_are_not_kept(
    app: Flask, mock: responses.RequestsMock, registered: TestPlatform, signer: Signer
) -> None:
    honest = _from_lrs(attachments=[attachment(TEXT)])
    other = statement(object={"id": "http://example.com/activities/other"})
    forged_signature = signer.sign(other)  # the JWS of another statement
    forged = signed(_from_lrs(), forged_signature)
    body = {"statements": [honest, forged], "more": ""}
    _answer(mock, multipart(body, part(TEXT), part(forged_signature), part(b"nobody's")))
    progress = _pull(app, add_connection(app))
    assert (progress.new, progress.skipped, progress.attachments) == (1, 1, 1)
    problem = progress.problems[0]
    assert problem.position == f"page 1, statements[1] (id {forged['id']})"
    assert problem.reason == (
        "attachments[0]: the signature payload is not the statement it is attached to"
    )
    assert _kept(app, "dep-1") == {sha2(TEXT): TEXT}
    assert mock.calls[0].request.params["attachments"] == "true"


def test_a_part_whose_data_is_not_its_hash_fails_the_pull_and_keeps_the_cursor(
    app: Flask, mock: responses.RequestsMock, registered: TestPlatform
) -> None:
    body = {"statements": [_from_lrs(attachments=[attachment(TEXT)])], "more": ""}
    _answer(mock, multipart(body, part(b"tampered", X_Experience_API_Hash=sha2(TEXT))))
    connection_id = add_connection(app)
    with pytest.raises(pulling.PullFailed, match="multipart answer cannot be read: Part 2"):
        _pull(app, connection_id)
    assert stored_count(app) == 0 and _kept(app, "dep-1") == {}
    saved = connection(app, connection_id)
    assert saved.pull_since is None and saved.pull_more is None
    assert saved.last_pull_error and "is not the SHA-2 of its data" in saved.last_pull_error


def test_a_multipart_answer_without_parts_and_a_missing_part_still_store_the_statements(
    app: Flask, mock: responses.RequestsMock, registered: TestPlatform
) -> None:
    linked = _from_lrs(attachments=[attachment(LINKED, fileUrl="https://example.com/f")])
    lacking = _from_lrs(attachments=[attachment(TEXT)])
    _answer(mock, multipart({"statements": [_from_lrs(), linked, lacking], "more": ""}))
    progress = _pull(app, add_connection(app))
    assert (progress.new, progress.skipped, progress.without_data) == (3, 0, 1)
    assert progress.notes == [
        "1 statement(s) stored without the attachment data they name: the LRS did not send it"
    ]
