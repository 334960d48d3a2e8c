"""Signed statements (xAPI 1.0.3 Data 2.6; 2.0 §4.2.6): a statement may carry a JSON Web
Signature (RFC 7515) of itself as an attachment with ``usageType``
``http://adlnet.gov/expapi/attachments/signature``.

A signature whose data came as a part is checked as D2.6.s5.b3 asks, and any failure is a 400
for the whole request (D2.6.s5.b1):

- a JWS in compact serialization (2.0 requires it; JSON serialization is "strongly
  discouraged" in 1.0.3), with ``alg`` RS256, RS384 or RS512 (D2.6.s4.b4);
- its payload a valid statement under the request's rules that is *the same statement* as the
  one it is attached to, by the comparison that decides a re-send (:mod:`xapi.comparison`:
  ``id``, ``stored``, ``authority``, ``version``, ``attachments`` and an absent ``timestamp``
  do not count; D2.6.s5.b3.b2);
- when its header has an ``x5c`` certificate chain, the signature verifies with the first
  certificate's public key (D2.6.s5.b3.b3). The chain itself is not checked: the spec calls
  this step a way to catch mistakes, "not a security measure".

Without ``x5c`` there is no key to verify with: the structure, algorithm and payload are all
the spec lets an LRS check. A signature that is only a ``fileUrl`` (an ``application/json``
body must be accepted with it, C1.5.1.s1.b2) cannot be read, and is left as it is.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from xapi import jsonbody
from xapi.attachments.multipart import Part
from xapi.comparison import same_statement
from xapi.errors import BadRequest
from xapi.validation import StatementInvalid, validate_statement
from xapi.validation.schemas.attachments import SIGNATURE

ALGORITHMS = ("RS256", "RS384", "RS512")
_JWS = jwt.PyJWS(algorithms=list(ALGORITHMS))


class _Refused(ValueError):
    """Why a signature is refused, for the 400."""


def check(
    statements: list[dict[str, Any]], parts: Mapping[str, Part], rules: str, batch: bool
) -> None:
    """400 naming each signature attachment whose JWS fails a check of the module docstring."""
    errors = []
    for index, statement in enumerate(statements):
        for position, attachment in enumerate(statement.get("attachments", [])):
            part = parts.get(attachment["sha2"].lower())
            if attachment["usageType"] != SIGNATURE or part is None:
                continue
            try:
                _verify(part.data, statement, rules)
            except _Refused as exc:
                prefix = f"statements[{index}]." if batch else ""
                errors.append((f"{prefix}attachments[{position}]", f"the signature {exc}"))
    if errors:
        path, reason = errors[0]
        raise BadRequest(f"A signed statement is refused: {path}: {reason}.", errors)


def _verify(data: bytes, statement: dict[str, Any], rules: str) -> None:
    token = _compact(data)
    try:
        decoded = _JWS.decode_complete(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise _Refused(f"is not a readable JWS ({exc})") from exc
    algorithm = decoded["header"].get("alg")
    if algorithm not in ALGORITHMS:
        raise _Refused(f"must use RS256, RS384 or RS512, not {algorithm!r}")
    key = _certificate_key(decoded["header"])
    if key is not None:
        signing_input = token.rsplit(".", 1)[0].encode("ascii")
        if not jwt.get_algorithm_by_name(algorithm).verify(
            signing_input, key, decoded["signature"]
        ):
            raise _Refused("does not verify with the certificate of its x5c header")
    _same(decoded["payload"], statement, rules)


def _compact(data: bytes) -> str:
    try:
        token = data.decode("ascii").strip()
    except UnicodeDecodeError as exc:
        raise _Refused("is not a JWS in compact serialization") from exc
    if token.count(".") != 2:
        raise _Refused("must be a JWS in compact serialization (three base64url parts)")
    return token


def _certificate_key(header: dict[str, Any]) -> rsa.RSAPublicKey | None:
    """The public key of the first ``x5c`` certificate (RFC 7515 §4.1.6), if there is one."""
    chain = header.get("x5c")
    if chain is None:
        return None
    if not isinstance(chain, list) or not chain or not isinstance(chain[0], str):
        raise _Refused("has an x5c header that is not an array of certificates")
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0], validate=True))
    except (ValueError, binascii.Error) as exc:
        raise _Refused("has an x5c certificate that is not base64 DER X.509") from exc
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise _Refused("has an x5c certificate without the RSA key that RS256/384/512 need")
    return key


def _same(payload: bytes, statement: dict[str, Any], rules: str) -> None:
    try:
        signed = jsonbody.loads(payload)
    except jsonbody.BadJson as exc:
        raise _Refused(f"payload is not valid JSON ({exc})") from exc
    if not isinstance(signed, dict):
        raise _Refused("payload is not a statement (a JSON object)")
    try:
        validate_statement(signed, rules)
    except StatementInvalid as exc:
        raise _Refused(f"payload is not a valid statement ({exc})") from exc
    if not same_statement(signed, statement):
        raise _Refused("payload is not the statement it is attached to")
