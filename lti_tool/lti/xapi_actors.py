"""Who an xAPI actor is, in LTI terms: from xapi/'s actor keys to LTI users.

xapi/ records each actor key it sees (:mod:`xapi.actors`) and knows nothing of LTI; identity
is this package's business, so the matching lives here, within the tenant's registration:

- ``account{homePage, name}``: homePage is the platform's issuer (a trailing slash aside) and
  name the user's LTI ``sub``. Moodle's xAPI logstore writes exactly that: its site URL, which
  is Moodle's LTI issuer, and the Moodle user id, which is the LTI sub.
- ``mbox`` / ``mbox_sha1sum``: the e-mail address the platform shared at launch, when only one
  person of the registration has it.
- an administrator's explicit mapping comes first.

It runs at three moments, all signals: while statements are stored, for actor keys this
process has not settled (``actors_seen``: the answers go in with the actors' rows, in the same
transaction, a query per kind of key however many keys); after they are recorded, for keys
still never looked at (none, when the statements were stored in a process where this package
answers ``actors_seen``); and at every launch, for keys of the launching person still waiting
for them.
The launch is the hot path: a tenant with no unresolved actor costs it no query at all (a
per-process flag, see :func:`_anything_waiting`), and otherwise one indexed lookup of this
person's candidate keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select

from lti_tool.core import signals
from lti_tool.core.cache import app_cache
from lti_tool.core.db import after_commit, commit_or_rollback, db
from lti_tool.lti.models import Deployment, Registration, User
from xapi import actors
from xapi import keys as keys_module
from xapi.models import Actor

ACCOUNT, MBOX, MBOX_SHA1SUM = "account", "mbox", "mbox_sha1sum"
# How long a worker trusts "this tenant has no unresolved actor". New actor keys looked up in
# this process clear it at once; ones looked up by another worker (or a pull job) reach the
# launches of this one within this delay. A key missed that way is attached at the person's
# next launch.
_WAITING_TTL = 30.0
_REGISTRATION_TTL = 60.0  # stale only if a tenant is deleted and its id reused (SQLite)


def resolve_new_actors(tenant_id: int, statement_ids: Sequence[str]) -> dict[str, actors.Answer]:
    """Match the never-looked-at actors of these statements: the answer for each (a user, or
    nobody yet). A few queries however many keys; none when every actor is settled (as every
    actor whose statements were stored in this process is: :func:`_on_actors_seen`)."""
    unchecked = actors.unchecked(tenant_id, statement_ids)
    if not unchecked:
        return {}
    answers = actors.who_are(tenant_id, unchecked)
    actors.record_checks(tenant_id, answers)
    return answers


def who_is(tenant_id: int, keys: Sequence[str]) -> dict[str, actors.Answer]:
    """The LTI user of each of these actor keys, if there is one yet: an answer for every key."""
    return _Matcher(_registration_of(tenant_id)).match_all(keys)


def attach_launching_user(tenant_id: int, user_id: int) -> int:
    """Give this person the actors that were waiting for them; how many."""
    if not _anything_waiting(tenant_id):
        return 0
    row = db.session.execute(
        select(User.sub, User.email, User.registration_id, Registration.issuer)
        .join(Registration, User.registration_id == Registration.id)
        .where(User.id == user_id)
    ).one_or_none()
    if row is None:
        return 0
    candidates = _candidate_keys(row.issuer, row.sub, row.email)
    # One lookup on the (tenant_id, actor_key) unique index: which of them are still unknown.
    waiting = set(
        db.session.scalars(
            select(Actor.actor_key).where(
                Actor.tenant_id == tenant_id,
                Actor.actor_key.in_(candidates),
                Actor.user_id.is_(None),
            )
        )
    )
    found = {key: how for key, how in candidates.items() if key in waiting}
    if any(how != ACCOUNT for how in found.values()) and (
        len(_users_with_email(row.registration_id, row.email)) != 1
    ):  # an address two people share is nobody's
        found = {key: how for key, how in found.items() if how == ACCOUNT}
    return actors.attach(tenant_id, user_id, found) if found else 0


def _anything_waiting(tenant_id: int) -> bool:
    """Whether the tenant has actors nobody is known for (cached per process, see above)."""
    return bool(
        app_cache("xapi.actors_waiting", _WAITING_TTL).get(
            tenant_id,
            lambda: db.session.scalar(
                select(exists().where(Actor.tenant_id == tenant_id, Actor.user_id.is_(None)))
            ),
        )
    )


def user_in_tenant(tenant_id: int, sub: str) -> int | None:
    """The user with this LTI sub in the tenant's registration (for ``learnloop xapi``)."""
    registration = _registration_of(tenant_id)
    return db.session.scalar(
        select(User.id).where(User.registration_id == registration.id, User.sub == sub)
    )


def _candidate_keys(issuer: str, sub: str, email: str | None) -> dict[str, str]:
    """The actor keys that would be this person (key → how it matches)."""
    site = issuer.rstrip("/")
    found = {keys_module.account_key(url, sub): ACCOUNT for url in (site, site + "/")}
    for address in {email, email.lower()} if email else ():
        found[keys_module.mbox_key(address)] = MBOX
        found[keys_module.mbox_sha1sum_key(address)] = MBOX_SHA1SUM
    return found


class _Matcher:
    """Matches actor keys to the users of one registration, a query per kind of key."""

    def __init__(self, registration: _Registration) -> None:
        self.registration = registration

    def match_all(self, keys: Sequence[str]) -> dict[str, actors.Answer]:
        parsed = {key: keys_module.parse(key) for key in keys}
        site = self.registration.issuer.rstrip("/")
        subs = {
            key: name
            for key, (ifi, home_page, name) in parsed.items()
            if ifi == ACCOUNT and home_page.rstrip("/") == site
        }
        emails = {  # compared without case, as at launch
            key: value.removeprefix("mailto:").lower()
            for key, (ifi, value, _) in parsed.items()
            if ifi == MBOX
        }
        hashed = {key: value for key, (ifi, value, _) in parsed.items() if ifi == MBOX_SHA1SUM}
        by_sub = self._users_by_sub(set(subs.values()))
        by_email = self._users_by_email(set(emails.values()))
        by_sha1 = self._email_sha1s() if hashed else {}
        answers: dict[str, actors.Answer] = {}
        for key, (ifi, _, _) in parsed.items():
            if key in subs:
                user_id = by_sub.get(subs[key])
            elif key in emails:
                user_id = by_email.get(emails[key])
            else:
                user_id = by_sha1.get(hashed.get(key, ""))
            answers[key] = (user_id, ifi) if user_id is not None else (None, None)
        return answers

    def _users_by_sub(self, subs: set[str]) -> dict[str, int]:
        if not subs:
            return {}
        users = User.__table__.c  # Core columns: this runs when new actors are stored
        rows = db.session.execute(
            select(users.sub, users.id).where(
                users.registration_id == self.registration.id, users.sub.in_(sorted(subs))
            )
        )
        return {sub: user_id for sub, user_id in rows}

    def _users_by_email(self, addresses: set[str]) -> dict[str, int | None]:
        """Lower-cased address → its one user; an address two people share is nobody's."""
        if not addresses:
            return {}
        # lower(email) has no index: a scan of the registration's users. Only a batch with an
        # mbox never looked up before gets here, never an ordinary launch.
        rows = db.session.execute(
            select(func.lower(User.email), User.id).where(
                User.registration_id == self.registration.id,
                func.lower(User.email).in_(addresses),
            )
        )
        found: dict[str, int | None] = {}
        for address, user_id in rows:
            found[address] = user_id if address not in found else None
        return found

    def _email_sha1s(self) -> dict[str, int | None]:
        """SHA-1 of ``mailto:<email>`` (as given, and lower-cased) → user; None if shared."""
        by_sha1: dict[str, int | None] = {}
        rows = db.session.execute(
            select(User.id, User.email).where(
                User.registration_id == self.registration.id, User.email.is_not(None)
            )
        )
        for user_id, email in rows:
            for address in {email, email.lower()}:
                digest = hashlib.sha1(f"mailto:{address}".encode(), usedforsecurity=False)
                known = by_sha1.setdefault(digest.hexdigest(), user_id)
                if known != user_id:
                    by_sha1[digest.hexdigest()] = None
        return by_sha1


def _users_with_email(registration_id: int, email: str | None) -> list[int]:
    # lower(email) has no index: a scan of the registration's users. Only an mbox key that is
    # waiting for someone gets here, never an ordinary launch.
    if not email:
        return []
    return list(
        db.session.scalars(
            select(User.id)
            .where(User.registration_id == registration_id)
            .where(func.lower(User.email) == email.lower())
            .limit(2)
        )
    )


@dataclass(frozen=True)
class _Registration:
    id: int
    issuer: str


def _registration_of(tenant_id: int) -> _Registration:
    """The tenant's registration (cached per process: a tenant never changes registration, nor
    a registration its issuer)."""
    found = app_cache("lti.tenant_registration", _REGISTRATION_TTL).get(
        tenant_id, lambda: _load_registration(tenant_id)
    )
    assert found is not None, f"no tenant {tenant_id}"
    return found


def _load_registration(tenant_id: int) -> _Registration | None:
    row = db.session.execute(
        select(Registration.id, Registration.issuer)
        .join(Deployment, Deployment.registration_id == Registration.id)
        .where(Deployment.id == tenant_id)
    ).one_or_none()
    return _Registration(row.id, row.issuer) if row else None


def _on_actors_seen(tenant_id: int, keys: Sequence[str], **_: Any) -> dict[str, actors.Answer]:
    answers = who_is(tenant_id, keys)
    if any(user_id is None for user_id, _how in answers.values()):
        # These keys wait for their person's launch once committed: launches must look again.
        after_commit(lambda: app_cache("xapi.actors_waiting", _WAITING_TTL).discard(tenant_id))
    return answers


def settle_recorded(tenant_id: int, statement_ids: Sequence[str]) -> None:
    """Look up the never-looked-at actors of statements already committed, as its own unit of
    work (idempotent; no query once they are settled). Other domains' jobs that need to know
    who a batch is about call it first."""
    _on_statements_recorded(tenant_id, statement_ids)


def _on_statements_recorded(tenant_id: int, statement_ids: Sequence[str], **_: Any) -> None:
    with commit_or_rollback():  # after the listener's commit: this is its own unit of work
        answers = resolve_new_actors(tenant_id, statement_ids)
    if answers:
        app_cache("xapi.actors_waiting", _WAITING_TTL).discard(tenant_id)  # new keys may wait
        actors.known_keys().settle(tenant_id, answers)  # committed: never looked up again


def _on_user_launched(launch: Any, **_: Any) -> None:
    attach_launching_user(launch.tenant_id, launch.user_id)  # the launch request commits


signals.actors_seen.connect(_on_actors_seen)
signals.statements_recorded.connect(_on_statements_recorded)
signals.user_launched.connect(_on_user_launched)
