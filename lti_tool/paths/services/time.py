"""Protected learning time: minutes a learner spends learning, counted against their weekly goal.

Time comes from statements' ``result.duration`` (the progress jobs write it), from LearnLoop's
own activity (:func:`log_learnloop_time`, for other domains) and from entries the learner logs.
Weeks run Monday to Sunday, in UTC.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from lti_tool.core.db import db, insert_new, utcnow
from lti_tool.paths.definition import FieldError
from lti_tool.paths.models import Enrolment, TimeEntry
from lti_tool.paths.services.errors import FieldErrors
from lti_tool.paths.services.people import check_user

SELF, LEARNLOOP = "self", "learnloop"
MAX_ENTRY_MINUTES = 8 * 60
MAX_NOTE = 500
LOG_DAYS_BACK = 31  # how old a day the learner may still log time for


@dataclass(frozen=True)
class WeekTime:
    start: dt.date  # the Monday
    minutes_by_source: dict[str, int]  # statement | learnloop | self
    goal: int | None  # minutes; None when the learner is on no path

    @property
    def minutes(self) -> int:
        return sum(self.minutes_by_source.values())


def log_time(
    tenant_id: int,
    user_id: int,
    minutes: int,
    occurred_on: dt.date,
    note: str,
    today: dt.date | None = None,
) -> TimeEntry:
    """A learner logs time they spent learning (on ``occurred_on``, up to a month back)."""
    _check(minutes, occurred_on, note, today or utcnow().date())
    check_user(tenant_id, user_id)
    entry = TimeEntry(
        tenant_id=tenant_id,
        user_id=user_id,
        source=SELF,
        source_ref=str(uuid.uuid4()),
        seconds=minutes * 60,
        occurred_at=dt.datetime.combine(occurred_on, dt.time(12), dt.UTC),
        note=note.strip(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def log_learnloop_time(
    tenant_id: int, user_id: int, source_ref: str, minutes: int, occurred_at: dt.datetime
) -> bool:
    """Time a LearnLoop activity took (a slot attended, a card read): once per ``source_ref``.
    Whether it was new."""
    added = db.session.execute(
        insert_new(TimeEntry, ["tenant_id", "user_id", "source", "source_ref"]).returning(
            TimeEntry.id
        ),
        [
            {
                "tenant_id": tenant_id,
                "user_id": user_id,
                "source": LEARNLOOP,
                "source_ref": str(source_ref)[:64],
                "seconds": max(0, int(minutes)) * 60,
                "occurred_at": occurred_at,
                "note": "",
            }
        ],
    ).first()
    return added is not None


def week(tenant_id: int, user_id: int, today: dt.date) -> WeekTime:
    start = week_start(today)
    rows = db.session.execute(
        select(TimeEntry.source, func.sum(TimeEntry.seconds))
        .where(*_in_week(tenant_id, user_id, start))
        .group_by(TimeEntry.source)
    )
    goal = db.session.scalar(
        select(Enrolment.weekly_goal_minutes).where(
            Enrolment.tenant_id == tenant_id, Enrolment.user_id == user_id
        )
    )
    return WeekTime(start, {source: int(seconds) // 60 for source, seconds in rows}, goal)


def week_minutes(tenant_id: int, user_id: int, today: dt.date) -> int:
    seconds = db.session.scalar(
        select(func.coalesce(func.sum(TimeEntry.seconds), 0)).where(
            *_in_week(tenant_id, user_id, week_start(today))
        )
    )
    return int(seconds or 0) // 60


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _in_week(tenant_id: int, user_id: int, start: dt.date) -> list[object]:
    begin = dt.datetime.combine(start, dt.time(), dt.UTC)
    return [
        TimeEntry.tenant_id == tenant_id,
        TimeEntry.user_id == user_id,
        TimeEntry.occurred_at >= begin,
        TimeEntry.occurred_at < begin + dt.timedelta(days=7),
    ]


def _check(minutes: int, occurred_on: dt.date, note: str, today: dt.date) -> None:
    errors = []
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        errors.append(("minutes", "give a whole number of minutes"))
    elif not 1 <= minutes <= MAX_ENTRY_MINUTES:
        errors.append(("minutes", f"give from 1 to {MAX_ENTRY_MINUTES} minutes"))
    if not isinstance(occurred_on, dt.date) or occurred_on > today:
        errors.append(("occurred_on", "give a day that is not in the future"))
    elif occurred_on < today - dt.timedelta(days=LOG_DAYS_BACK):
        errors.append(("occurred_on", f"time can be logged up to {LOG_DAYS_BACK} days back"))
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        errors.append(("note", f"give a note of at most {MAX_NOTE} characters"))
    if errors:
        raise FieldErrors([FieldError(field, message) for field, message in errors])
