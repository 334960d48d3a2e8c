"""Throttling password guesses at the operator sign-in, per client address.

After ``LIMIT`` wrong passwords within ``WINDOW``, that address gets 429 (with Retry-After)
until the oldest of them ages out. Kept in the database, so every worker counts the same
guesses. A reverse proxy may rate-limit ``POST /operator/login`` as well: a wrong password is
always 401, a throttled address always 429.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, func, select

from lti_tool.core.db import db, utcnow
from lti_tool.operator.models import OperatorLoginFailure

LIMIT = 5
WINDOW = dt.timedelta(minutes=15)


def retry_after(client: str) -> int | None:
    """Seconds until ``client`` may try again, or ``None`` if it may try now."""
    since = utcnow() - WINDOW
    count, oldest = db.session.execute(
        select(func.count(), func.min(OperatorLoginFailure.failed_at)).where(
            OperatorLoginFailure.client == client[:64], OperatorLoginFailure.failed_at > since
        )
    ).one()
    if count < LIMIT or oldest is None:
        return None
    if oldest.tzinfo is None:  # SQLite's MIN() returns the stored text without its type
        oldest = oldest.replace(tzinfo=dt.UTC)
    return max(1, math.ceil((oldest + WINDOW - utcnow()).total_seconds()))


def record_failure(client: str) -> None:
    now = utcnow()
    db.session.add(OperatorLoginFailure(client=client[:64], failed_at=now))
    db.session.execute(
        delete(OperatorLoginFailure).where(OperatorLoginFailure.failed_at <= now - WINDOW)
    )
    db.session.flush()


def clear(client: str) -> None:
    db.session.execute(
        delete(OperatorLoginFailure).where(OperatorLoginFailure.client == client[:64])
    )
