"""``more``: the link to a query's next page (1.0.3 Data 2.5, Communication 2.1.3).

The link is relative (path only, as the spec asks; LearningLocker #501 got that wrong) and
carries a signed cursor: the tenant, the query (its filters, order, page size, ``format`` and
``attachments``) and where the last page ended. Signed, so it cannot be edited to see another
tenant's rows; timed, so it works for ``XAPI_MORE_TTL`` (at least the 24 hours the spec asks
for).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from flask import current_app, url_for

from lti_tool.core.security import TokenError, sign, unsign
from xapi.errors import BadRequest
from xapi.params import Query, Shape
from xapi.reading import Filters, Position

_SALT = "xapi-more"


def more_url(tenant_id: int, query: Query, after: Position) -> str:
    stored, row_id = after
    cursor = {
        "t": tenant_id,
        "f": {k: _plain(v) for k, v in asdict(query.filters).items() if v is not None},
        "a": query.ascending,
        "l": query.limit,
        "s": [query.shape.format, query.shape.attachments],
        "k": [stored.isoformat(), row_id],
    }
    return url_for("xapi.more", cursor=sign(cursor, _SALT))


def read(cursor: str, tenant_id: int) -> tuple[Query, Position]:
    """The query and position in a ``more`` link, for the tenant asking; 400 otherwise."""
    try:
        data = unsign(cursor, _SALT, current_app.config["XAPI_MORE_TTL"])
    except TokenError as exc:
        raise BadRequest("This more link is not valid or has expired; query again.") from exc
    if data["t"] != tenant_id:
        raise BadRequest("This more link is not valid or has expired; query again.")
    filters = {k: _datetime(v) if k in ("since", "until") else v for k, v in data["f"].items()}
    shape = Shape(*data.get("s", ()))
    query = Query(Filters(**filters), ascending=data["a"], limit=data["l"], shape=shape)
    stored, row_id = data["k"]
    return query, (dt.datetime.fromisoformat(stored), int(row_id))


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _datetime(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)
