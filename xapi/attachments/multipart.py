"""``multipart/mixed`` bodies (RFC 2046) as xAPI sends statements with attachment data
(1.0.3 Communication 1.5.2; 2.0 §4.1.3): the statements first, as ``application/json``; then
one part per attachment, each with ``X-Experience-API-Hash`` (the SHA-2 of its data, which must
be right) and ``Content-Transfer-Encoding: binary`` (XAPI-00132/00135).

Python's ``email`` package splits the body (it keeps every byte of a binary part; the CRLF
before a boundary belongs to the boundary, as RFC 2046 §5.1.1 says), with every defect an
error: a body it cannot split exactly is a 400, never a guess.
"""

from __future__ import annotations

import email
import email.errors
import email.policy
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import Message

from werkzeug.http import parse_options_header

from xapi.errors import BadRequest

HASH_HEADER = "X-Experience-API-Hash"
_POLICY = email.policy.HTTP.clone(raise_on_defect=True)
_DIGESTS = {56: "sha224", 64: "sha256", 96: "sha384", 128: "sha512"}  # by hex length


@dataclass(frozen=True)
class Part:
    sha2: str  # lower-case hex, checked against the data
    data: bytes


@dataclass(frozen=True)
class Received:
    statements: bytes  # the first part: JSON
    parts: dict[str, Part]  # by sha2; a part sent twice is one part


@dataclass(frozen=True)
class Outgoing:
    """An attachment for a GET response."""

    sha2: str
    content_type: str
    data: bytes


def read(content_type: str, body: bytes) -> Received:
    """The statements and attachment parts of a ``multipart/mixed`` request body, or 400."""
    if not parse_options_header(content_type)[1].get("boundary"):
        raise BadRequest("A multipart/mixed Content-Type needs a boundary parameter.")
    try:
        head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
        message = email.message_from_bytes(head + body, policy=_POLICY)
        pieces = message.get_payload() if message.is_multipart() else None
    except (email.errors.MessageError, ValueError) as exc:
        raise BadRequest(f"The multipart/mixed body cannot be read: {_defect(exc)}.") from exc
    if not pieces or not isinstance(pieces, list):
        raise BadRequest("The multipart/mixed body has no parts: the statements come first.")
    parts: dict[str, Part] = {}
    for number, piece in enumerate(pieces[1:], start=2):
        part = _attachment(number, piece)
        parts[part.sha2] = part
    return Received(_statements(pieces[0]), parts)


def _statements(piece: Message) -> bytes:
    if piece.get_content_type() != "application/json":
        raise BadRequest(
            "The first part of a multipart/mixed body holds the statements, with "
            f"Content-Type application/json (was {piece.get('Content-Type', 'none')})."
        )
    return _data(1, piece)


def _attachment(number: int, piece: Message) -> Part:
    encoding = str(piece.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding != "binary":
        raise BadRequest(
            f"Part {number} needs the header Content-Transfer-Encoding: binary "
            "(every attachment part does)."
        )
    declared = str(piece.get(HASH_HEADER, "")).strip().lower()
    if not declared:
        raise BadRequest(f"Part {number} needs an {HASH_HEADER} header: the SHA-2 of its data.")
    algorithm = _DIGESTS.get(len(declared))
    data = _data(number, piece)
    if algorithm is None or hashlib.new(algorithm, data).hexdigest() != declared:
        raise BadRequest(
            f"Part {number}: its {HASH_HEADER} {declared[:128]} is not the SHA-2 of its data."
        )
    return Part(declared, data)


def _data(number: int, piece: Message) -> bytes:
    data = piece.get_payload(decode=True)
    if not isinstance(data, bytes):  # a multipart inside a part
        raise BadRequest(f"Part {number} of the multipart/mixed body is itself multipart.")
    return data


def _defect(exc: Exception) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


def write(statements_json: str, attachments: Sequence[Outgoing]) -> tuple[bytes, str]:
    """A ``multipart/mixed`` response body and its Content-Type: the statements, then the
    attachments, each once (C1.5.2.s2.b2)."""
    boundary = _boundary(attachments)
    delimiter = b"\r\n--" + boundary.encode() + b"\r\n"
    chunks = [
        b"--" + boundary.encode() + b"\r\nContent-Type: application/json\r\n\r\n",
        statements_json.encode("utf-8"),
    ]
    for attachment in attachments:
        headers = (
            f"Content-Type: {attachment.content_type}\r\n"
            "Content-Transfer-Encoding: binary\r\n"
            f"{HASH_HEADER}: {attachment.sha2}\r\n\r\n"
        )
        chunks += [delimiter, headers.encode("latin-1"), attachment.data]
    chunks.append(b"\r\n--" + boundary.encode() + b"--\r\n")
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'


def _boundary(attachments: Sequence[Outgoing]) -> str:
    """A boundary that none of the data holds (RFC 2046 §5.1.1)."""
    while True:
        boundary = "xapi-" + secrets.token_hex(16)
        if not any(boundary.encode() in attachment.data for attachment in attachments):
            return boundary
