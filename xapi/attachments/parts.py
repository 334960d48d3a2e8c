"""Matching the parts of a ``multipart/mixed`` request to the statements' attachments.

Only by hash (C1.5.2.s1.b4): an attachment names its part by ``sha2``. Every attachment without
a ``fileUrl`` needs its part, and every part an attachment that names it; either failing is a
400 for the whole request (C1.5.2.s3.b5, XAPI-00128/00129). An attachment with a ``fileUrl`` may
have a part too. The same data for several attachments travels once (C1.5.2.s2.b2.b5).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from xapi.attachments.multipart import HASH_HEADER, Part
from xapi.errors import BadRequest

Error = tuple[str, str]


def attachments_of(statement: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``(path, attachment)`` of a statement's attachments and its SubStatement's."""
    for position, attachment in enumerate(statement.get("attachments", [])):
        yield f"{prefix}attachments[{position}]", attachment
    target = statement["object"]
    if target.get("objectType") == "SubStatement":
        for position, attachment in enumerate(target.get("attachments", [])):
            yield f"{prefix}object.attachments[{position}]", attachment


def check(statements: list[dict[str, Any]], parts: Mapping[str, Part], batch: bool) -> None:
    """400 unless the parts and the attachments match one to one (by hash; see the docstring)."""
    errors: list[Error] = []
    named: set[str] = set()
    for index, statement in enumerate(statements):
        for path, attachment in attachments_of(statement, f"statements[{index}]." if batch else ""):
            sha2 = attachment["sha2"].lower()
            named.add(sha2)
            if sha2 not in parts and "fileUrl" not in attachment:
                errors.append(
                    (f"{path}.sha2", f"no part has this {HASH_HEADER}, and there is no fileUrl")
                )
    errors += [
        ("", f"the part with {HASH_HEADER} {sha2} belongs to no attachment")
        for sha2 in parts
        if sha2 not in named
    ]
    if errors:
        first = f"{errors[0][0]}: {errors[0][1]}" if errors[0][0] else errors[0][1]
        raise BadRequest(
            f"The attachments and the parts do not match: {first}. Nothing was stored.", errors
        )


def content_types(statements: list[dict[str, Any]]) -> dict[str, str]:
    """The ``contentType`` under which each ``sha2`` is kept: its first attachment's."""
    found: dict[str, str] = {}
    for statement in statements:
        for _, attachment in attachments_of(statement):
            found.setdefault(attachment["sha2"].lower(), attachment["contentType"])
    return found
