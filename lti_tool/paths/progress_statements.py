"""Statements as the progress engine reads them: who (the LTI user, once known, and the path
they are on), what (verb, activity, ``result.success`` and ``result.score.scaled``), when, and
how long (``result.duration``).

Read from xapi/'s tables (xapi/ knows nothing of paths): ``xapi_statement`` joined to
``xapi_actor`` for the user and to ``paths_enrolment`` for their path. The statement's JSON is
parsed only when it has a ``result``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, select

from lti_tool.paths.models import Enrolment
from xapi.models import Actor, Statement

# A statement's time counts for one sitting at most: a longer duration is a course's total
# time or a session left open, not learning done at that moment.
MAX_SECONDS = 8 * 3600
# ISO 8601 durations as xAPI allows them (1.0.3 Data 4.6): PnYnMnDTnHnMnS or PnW.
_DURATION = re.compile(
    r"P(?:(?P<Y>\d+(?:[.,]\d+)?)Y)?(?:(?P<Mo>\d+(?:[.,]\d+)?)M)?(?:(?P<W>\d+(?:[.,]\d+)?)W)?"
    r"(?:(?P<D>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<H>\d+(?:[.,]\d+)?)H)?(?:(?P<Mi>\d+(?:[.,]\d+)?)M)?(?:(?P<S>\d+(?:[.,]\d+)?)S)?)?"
)
_SECONDS = {"Y": 365 * 86400, "Mo": 30 * 86400, "W": 7 * 86400, "D": 86400}
_SECONDS |= {"H": 3600, "Mi": 60, "S": 1}


@dataclass(frozen=True, slots=True)
class Fact:
    statement_id: str
    verb: str
    activity: str | None
    occurred_at: dt.datetime
    user_id: int | None  # None: the actor is nobody known (yet)
    path_id: int | None  # None: the user is on no path
    voided: bool
    voids: str | None  # set on a voiding statement: the statement it voids
    success: bool | None
    scaled: float | None
    seconds: int | None  # from result.duration, at most MAX_SECONDS


def query() -> Select[Any]:
    """The columns a :class:`Fact` is made of, the row id first (add the ``where``)."""
    return (
        select(
            Statement.id,
            Statement.statement_id,
            Statement.verb_id,
            Statement.activity_id,
            Statement.timestamp,
            Actor.user_id,
            Enrolment.path_id,
            Statement.voided,
            Statement.voids_id,
            Statement.received,
        )
        .outerjoin(
            Actor,
            and_(Actor.tenant_id == Statement.tenant_id, Actor.actor_key == Statement.actor_key),
        )
        .outerjoin(
            Enrolment,
            and_(Enrolment.tenant_id == Statement.tenant_id, Enrolment.user_id == Actor.user_id),
        )
    )


def facts(rows: Iterable[Any]) -> list[Fact]:
    return [_fact(*row) for row in rows]


def _fact(
    _row_id: int,
    statement_id: str,
    verb: str,
    activity: str | None,
    timestamp: dt.datetime,
    user_id: int | None,
    path_id: int | None,
    voided: bool,
    voids: str | None,
    received: str,
) -> Fact:
    # Only a learner on a path can gain evidence or time: read the JSON for no one else.
    result = _result(received) if path_id is not None and not voided else {}
    score = result.get("score")
    success, duration = result.get("success"), result.get("duration")
    scaled = score.get("scaled") if isinstance(score, dict) else None
    return Fact(
        statement_id=statement_id,
        verb=verb,
        activity=activity,
        occurred_at=timestamp,
        user_id=user_id,
        path_id=path_id,
        voided=voided,
        voids=voids,
        success=success if isinstance(success, bool) else None,
        scaled=float(scaled) if isinstance(scaled, int | float) else None,
        seconds=duration_seconds(duration) if isinstance(duration, str) else None,
    )


def _result(received: str) -> dict[str, Any]:
    if '"result"' not in received:  # most statements have none: skip parsing the JSON
        return {}
    result = json.loads(received).get("result")
    return result if isinstance(result, dict) else {}


def duration_seconds(value: str) -> int | None:
    """Whole seconds of an ISO 8601 duration (years as 365 days, months as 30), capped at
    ``MAX_SECONDS``; ``None`` for zero or what is not a duration."""
    match = _DURATION.fullmatch(value)
    if match is None or value in ("P", "PT") or value.endswith("T"):
        return None
    seconds = sum(
        float(part.replace(",", ".")) * _SECONDS[name]
        for name, part in match.groupdict().items()
        if part is not None
    )
    return min(int(seconds), MAX_SECONDS) or None
