"""Reading JSON the way xAPI asks: strictly.

Python's ``json`` keeps the last of two equal keys, accepts ``NaN``/``Infinity`` and turns
``1e999`` into ``inf``; xAPI forbids duplicate keys (1.0.3 Data 2.2.s2.b2, XAPI-00021) and JSON
has no non-finite numbers, so each of these is a :class:`BadJson` here.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any


class BadJson(ValueError):
    """The text is not the strict JSON xAPI accepts; the message says why."""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BadJson(f"the key {json.dumps(key)} appears twice in one JSON object")
        result[key] = value
    return result


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise BadJson(f"the number {text[:40]} is too large")
    return number


def _no_constant(name: str) -> Any:
    raise BadJson(f"{name} is not JSON")


# A JSON escape of a UTF-16 surrogate: fine in pairs (an emoji), not text on its own.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def strict_decoder() -> json.JSONDecoder:
    """A decoder with these rules, for reading JSON a piece at a time (``raw_decode``)."""
    return json.JSONDecoder(
        object_pairs_hook=_no_duplicate_keys, parse_float=_finite, parse_constant=_no_constant
    )


def loads(text: str | bytes) -> Any:
    """Parse UTF-8 JSON text strictly; raises :class:`BadJson`."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadJson(f"the body is not UTF-8 (byte {exc.start})") from exc
    text = text.removeprefix("\ufeff")  # a byte order mark is noise, not an error
    try:
        value = strict_decoder().decode(text)
    except BadJson:
        raise
    except RecursionError as exc:
        raise BadJson("the JSON is nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, and int() over Python's digit limit
        raise BadJson(str(exc)) from exc
    check_text(text, value)
    return value


def check_text(text: str, value: Any) -> None:
    """:class:`BadJson` if ``value``, parsed from ``text``, holds a lone surrogate escape."""
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(value)


def _refuse_lone_surrogates(value: Any) -> None:
    try:
        dumps(value).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadJson("a string holds a lone UTF-16 surrogate escape, which is not text") from exc
    except RecursionError as exc:
        raise BadJson("the JSON is nested too deeply") from exc


def dumps(value: Any) -> str:
    """Compact JSON text, key order kept, non-ASCII kept (every xAPI response is UTF-8)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
