"""Confirmation: a learner asks a colleague to confirm the write-up of an "apply" step that
``needs_confirmation``; the colleague confirms it (the step is then done, evidence source
"reflection") or declines with an optional note for the learner.

A colleague is someone who launched LearnLoop in the learner's course, other than the learner.
Requests are seen inside LearnLoop's own pages (an LMS iframe may withhold cookies, so a link
in a new tab would have no session): on the colleague's "My learning" and their requests page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from lti_tool.core.db import db, utcnow
from lti_tool.lti.models import Membership, User
from lti_tool.paths.definition import Step
from lti_tool.paths.models import Reflection
from lti_tool.paths.services import path_versions, reflections
from lti_tool.paths.services.enrolment import enrolment_of
from lti_tool.paths.services.errors import FieldErrors, NotAllowed, NotFound
from lti_tool.paths.services.people import names

MAX_NOTE = 500


class OwnWriteUp(NotAllowed):
    """A learner answering a request about their own write-up."""


@dataclass(frozen=True)
class Colleague:
    id: int
    name: str


@dataclass(frozen=True)
class WriteUp:
    """The learner's write-up of an apply step and where its confirmation stands."""

    answer: str
    asked: str | None  # the colleague's name
    asked_at: dt.datetime | None
    declined_at: dt.datetime | None
    note: str


@dataclass(frozen=True)
class Request:
    """A write-up a colleague was asked to confirm."""

    reflection_id: int
    learner: str
    step_title: dict[str, str]
    answer: str
    asked_at: dt.datetime


def colleagues(tenant_id: int, context_id: int, user_id: int) -> list[Colleague]:
    """Who launched LearnLoop in this course (and is still in it), the learner excepted."""
    users = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.tenant_id == tenant_id,
            Membership.context_id == context_id,
            Membership.last_launch_at.is_not(None),
            Membership.left_at.is_(None),
            User.id != user_id,
        )
    )
    return sorted((Colleague(u.id, u.display_name) for u in users), key=lambda c: c.name.lower())


def ask(tenant_id: int, user_id: int, context_id: int, step_key: str, colleague_id: int) -> None:
    """Ask a colleague to confirm the learner's write-up of a step (again: asks anew)."""
    reflection, step = _write_up(tenant_id, user_id, step_key)
    if step is None or not step.needs_confirmation:
        raise FieldErrors.one("step", "this step is not one a colleague confirms")
    if reflection is None:
        raise FieldErrors.one("write_up", "write the step up before asking a colleague")
    if reflection.confirmed_at is not None:
        raise FieldErrors.one("confirmed", "a colleague confirmed this write-up already")
    if colleague_id not in {c.id for c in colleagues(tenant_id, context_id, user_id)}:
        raise FieldErrors.one("colleague", f"user {colleague_id} is no colleague in this course")
    reflection.confirmation_asked_of, reflection.confirmation_asked_at = colleague_id, utcnow()
    reflection.confirmation_declined_at = reflection.confirmation_note = None
    db.session.flush()


def confirm(tenant_id: int, colleague_id: int, reflection_id: int) -> Reflection:
    """The asked colleague confirms: the step is done (:func:`.reflections.confirm`)."""
    reflection = _asked(tenant_id, colleague_id, reflection_id)
    reflection.confirmation_declined_at = reflection.confirmation_note = None
    return reflections.confirm(tenant_id, colleague_id, reflection.id)


def decline(tenant_id: int, colleague_id: int, reflection_id: int, note: str) -> Reflection:
    """The asked colleague declines, with an optional note; the learner may ask again."""
    reflection = _asked(tenant_id, colleague_id, reflection_id)
    if reflection.confirmed_at is not None:
        raise FieldErrors.one("confirmed", "this write-up is confirmed already")
    if len(note) > MAX_NOTE:
        raise FieldErrors.one("note", f"write a note of at most {MAX_NOTE} characters")
    reflection.confirmation_declined_at, reflection.confirmation_note = utcnow(), note.strip()
    db.session.flush()
    return reflection


def _open_requests(tenant_id: int, colleague_id: int) -> Any:
    return (
        Reflection.tenant_id == tenant_id,
        Reflection.confirmation_asked_of == colleague_id,
        Reflection.confirmed_at.is_(None),
        Reflection.confirmation_declined_at.is_(None),
    )


def count_requests(tenant_id: int, colleague_id: int) -> int:
    """How many write-ups wait for this colleague to confirm them."""
    query = select(func.count()).where(*_open_requests(tenant_id, colleague_id))
    return db.session.scalar(query) or 0


def requests_for(tenant_id: int, colleague_id: int) -> list[Request]:
    """The write-ups this colleague was asked to confirm and has not answered, oldest first."""
    rows = list(
        db.session.scalars(
            select(Reflection)
            .where(*_open_requests(tenant_id, colleague_id))
            .order_by(Reflection.confirmation_asked_at, Reflection.id)
        )
    )
    learners = names(tenant_id, {r.user_id for r in rows})
    titles = _step_titles(tenant_id, {r.path_id for r in rows})
    return [
        Request(
            reflection_id=r.id,
            learner=learners.get(r.user_id, ""),
            step_title=titles.get((r.path_id, r.question_key), {"en": r.question_key}),
            answer=r.answer,
            asked_at=r.confirmation_asked_at or r.updated_at,
        )
        for r in rows
    ]


def write_ups(tenant_id: int, user_id: int, path_id: int) -> dict[str, WriteUp]:
    """The learner's write-ups on this path by step key (stage answers included, unused)."""
    rows = list(
        db.session.scalars(
            select(Reflection).where(
                Reflection.tenant_id == tenant_id,
                Reflection.user_id == user_id,
                Reflection.path_id == path_id,
            )
        )
    )
    asked = names(tenant_id, {r.confirmation_asked_of for r in rows if r.confirmation_asked_of})
    return {
        r.question_key: WriteUp(
            answer=r.answer,
            asked=asked.get(r.confirmation_asked_of) if r.confirmation_asked_of else None,
            asked_at=r.confirmation_asked_at,
            declined_at=r.confirmation_declined_at,
            note=r.confirmation_note or "",
        )
        for r in rows
    }


def _write_up(tenant_id: int, user_id: int, step_key: str) -> tuple[Reflection | None, Step | None]:
    enrolment = enrolment_of(tenant_id, user_id)
    definition = path_versions.current(tenant_id, enrolment.path_id) if enrolment else None
    if enrolment is None or definition is None:
        raise NotFound(f"user {user_id} is on no path")
    step = next((s for s in definition.steps() if s.key == step_key and s.kind == "apply"), None)
    reflection = db.session.scalars(
        select(Reflection).where(
            Reflection.tenant_id == tenant_id,
            Reflection.user_id == user_id,
            Reflection.path_id == enrolment.path_id,
            Reflection.question_key == step_key,
        )
    ).one_or_none()
    return reflection, step


def _asked(tenant_id: int, colleague_id: int, reflection_id: int) -> Reflection:
    reflection = db.session.get(Reflection, reflection_id)
    if reflection is None or reflection.tenant_id != tenant_id:
        raise NotFound(f"no reflection {reflection_id}")
    if reflection.user_id == colleague_id:
        raise OwnWriteUp(f"user {colleague_id} would confirm their own write-up")
    if reflection.confirmation_asked_of != colleague_id:
        raise NotAllowed(f"user {colleague_id} was not asked to confirm {reflection_id}")
    return reflection


def _step_titles(tenant_id: int, path_ids: set[int]) -> dict[tuple[int, str], dict[str, str]]:
    titles = {}
    for path_id in path_ids:
        definition = path_versions.current(tenant_id, path_id)
        for step in definition.steps() if definition else ():
            titles[(path_id, step.key)] = step.title
    return titles
