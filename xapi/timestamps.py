"""xAPI timestamps as instants, and the LRS's own ``stored`` time.

The validator (:func:`xapi.validation.formats.check_timestamp`) decides what is well formed;
this module only turns a well-formed value into an aware UTC ``datetime``: extended or basic
ISO 8601, ``T``/``t``/space between date and time, optional seconds and fraction (``.`` or
``,``), and a missing zone read as UTC (see ``xapi-validation.md`` §9).
"""

from __future__ import annotations

import datetime as dt
import re

_TIMESTAMP = re.compile(
    r"(?P<y>\d{4})-?(?P<mo>\d{2})-?(?P<d>\d{2})[Tt ]"
    r"(?P<h>\d{2}):?(?P<mi>\d{2})(?::?(?P<s>\d{2}))?(?:[.,](?P<f>\d+))?"
    r"(?P<zone>[Zz]|(?P<sign>[+\-])(?P<zh>\d{2})(?::?(?P<zm>\d{2}))?)?"
)


def parse(value: str) -> dt.datetime:
    """The instant a well-formed xAPI timestamp names; ``ValueError`` for anything else."""
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        raise ValueError(f"not an ISO 8601 date and time: {value!r}")
    micro = int((match["f"] or "0")[:6].ljust(6, "0"))  # finer than µs is cut, never rounded
    offset = dt.timedelta(hours=int(match["zh"] or 0), minutes=int(match["zm"] or 0))
    zone = dt.timezone(-offset if match["sign"] == "-" else offset)
    fields = (match[name] for name in ("y", "mo", "d", "h", "mi"))
    local = dt.datetime(*map(int, fields), int(match["s"] or 0), micro, tzinfo=zone)
    return local.astimezone(dt.UTC)


def stored_now() -> dt.datetime:
    """Now, to the millisecond: ``stored`` as we return it is what a client sends back as ``since``."""
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def format_stored(instant: dt.datetime) -> str:
    """``2026-11-28T22:12:03.120Z``: RFC 3339 in UTC with milliseconds (1.0.3 Data 4.5)."""
    utc = instant.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
