"""The pull cursor of an LRS connection: how far :mod:`xapi.pulling` has read the LRS.

``pull_since`` is the ``stored`` time up to which every statement has been pulled; a walk
through ``more`` pages in progress is at ``pull_more``, having seen statements stored up to
``walk_high``, with the LRS's ``X-Experience-API-Consistent-Through`` at its start in
``walk_consistent`` (why both: see :mod:`xapi.pulling`). ``pull_generation`` counts the resets
(:func:`xapi.connections.reset_pull`): a pull writes the cursor only while the generation is
the one it read, so a reset is never written over by a pull that was walking the old cursor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import CursorResult, update

from lti_tool.core.db import db, utcnow
from xapi import timestamps
from xapi.lrs_client import Page
from xapi.models import LrsConnection


@dataclass(frozen=True)
class Cursor:
    since: dt.datetime | None
    more: str | None
    high: dt.datetime | None
    consistent: dt.datetime | None
    generation: int  # ``pull_generation`` when it was read

    @classmethod
    def of(cls, connection: LrsConnection) -> Cursor:
        return cls(
            connection.pull_since,
            connection.pull_more,
            connection.walk_high,
            connection.walk_consistent,
            connection.pull_generation,
        )


def advanced(cursor: Cursor, page: Page, starting: bool) -> Cursor:
    """The cursor past this page: ``since`` moves only when the walk is complete."""
    seen = [when for s in page.statements if (when := _stored(s)) is not None]
    high = max([*seen, *([cursor.high] if cursor.high else [])], default=None)
    consistent = page.consistent_through if starting else cursor.consistent
    if page.more:
        return replace(cursor, more=page.more, high=high, consistent=consistent)
    end = high
    if end is not None and consistent is not None:
        end = min(end, consistent)
    since = cursor.since
    if end is not None and (since is None or end > since):
        since = end
    return replace(cursor, since=since, more=None, high=None, consistent=None)


def save(connection_id: int, cursor: Cursor, read: Cursor) -> bool:
    """Write ``cursor``, unless a reset raised ``pull_generation`` since ``read`` was read.

    One conditional UPDATE, so there is no moment between checking and writing: a reset
    committed before it leaves no row to match, and on PostgreSQL one that comes after waits for
    this row's lock and then writes over it. Flushes, never commits.
    """
    return _update(
        connection_id,
        read.generation,
        pull_since=cursor.since,
        pull_more=cursor.more,
        walk_high=cursor.high,
        walk_consistent=cursor.consistent,
        last_pull_at=utcnow(),
        last_pull_error=None,
    )


def note_failure(connection_id: int, read: Cursor, message: str) -> None:
    """Keep why the pull failed (unless the cursor was reset meanwhile), and commit."""
    _update(connection_id, read.generation, last_pull_error=message[:2000])
    db.session.commit()


def since_param(instant: dt.datetime) -> str:
    """``since`` to the microsecond: the exact ``stored`` value we saw, never later."""
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _update(connection_id: int, generation: int, **values: Any) -> bool:
    result = db.session.execute(
        update(LrsConnection)
        .where(LrsConnection.id == connection_id, LrsConnection.pull_generation == generation)
        .values(**values)
        .execution_options(synchronize_session=False)  # the session's copy is expired instead
    )
    return cast(CursorResult[Any], result).rowcount == 1


def _stored(statement: Any) -> dt.datetime | None:
    value = statement.get("stored") if isinstance(statement, dict) else None
    try:
        return timestamps.parse(value) if isinstance(value, str) else None
    except ValueError:
        return None
