"""Reading and writing multipart/mixed bodies (xAPI 1.0.3 Communication 1.5.2, RFC 2046)."""

from __future__ import annotations

import hashlib
import os

import pytest

from xapi.attachments import multipart
from xapi.errors import BadRequest


def _body(*parts: bytes, boundary: str = "b") -> bytes:
    pieces = [f"--{boundary}\r\n".encode() + part for part in parts]
    return b"\r\n".join(pieces) + f"\r\n--{boundary}--\r\n".encode()


def _part(data: bytes, digest: str | None = None) -> bytes:
    digest = digest or hashlib.sha256(data).hexdigest()
    head = f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {digest}\r\n\r\n"
    return head.encode() + data


STATEMENTS = b'Content-Type: application/json; charset=utf-8\r\n\r\n{"a": 1}'


@pytest.mark.parametrize(
    "data",
    [b"", b"\r\n", b"\r", b"\n\n", b"--bx", b"\r\n--b-", os.urandom(10_000), bytes(range(256))],
)
def test_every_byte_of_a_part_is_kept(data: bytes) -> None:
    received = multipart.read("multipart/mixed; boundary=b", _body(STATEMENTS, _part(data)))
    assert received.statements == b'{"a": 1}'
    [part] = received.parts.values()
    assert part.data == data


@pytest.mark.parametrize(
    ("algorithm", "length"), [("sha224", 56), ("sha256", 64), ("sha384", 96), ("sha512", 128)]
)
def test_every_sha_2_length_is_checked_with_its_own_algorithm(algorithm: str, length: int) -> None:
    digest = hashlib.new(algorithm, b"data").hexdigest().upper()  # case does not matter
    assert len(digest) == length
    received = multipart.read(
        "multipart/mixed; boundary=b", _body(STATEMENTS, _part(b"data", digest))
    )
    assert list(received.parts) == [digest.lower()]


def test_a_hash_of_other_data_is_refused() -> None:
    with pytest.raises(BadRequest, match="is not the SHA-2 of its data"):
        multipart.read(
            "multipart/mixed; boundary=b",
            _body(STATEMENTS, _part(b"data", hashlib.sha256(b"other").hexdigest())),
        )


def test_what_we_write_we_can_read_back() -> None:
    data = os.urandom(3000)
    digest = hashlib.sha256(data).hexdigest()
    out = [multipart.Outgoing(digest, "image/png", data)]
    body, content_type = multipart.write('{"statements":[],"more":""}', out)
    assert content_type.startswith("multipart/mixed; boundary=")
    received = multipart.read(content_type, body)
    assert received.statements == b'{"statements":[],"more":""}'
    assert received.parts[digest].data == data


def test_a_boundary_never_appears_in_the_data() -> None:
    data = b"--xapi-" + b"0" * 40
    _, content_type = multipart.write("{}", [multipart.Outgoing("0" * 64, "text/plain", data)])
    assert content_type.split("boundary=")[1].strip('"').encode() not in data


def test_the_conformance_suites_layout_is_read() -> None:
    # The ADL test suite's signed statements: a CRLF before the first boundary, no space after
    # the header colons, and no CRLF after the closing boundary.
    data = b"eyJhbGciOiJSUzI1NiJ9.e30.c2ln"
    boundary = "-------------1234567"
    body = b"\r\n".join(
        [
            b"",
            f"--{boundary}".encode(),
            b"Content-Type:application/json",
            b"",
            b'{"a": 1}',
            f"--{boundary}".encode(),
            b"Content-Type:application/octet-stream",
            b"Content-Transfer-Encoding:binary",
            f"X-Experience-API-Hash:{hashlib.sha256(data).hexdigest()}".encode(),
            b"",
            data,
            f"--{boundary}--".encode(),
        ]
    )
    received = multipart.read(f"multipart/mixed; boundary={boundary}", body)
    assert received.statements == b'{"a": 1}'
    assert [part.data for part in received.parts.values()] == [data]
