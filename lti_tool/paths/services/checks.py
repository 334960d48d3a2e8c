"""Checks shared by the services: keys and language-map texts, as the definition schema has them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from lti_tool.paths.definition import FieldError

_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
MAX_TEXT = 2000


def key_errors(field: str, value: Any) -> Iterator[FieldError]:
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        yield FieldError(
            field,
            "use 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit",
        )


def text_errors(field: str, value: Any, *, required: bool) -> Iterator[FieldError]:
    """A language map ``{"en": …, "nl": …}``; empty values count as absent."""
    if not isinstance(value, Mapping):
        yield FieldError(field, 'give a text per language, e.g. {"en": "…", "nl": "…"}')
        return
    filled = {k: v for k, v in value.items() if not (isinstance(v, str) and not v.strip())}
    if required and not filled:
        yield FieldError(field, "this text is required (in at least one language)")
    for language, text in filled.items():
        if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
            yield FieldError(f"{field}.{language}", "not a language tag such as 'en' or 'nl'")
        elif not isinstance(text, str) or len(text) > MAX_TEXT:
            yield FieldError(f"{field}.{language}", f"give text of at most {MAX_TEXT} characters")


def clean_text(value: Mapping[str, str]) -> dict[str, str]:
    """The filled entries of a checked language map, trimmed."""
    return {k: v.strip() for k, v in value.items() if isinstance(v, str) and v.strip()}


def dump_text(value: Mapping[str, str]) -> str:
    return json.dumps(dict(value), ensure_ascii=False, sort_keys=True)


def load_text(stored: str | None) -> dict[str, str]:
    """A stored language map (JSON); a plain string is English."""
    if not stored:
        return {}
    value = json.loads(stored)
    return dict(value) if isinstance(value, dict) else {"en": str(value)}
