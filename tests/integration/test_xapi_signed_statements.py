"""Signed statements (xAPI 1.0.3 Data 2.6; 2.0 §4.2.6): a JWS of the statement as an attachment
part; a malformed or mismatched signature is a 400 (D2.6.s5.b1), and nothing is stored."""

from __future__ import annotations

import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

from tests.integration.xapi_attachment_helpers import (
    CONTENT_TYPE,
    Signer,
    attachment,
    multipart,
    part,
    signed,
)
from tests.integration.xapi_helpers import V2, VERB, Lrs, statement, stored_count


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer()


def _post_signed(lrs: Lrs, original: dict, signature: bytes):  # type: ignore[no-untyped-def]
    body = multipart(signed(original, signature), part(signature))
    return lrs.post(body, **{"Content-Type": CONTENT_TYPE})


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_a_statement_signed_with_an_rsa_algorithm_and_its_certificate_is_stored(
    lrs: Lrs, signer: Signer, algorithm: str
) -> None:
    original = statement()
    response = _post_signed(lrs, original, signer.sign(original, algorithm))
    assert response.status_code == 200, response.get_json()
    kept = lrs.get(statementId=original["id"]).get_json()
    assert kept["attachments"][0]["usageType"] == "http://adlnet.gov/expapi/attachments/signature"


def test_a_signature_without_a_certificate_is_checked_for_form_and_payload(
    lrs: Lrs, signer: Signer
) -> None:
    original = statement()
    signature = signer.sign(original, with_certificate=False)
    assert _post_signed(lrs, original, signature).status_code == 200


def test_the_payload_may_differ_where_the_lrs_may_change_a_statement(
    lrs: Lrs, signer: Signer
) -> None:
    original = statement(timestamp="2026-01-02T03:04:05.000Z")
    sent = {**original, "timestamp": "2026-01-02T04:04:05+01:00", "version": "1.0.0"}
    assert _post_signed(lrs, sent, signer.sign(original)).status_code == 200


@pytest.mark.parametrize(
    ("make_signature", "fragment"),
    [
        # D2.6.s4.b4: only RS256, RS384, RS512 (the CTS signs with HS256 here)
        (lambda s, st: jwt.encode(st, "a-shared-secret-of-32-bytes-long", algorithm="HS256").encode(), "RS256"),
        # D2.6.s5.b3.b2: the payload is the statement it is attached to
        (lambda s, st: s.sign({**st, "verb": {"id": "http://example.com/verbs/other"}}), "not the statement"),
        # D2.6.s4.b3: the payload is a valid JSON serialization of a statement
        (lambda s, st: s.sign(json.dumps(st).encode()[:-5]), "not valid JSON"),
        (lambda s, st: s.sign(b"[1, 2]"), "not a statement"),
        (lambda s, st: s.sign({**st, "actor": {"mbox": "nobody"}}), "not a valid statement"),
        # D2.6.s5.b3.b3: verified with the certificate in x5c
        (lambda s, st: s.sign(st, key=rsa.generate_private_key(public_exponent=65537, key_size=2048)), "does not verify"),
        # JWS compact serialization (2.0 requires it)
        (lambda s, st: b'{"payload": "e30", "signatures": []}', "compact serialization"),
        (lambda s, st: b"not.a.jws", "not a readable JWS"),
        (lambda s, st: b"\xff\xfe.binary.data", "compact serialization"),
    ],
)  # fmt: skip
def test_a_bad_signature_is_a_400_naming_the_attachment_and_nothing_is_stored(
    app: Flask, lrs: Lrs, signer: Signer, make_signature, fragment: str
) -> None:
    original = statement()
    response = _post_signed(lrs, original, make_signature(signer, original))
    assert response.status_code == 400
    body = response.get_json()
    assert fragment in body["error"]
    assert body["errors"][0]["path"] == "attachments[0]"
    assert stored_count(app) == 0


def test_a_bad_certificate_in_x5c_is_a_400(lrs: Lrs, signer: Signer) -> None:
    original = statement()
    token = jwt.PyJWS().encode(
        json.dumps(original).encode(), signer.key, algorithm="RS256", headers={"x5c": ["bm9wZQ=="]}
    )
    response = _post_signed(lrs, original, token.encode())
    assert response.status_code == 400 and "x5c" in response.get_json()["error"]


def test_one_bad_signature_refuses_the_whole_batch(app: Flask, lrs: Lrs, signer: Signer) -> None:
    good = statement()
    bad = statement(verb={"id": "http://example.com/verbs/other"})
    signature = signer.sign(good)  # bad carries good's signature: the same data, one part
    batch = [signed(good, signature), signed(bad, signature)]
    response = lrs.post(multipart(batch, part(signature)), **{"Content-Type": CONTENT_TYPE})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["path"] == "statements[1].attachments[0]"
    assert stored_count(app) == 0


def test_the_signature_attachment_must_be_an_octet_stream(lrs: Lrs, signer: Signer) -> None:
    original = statement()
    signature = signer.sign(original)
    described = {**signed(original, signature)["attachments"][0], "contentType": "text/plain"}
    body = multipart({**original, "attachments": [described]}, part(signature))
    response = lrs.post(body, **{"Content-Type": CONTENT_TYPE})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["path"] == "attachments[0].contentType"


def test_a_signature_by_file_url_in_a_json_body_is_accepted_unread(lrs: Lrs) -> None:
    # C1.5.1.s1.b2: a JSON body whose attachments all have a fileUrl must be accepted
    linked = attachment(
        b"a.jws.elsewhere",
        usageType="http://adlnet.gov/expapi/attachments/signature",
        contentType="application/octet-stream",
        fileUrl="https://example.com/signatures/1.jws",
    )
    assert lrs.post(statement(attachments=[linked])).status_code == 200


def test_signatures_are_checked_under_xapi_2_0_too(lrs: Lrs, signer: Signer) -> None:
    lrs.version = V2
    agent = {"objectType": "contextAgent", "agent": {"mbox": "mailto:t@example.edu"}}
    original = statement(context={"contextAgents": [agent]})
    assert _post_signed(lrs, original, signer.sign(original)).status_code == 200
    other = statement(context={"contextAgents": [{**agent, "relevantTypes": [VERB["id"]]}]})
    assert _post_signed(lrs, other, signer.sign(original)).status_code == 400
