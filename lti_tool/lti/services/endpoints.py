"""Remembering the service endpoints a launch offers: the AGS endpoint of a graded resource link
(LTI AGS 2.0 §3.1) and the NRPS endpoint of its course (NRPS 2.0 §3.5) — a ``user_launched``
receiver.

The launch is LearnLoop's hottest path, and a link's claims are the same at nearly every launch.
So each worker remembers what it last wrote per link and per course, and a launch whose claims
it has seen costs nothing here. Otherwise one ``INSERT … ON CONFLICT DO UPDATE … WHERE changed``
writes the row only when the claim changed, inside the launch's transaction: a score posted
right after the launch finds its link. A course whose roster is older than
``LTI_ROSTER_MAX_AGE`` gets a sync job, started after the launch commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update

from lti_tool.core import signals
from lti_tool.core.cache import app_cache
from lti_tool.core.db import db, dialect_insert, utcnow
from lti_tool.lti.services import dispatch
from lti_tool.lti.services.models import AgsEndpoint, RosterSource

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
_MAX_URL = 2048
# How long a worker trusts what it wrote; a claim that changes in between is written by the
# next launch after that (or at once by any other worker).
_SEEN_TTL = 600.0
# A sync asked for at a launch is not asked for again by launches for this long.
REQUEST_GRACE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class AgsClaim:
    lineitems: str | None
    lineitem: str | None
    scopes: tuple[str, ...]


def parse_ags(value: Any) -> AgsClaim | None:
    """The AGS endpoint claim, or ``None`` when absent or unusable."""
    if not isinstance(value, dict):
        return None
    urls = [value.get(name) for name in ("lineitems", "lineitem")]
    urls = [u if isinstance(u, str) and 0 < len(u) <= _MAX_URL else None for u in urls]
    scopes = value.get("scope")
    if not isinstance(scopes, list) or not (urls[0] or urls[1]):
        return None
    return AgsClaim(urls[0], urls[1], tuple(sorted({s for s in scopes if isinstance(s, str)})))


def parse_memberships_url(value: Any) -> str | None:
    url = value.get("context_memberships_url") if isinstance(value, dict) else None
    return url if isinstance(url, str) and 0 < len(url) <= _MAX_URL else None


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def remember_ags(launch: Any, claim: AgsClaim) -> None:
    title = launch.resource_link_title if isinstance(launch.resource_link_title, str) else None
    title = title[:255] if title else None
    fingerprint = _fingerprint(
        launch.context_id, claim.lineitems, claim.lineitem, claim.scopes, title
    )
    seen = app_cache("lti.services.ags_seen", _SEEN_TTL)
    key = (launch.tenant_id, launch.resource_link_id)
    if seen.get(key, lambda: None) == fingerprint:
        return
    values = {
        "tenant_id": launch.tenant_id,
        "resource_link_id": launch.resource_link_id,
        "context_id": launch.context_id,
        "title": title,
        "lineitems_url": claim.lineitems,
        "lineitem_url": claim.lineitem,
        "scopes_json": json.dumps(list(claim.scopes)),
        # The claim's line item, or none yet: the delivery job finds or creates it again.
        "line_item_url": claim.lineitem,
        "fingerprint": fingerprint,
        "updated_at": utcnow(),
    }
    table = AgsEndpoint.__table__
    changed = {k: v for k, v in values.items() if k not in ("tenant_id", "resource_link_id")}
    statement = dialect_insert(table).values(values)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "resource_link_id"],
            set_=changed,
            where=table.c.fingerprint != statement.excluded.fingerprint,
        )
    )
    seen.discard(key)
    seen.get(key, lambda: fingerprint)


def remember_roster(launch: Any, url: str) -> None:
    """Record the course's NRPS endpoint; ask for a sync when its roster is stale."""
    max_age = int(current_app.config["LTI_ROSTER_MAX_AGE"])
    now = utcnow()
    seen = app_cache("lti.services.roster_seen", _SEEN_TTL)
    key = (launch.tenant_id, launch.context_id)
    known = seen.get(key, lambda: None)
    if known is not None and known[0] == url and now < known[1]:
        return
    source = db.session.execute(
        select(RosterSource.id, RosterSource.memberships_url, RosterSource.synced_at).where(
            RosterSource.context_id == launch.context_id, RosterSource.tenant_id == launch.tenant_id
        )
    ).one_or_none()
    if source is None or source.memberships_url != url:
        source_id = _write_source(launch, url, now)
        synced_at = None if source is None else source.synced_at
    else:
        source_id, synced_at = source.id, source.synced_at
    due_at = now + dt.timedelta(seconds=_SEEN_TTL)
    if max_age > 0:
        if synced_at is None or synced_at <= now - dt.timedelta(seconds=max_age):
            if _ask_for_sync(source_id, now):
                dispatch.after_commit("lti.sync_roster", source_id)
            due_at = now + REQUEST_GRACE
        else:
            due_at = min(due_at, synced_at + dt.timedelta(seconds=max_age))
    seen.discard(key)
    seen.get(key, lambda: (url, due_at))


def _write_source(launch: Any, url: str, now: dt.datetime) -> int:
    table = RosterSource.__table__
    values = {
        "tenant_id": launch.tenant_id,
        "context_id": launch.context_id,
        "memberships_url": url,
        "attempts": 0,
        "updated_at": now,
    }
    statement = dialect_insert(table).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["context_id"], set_={"memberships_url": url, "updated_at": now}
    )
    return int(db.session.execute(statement.returning(table.c.id)).scalar_one())


def _ask_for_sync(source_id: int, now: dt.datetime) -> bool:
    """Mark a sync as wanted; False when one was asked for moments ago (by another launch)."""
    result = db.session.execute(
        update(RosterSource)
        .where(
            RosterSource.id == source_id,
            or_(
                RosterSource.requested_at.is_(None), RosterSource.requested_at < now - REQUEST_GRACE
            ),
        )
        .values(requested_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def _on_user_launched(launch: Any, **_: Any) -> None:
    if launch.message_type != RESOURCE_LINK_REQUEST:
        return
    claim = parse_ags(launch.ags_endpoint)
    link = launch.resource_link_id
    if claim is not None and isinstance(link, str) and 0 < len(link) <= 255:
        remember_ags(launch, claim)
    url = parse_memberships_url(launch.names_roles_service)
    if url is not None:
        remember_roster(launch, url)


signals.user_launched.connect(_on_user_launched)
