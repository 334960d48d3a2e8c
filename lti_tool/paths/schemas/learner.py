"""The learner's forms: a reflection, the branch, the weekly goal, and logged learning time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from lti_tool.paths.definition import BRANCHES, FieldError
from lti_tool.paths.schemas import FormInvalid
from lti_tool.paths.services.time import LOG_DAYS_BACK

MAX_ANSWER = 10_000
MAX_NOTE = 500
GOAL_RANGE = (15, 1200)  # minutes a week: a quarter of an hour up to twenty hours
MINUTES_RANGE = (1, 480)  # one entry: up to a working day
OLDEST_ENTRY = dt.timedelta(days=LOG_DAYS_BACK)


def _one(field: str, message: str) -> FormInvalid:
    return FormInvalid([FieldError(field, message)])


def answer(form: MultiDict[str, str]) -> tuple[str, str]:
    """(question key, answer text)."""
    text = form.get("answer", "").strip()
    if not text:
        raise _one("answer", _("Write your answer before saving it."))
    if len(text) > MAX_ANSWER:
        raise _one("answer", _("At most %(n)s characters.", n=MAX_ANSWER))
    return form.get("question", "").strip(), text


def branch(form: MultiDict[str, str], offered: tuple[str, ...]) -> str:
    chosen = form.get("branch", "")
    if chosen not in BRANCHES or chosen not in offered:
        raise _one("branch", _("Choose one of the branches this path offers."))
    return chosen


def weekly_goal(form: MultiDict[str, str]) -> int:
    low, high = GOAL_RANGE
    raw = form.get("goal.minutes", "").strip()
    if not raw.isdigit() or not low <= int(raw) <= high:
        message = _("Enter minutes per week from %(low)s to %(high)s.", low=low, high=high)
        raise _one("goal.minutes", message)
    return int(raw)


@dataclass(frozen=True)
class LoggedTime:
    minutes: int
    day: dt.date
    note: str


def logged_time(form: MultiDict[str, str], today: dt.date) -> LoggedTime:
    errors = []
    low, high = MINUTES_RANGE
    raw = form.get("log.minutes", "").strip()
    if not raw.isdigit() or not low <= int(raw) <= high:
        message = _("Enter the minutes you spent, from %(low)s to %(high)s.", low=low, high=high)
        errors.append(FieldError("log.minutes", message))
    try:
        day = dt.date.fromisoformat(form.get("log.day", "").strip())
    except ValueError:
        day = None
        errors.append(FieldError("log.day", _("Enter the date as year-month-day.")))
    if day is not None and not today - OLDEST_ENTRY <= day <= today:
        message = _("Choose a day of the last %(days)s days.", days=LOG_DAYS_BACK)
        errors.append(FieldError("log.day", message))
    note = form.get("log.note", "").strip()
    if len(note) > MAX_NOTE:
        errors.append(FieldError("log.note", _("At most %(n)s characters.", n=MAX_NOTE)))
    if errors or day is None:
        raise FormInvalid(errors)
    return LoggedTime(int(raw), day, note)
