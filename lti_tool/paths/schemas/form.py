"""Reading flat HTML form fields named like JSON paths (``stages[0].steps[1].title.en``).

The editor names every input by where its value goes in the definition, so the definition's
field-level errors (``stages[0].steps[1].title``) land next to the input they concern.
``unflatten`` turns the fields into nested dicts keyed by name or list index; the converters
keep a value that is not of the expected type as the text that was typed, so the schema reports
it next to its field and the page shows it back for correction.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from werkzeug.datastructures import MultiDict

MAX_INDEX = 199  # a path has far fewer stages, steps or rows; more is not a form we wrote
_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)|\[(\d{1,3})\]|\.")
Tree = dict[Any, Any]


def unflatten(form: MultiDict[str, str]) -> Tree:
    """``{"stages": {0: {"key": ["core"], …}}}``: leaves are the lists of submitted values."""
    tree: Tree = {}
    for name in form:
        parts = _parts(name)
        if parts is None:
            continue
        node = tree
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[parts[-1]] = form.getlist(name)
    return tree


def _parts(name: str) -> list[str | int] | None:
    parts: list[str | int] = []
    position = 0
    while position < len(name):
        match = _PART.match(name, position)
        if match is None:
            return None
        if match[1] is not None:
            parts.append(match[1])
        elif match[2] is not None:
            if int(match[2]) > MAX_INDEX:
                return None
            parts.append(int(match[2]))
        position = match.end()
    return parts or None


def rows(node: Any) -> list[Tree]:
    """The numbered children of ``node`` in index order (form rows: steps, skills, questions)."""
    if not isinstance(node, dict):
        return []
    return [node[index] for index in sorted(k for k in node if isinstance(k, int))]


def value(node: Any, key: str, default: str = "") -> str:
    """The first submitted value of ``node[key]``, stripped."""
    values = node.get(key) if isinstance(node, dict) else None
    if not isinstance(values, list) or not values:
        return default
    return str(values[0]).strip()


def values(node: Any, key: str) -> list[str]:
    found = node.get(key) if isinstance(node, dict) else None
    return [str(v).strip() for v in found if str(v).strip()] if isinstance(found, list) else []


def text(node: Any, key: str) -> dict[str, str] | None:
    """A language map from ``key.en``, ``key.nl``… (languages left blank are left out)."""
    languages = node.get(key) if isinstance(node, dict) else None
    if not isinstance(languages, dict):
        return None
    found = {
        str(lang): value(languages, lang)
        for lang in languages
        if isinstance(lang, str) and value(languages, lang)
    }
    return found or None


def integer(raw: str) -> int | str | None:
    """Blank: ``None``; a whole number: ``int``; anything else stays text for the schema."""
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        return raw


def number(raw: str) -> float | int | str | None:
    if not raw:
        return None
    try:
        parsed = float(raw.replace(",", "."))  # Dutch writes 0,8
    except ValueError:
        return raw
    if parsed != parsed or parsed in (float("inf"), float("-inf")):  # NaN, infinities
        return raw
    return int(parsed) if parsed.is_integer() else parsed


def keys(raw: str) -> list[str]:
    """Keys separated by commas, spaces or new lines, without repeats."""
    found: list[str] = []
    for key in re.split(r"[\s,;]+", raw):
        if key and key not in found:
            found.append(key)
    return found


def slug(title: str, taken: set[str]) -> str:
    """A key from a title ("Handle a complaint" → "handle-a-complaint"), unique among ``taken``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:56] or "item"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key
