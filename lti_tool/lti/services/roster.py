"""A course's roster from the platform (LTI NRPS 2.0): the ``lti.sync_roster`` job.

A sync reads every page of the course's membership container (``Link: rel="next"``), and only
when all pages were read does it change ``Membership``: people listed as Active who were not
members **join** (a ``User`` is made for those who never launched LearnLoop), members whose
roles differ get their new roles, and members no longer listed (or listed as Inactive or
Deleted) **leave** (``left_at``). Each of these is also written as a ``MembershipChange``. A
failed or partial read changes no membership: the sync is tried again with backoff.

Members of other deployments are ignored: when a member's ``message`` claims name a
deployment, one of them must be this tenant's. Nothing is read of another tenant: a roster
source belongs to one course of one tenant.

One sync per course runs at a time (a lease on the ``RosterSource`` row). This module commits:
it is the job boundary.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import requests
from flask import current_app
from sqlalchemy import or_, select, update

from lti_tool.core.db import db, utcnow
from lti_tool.lti.models import Deployment, Membership, Registration, User
from lti_tool.lti.products.ags import MEMBERSHIPS, MEMBERSHIPS_TYPE
from lti_tool.lti.roles import short_names
from lti_tool.lti.services.http import (
    Malformed,
    PlatformAccount,
    PlatformClient,
    ServiceError,
    json_of,
)
from lti_tool.lti.services.lineitems import with_params
from lti_tool.lti.services.models import MembershipChange, RosterSource
from lti_tool.lti.services.paging import next_link
from lti_tool.lti.services.tokens import PlatformTokens

log = logging.getLogger("learnloop.lti")
LEASE = dt.timedelta(minutes=10)
DELAY = dt.timedelta(minutes=5)
MAX_DELAY = dt.timedelta(hours=6)
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
_NAME_FIELDS = ("name", "given_name", "family_name", "email")

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class Member:
    sub: str
    roles: tuple[str, ...]
    details: dict[str, str]  # name, given_name, family_name, email as the platform shared them


@dataclass(frozen=True)
class Outcome:
    status: str  # "synced", "busy" (another worker syncs it), "failed", "gone"
    joined: int = 0
    left: int = 0
    roles_changed: int = 0
    members: int = 0
    error: str | None = None


def sync(source_id: int, *, clock: Clock = utcnow, http: requests.Session | None = None) -> Outcome:
    """Sync one course's roster now (unless another worker is)."""
    now = clock()
    if not _take_lease(source_id, now):
        exists = db.session.get(RosterSource, source_id) is not None
        return Outcome("busy" if exists else "gone")
    source = db.session.get(RosterSource, source_id)
    assert source is not None
    deployment = db.session.get(Deployment, source.tenant_id)
    registration = db.session.get(Registration, deployment.registration_id) if deployment else None
    assert deployment is not None and registration is not None
    try:
        members = _read_all(source.memberships_url, registration, deployment, http, clock)
    except ServiceError as exc:
        return _failed(source, exc, clock())
    changes = _apply(source, registration.id, members, clock())
    source.synced_at = clock()
    source.requested_at = None
    source.running_until = None
    source.next_attempt_at = None
    source.attempts = 0
    source.last_error = None
    source.member_count = len(members)
    db.session.commit()
    return changes


def sync_due(clock: Clock = utcnow) -> dict[str, str]:
    """Sync every course whose sync was asked for, or failed and is due again: course → status."""
    return {str(one): sync(one, clock=clock).status for one in due_sources(clock())}


def due_sources(now: dt.datetime) -> list[int]:
    """Courses whose sync was asked for (or failed) and may be tried now."""
    return list(
        db.session.scalars(
            select(RosterSource.id).where(
                RosterSource.requested_at.is_not(None),
                or_(RosterSource.next_attempt_at.is_(None), RosterSource.next_attempt_at <= now),
                or_(RosterSource.running_until.is_(None), RosterSource.running_until < now),
            )
        )
    )


def _take_lease(source_id: int, now: dt.datetime) -> bool:
    result = db.session.execute(
        update(RosterSource)
        .where(
            RosterSource.id == source_id,
            or_(RosterSource.running_until.is_(None), RosterSource.running_until < now),
        )
        .values(running_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _failed(source: RosterSource, exc: ServiceError, now: dt.datetime) -> Outcome:
    source.attempts += 1
    delay = min(DELAY * 2 ** min(source.attempts - 1, 20), MAX_DELAY)
    if exc.retry_after is not None:
        delay = max(delay, dt.timedelta(seconds=exc.retry_after))
    source.next_attempt_at = now + delay
    source.requested_at = source.requested_at or now  # so that the scheduled job tries again
    source.running_until = None
    source.last_error = str(exc)[:2000]
    db.session.commit()
    log.warning("NRPS: roster sync of course %s failed: %s", source.context_id, exc)
    return Outcome("failed", error=str(exc))


# -- reading -------------------------------------------------------------------------------------


def _read_all(
    url: str,
    registration: Registration,
    deployment: Deployment,
    http: requests.Session | None,
    clock: Clock,
) -> dict[str, Member]:
    config = current_app.config
    timeout = float(config["LTI_SERVICE_HTTP_TIMEOUT"])
    session = http or requests.Session()
    client = PlatformClient(
        PlatformTokens(PlatformAccount.of(registration), session, timeout, clock=clock),
        session,
        timeout,
    )
    page_url: str | None = with_params(url, {"limit": str(config["LTI_ROSTER_PAGE_SIZE"])})
    seen_pages: set[str] = set()
    members: dict[str, Member] = {}
    while page_url is not None:
        if page_url in seen_pages or len(seen_pages) >= config["LTI_ROSTER_MAX_PAGES"]:
            raise Malformed(f"GET {url}: the roster's pages do not end (read {len(seen_pages)})")
        seen_pages.add(page_url)
        response = client.get(page_url, (MEMBERSHIPS,), MEMBERSHIPS_TYPE)
        for member in _members(json_of(response, f"GET {page_url}"), page_url):
            if _of_deployment(member, deployment.deployment_id):
                parsed = _parse(member)
                if parsed is not None:
                    members[parsed.sub] = parsed
        page_url = next_link(response)
    return members


def _members(body: Any, url: str) -> list[Any]:
    members = body.get("members") if isinstance(body, dict) else None
    if not isinstance(members, list):
        raise Malformed(f"GET {url}: a membership container must have a members array")
    return members


def _of_deployment(member: Any, deployment_id: str) -> bool:
    if not isinstance(member, dict):
        return False
    messages = member.get("message")
    if not isinstance(messages, list):
        return True
    named = [m.get(DEPLOYMENT_CLAIM) for m in messages if isinstance(m, dict)]
    named = [d for d in named if d is not None]
    return not named or deployment_id in named


def _parse(member: dict[str, Any]) -> Member | None:
    """An Active member, or ``None`` (inactive, deleted, or not a usable entry)."""
    sub, roles = member.get("user_id"), member.get("roles")
    if not isinstance(sub, str) or not 0 < len(sub) <= 255 or not isinstance(roles, list):
        return None
    if member.get("status", "Active") != "Active":
        return None
    details = {
        name: member[name][: 320 if name == "email" else 255]
        for name in _NAME_FIELDS
        if isinstance(member.get(name), str) and member[name]
    }
    return Member(sub, tuple(sorted({str(r) for r in roles if isinstance(r, str)})), details)


# -- applying ------------------------------------------------------------------------------------


def _apply(
    source: RosterSource, registration_id: int, members: dict[str, Member], now: dt.datetime
) -> Outcome:
    users = _ensure_users(registration_id, members.values(), now)
    current = {
        m.user_id: m
        for m in db.session.scalars(
            select(Membership).where(
                Membership.tenant_id == source.tenant_id,
                Membership.context_id == source.context_id,
            )
        )
    }
    joined = left = changed = 0
    for sub, member in members.items():
        user_id = users[sub]
        roles_json = json.dumps(list(member.roles))
        membership = current.pop(user_id, None)
        if membership is None:
            membership = Membership(
                tenant_id=source.tenant_id,
                context_id=source.context_id,
                user_id=user_id,
                roles_json=roles_json,
                source="roster",
            )
            db.session.add(membership)
            _note(source, user_id, "joined", roles_json, now)
            joined += 1
        elif membership.has_left:
            membership.left_at = None
            _note(source, user_id, "joined", roles_json, now)
            joined += 1
        if short_names(membership.roles) != short_names(member.roles):
            # Launches may add institution roles the roster leaves out; compare course roles.
            membership.roles_json = roles_json
            membership.roles_changed_at = now
            _note(source, user_id, "roles", roles_json, now)
            changed += 1
        membership.roster_seen_at = now
    for membership in current.values():  # members the roster no longer lists
        if not membership.has_left:
            membership.left_at = now
            _note(source, membership.user_id, "left", membership.roles_json, now)
            left += 1
    db.session.flush()
    return Outcome("synced", joined, left, changed, len(members))


def _ensure_users(
    registration_id: int, members: Iterable[Member], now: dt.datetime
) -> dict[str, int]:
    """The user id of every member, making users for people who never launched."""
    by_sub = {m.sub: m for m in members}
    users: dict[str, User] = {}
    subs = list(by_sub)
    for start in range(0, len(subs), 500):
        chunk = subs[start : start + 500]
        users.update(
            (u.sub, u)
            for u in db.session.scalars(
                select(User).where(User.registration_id == registration_id, User.sub.in_(chunk))
            )
        )
    for sub, member in by_sub.items():
        user = users.get(sub)
        if user is None:
            user = users[sub] = User(registration_id=registration_id, sub=sub, created_at=now)
            db.session.add(user)
        for name, value in member.details.items():  # fill in; never blank what a launch told
            setattr(user, name, value)
    db.session.flush()
    return {sub: user.id for sub, user in users.items()}


def _note(source: RosterSource, user_id: int, kind: str, roles_json: str, now: dt.datetime) -> None:
    db.session.add(
        MembershipChange(
            tenant_id=source.tenant_id,
            context_id=source.context_id,
            user_id=user_id,
            kind=kind,
            roles_json=roles_json,
            changed_at=now,
        )
    )
