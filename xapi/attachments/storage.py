"""Attachment data kept once per (tenant, ``sha2``): what a statement names by hash is the same
data whoever sent it, and sending it again stores nothing new."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import select

from lti_tool.core.db import db, insert_new
from xapi.attachments.multipart import Outgoing, Part
from xapi.attachments.parts import attachments_of, content_types
from xapi.models import Attachment


def keep(tenant_id: int, statements: list[dict[str, Any]], parts: Mapping[str, Part]) -> None:
    """Store the parts that are new to this tenant; flushes, never commits."""
    if not parts:
        return
    types = content_types(statements)
    rows = [
        {
            "tenant_id": tenant_id,
            "sha2": part.sha2,
            "content_type": types.get(part.sha2, "application/octet-stream"),
            "length": len(part.data),
            "content": part.data,
        }
        for part in sorted(parts.values(), key=lambda part: part.sha2)  # one lock order
    ]
    db.session.execute(insert_new(Attachment, ["tenant_id", "sha2"]), rows)


def named_by(statements: list[dict[str, Any]]) -> list[str]:
    """The ``sha2`` of every attachment of these statements, each once, in order."""
    found = (attachment["sha2"].lower() for s in statements for _, attachment in attachments_of(s))
    return list(dict.fromkeys(found))


def sizes(tenant_id: int, sha2s: Collection[str]) -> dict[str, int]:
    """How many bytes of data we keep for each of ``sha2s`` (those we have none of are left out)."""
    if not sha2s:
        return {}
    rows = db.session.execute(
        select(Attachment.sha2, Attachment.length).where(
            Attachment.tenant_id == tenant_id, Attachment.sha2.in_(list(sha2s))
        )
    )
    return {row.sha2: row.length for row in rows}


def load(tenant_id: int, sha2s: Collection[str]) -> list[Outgoing]:
    """The data of ``sha2s`` that this tenant has, in the order given."""
    if not sha2s:
        return []
    rows = db.session.execute(
        select(Attachment.sha2, Attachment.content_type, Attachment.content).where(
            Attachment.tenant_id == tenant_id, Attachment.sha2.in_(list(sha2s))
        )
    )
    found = {row.sha2: Outgoing(row.sha2, row.content_type, bytes(row.content)) for row in rows}
    return [found[sha2] for sha2 in sha2s if sha2 in found]
