"""Statements with attachments for the listener tests: multipart/mixed bodies (1.0.3
Communication 1.5.2), reading multipart answers, and JWS signatures (Data 2.6)."""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import hashlib
import json
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

USAGE = "http://example.com/attachment-usage/test"
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
BOUNDARY = "abcABC0123'()+_,-./:=?"  # the spec's example: every allowed character class
CONTENT_TYPE = f'multipart/mixed; boundary="{BOUNDARY}"'


def sha2(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def attachment(data: bytes, **properties: Any) -> dict[str, Any]:
    """An attachment description of ``data`` (text/plain unless said otherwise)."""
    described = {
        "usageType": USAGE,
        "display": {"en-US": "A test attachment"},
        "contentType": "text/plain",
        "length": len(data),
        "sha2": sha2(data),
    }
    return {**described, **properties}


def part(data: bytes, **headers: str) -> tuple[bytes, dict[str, str]]:
    """An attachment part: its data with the headers xAPI asks for, ``headers`` on top
    (a header given as ``""`` is left out)."""
    base = {
        "Content-Type": "application/octet-stream",
        "Content-Transfer-Encoding": "binary",
        "X-Experience-API-Hash": sha2(data),
    }
    merged = {**base, **{name.replace("_", "-"): value for name, value in headers.items()}}
    return data, {name: value for name, value in merged.items() if value}


def multipart(
    statements: Any, *parts: tuple[bytes, dict[str, str]], first_type: str = "application/json"
) -> bytes:
    """A multipart/mixed body (boundary :data:`BOUNDARY`): the statements, then the parts."""
    delimiter = b"--" + BOUNDARY.encode()
    chunks = [delimiter + f"\r\nContent-Type: {first_type}\r\n\r\n".encode()]
    chunks.append(json.dumps(statements).encode())
    for data, headers in parts:
        lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        chunks += [b"\r\n" + delimiter + b"\r\n", lines.encode() + b"\r\n", data]
    chunks.append(b"\r\n" + delimiter + b"--\r\n")
    return b"".join(chunks)


def read_multipart(content_type: str, body: bytes) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    """A multipart answer: the JSON of its first part, and ``{hash: (content type, data)}``."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.message_from_bytes(head + body, policy=email.policy.HTTP)
    first, *rest = message.get_payload()
    assert first.get_content_type() == "application/json"
    found = {}
    for piece in rest:
        assert piece["Content-Transfer-Encoding"] == "binary"
        found[str(piece["X-Experience-API-Hash"])] = (
            piece.get_content_type(),
            piece.get_payload(decode=True),
        )
    return json.loads(first.get_payload(decode=True)), found


class Signer:
    """An RSA key with a self-signed X.509 certificate, signing statements as xAPI asks."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "LearnLoop test signer")])
        now = dt.datetime.now(dt.UTC)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .sign(self.key, hashes.SHA256())
        )

    @property
    def x5c(self) -> list[str]:
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return [base64.b64encode(der).decode()]

    def sign(
        self,
        payload: Any,
        algorithm: str = "RS256",
        *,
        with_certificate: bool = True,
        key: Any = None,
    ) -> bytes:
        """A compact JWS of ``payload`` (a statement, or raw bytes as they are)."""
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"x5c": self.x5c} if with_certificate else {}
        token = jwt.PyJWS().encode(data, key or self.key, algorithm=algorithm, headers=headers)
        return token.encode()


def signed(statement: dict[str, Any], signature: bytes) -> dict[str, Any]:
    """``statement`` with the signature attachment for ``signature`` added."""
    described = attachment(
        signature,
        usageType=SIGNATURE,
        display={"en-US": "Signature"},
        contentType="application/octet-stream",
    )
    return {**statement, "attachments": [*statement.get("attachments", []), described]}
