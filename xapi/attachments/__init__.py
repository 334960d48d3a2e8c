"""Attachments: files that travel with a statement (xAPI 1.0.3 Data 2.4.11, Communication 1.5.2;
2.0 §4.1.3, §4.2.2.9).

An *attachment* is described in the statement (``usageType``, ``contentType``, ``length``,
``sha2``, maybe a ``fileUrl``); its raw data, when sent, is a *part* of a ``multipart/mixed``
request body, matched to the description by its SHA-2 hash and by nothing else (C1.5.2.s1.b4).

- :mod:`.multipart`: reading a ``multipart/mixed`` request body (statements first, then the
  parts), and writing one for ``GET statements?attachments=true``.
- :mod:`.parts`: every attachment without a ``fileUrl`` has its part, every part belongs to
  an attachment (C1.5.2.s3.b5, XAPI-00128/00129).
- :mod:`.signatures`: signed statements (Data 2.6): a JWS attachment checked against its
  statement.
- :mod:`.storage`: the data kept once per (tenant, ``sha2``), and read back for GET.

A part can be no larger than the request that carries it, ``XAPI_MAX_BODY`` bytes; a GET page
with ``attachments=true`` carries at most that many bytes of attachment data too (it ends
early, with a ``more`` link, rather than grow without bound).
"""

from __future__ import annotations

from typing import Any

from xapi import schemas
from xapi.attachments import multipart, parts, signatures, storage
from xapi.attachments.multipart import Outgoing, Part

__all__ = ["Outgoing", "Part", "for_response", "keep", "statements_in"]
keep = storage.keep


def statements_in(
    content_type: str, data: bytes, rules: str, *, single: bool = False
) -> tuple[schemas.Body, dict[str, Part]]:
    """The valid statements of a ``multipart/mixed`` PUT or POST body and their parts, or 400:
    the body splits, the statements are valid, parts and attachments match, signatures hold."""
    received = multipart.read(content_type, data)
    body = schemas.statements_in(
        "application/json", received.statements, rules, single=single, with_parts=True
    )
    parts.check(body.statements, received.parts, body.batch)
    signatures.check(body.statements, received.parts, rules, body.batch)
    return body, received.parts


def for_response(
    tenant_id: int, statements: list[dict[str, Any]], budget: int
) -> tuple[int, list[Outgoing]]:
    """How many of ``statements`` (in order, at least one) a response carries with the data of
    their attachments within ``budget`` bytes, and that data, each attachment once."""
    named = [storage.named_by([statement]) for statement in statements]
    sizes = storage.sizes(tenant_id, {sha2 for sha2s in named for sha2 in sha2s})
    carried: dict[str, None] = {}
    total, count = 0, 0
    for sha2s in named:
        new = [sha2 for sha2 in sha2s if sha2 in sizes and sha2 not in carried]
        extra = sum(sizes[sha2] for sha2 in new)
        if count and total + extra > budget:
            break
        total, count = total + extra, count + 1
        carried.update(dict.fromkeys(new))
    return count, storage.load(tenant_id, list(carried))
