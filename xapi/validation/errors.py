"""Why a statement was refused: a list of ``(path, message)`` pairs.

A *path* names the property the way a person would look for it in the JSON:
``actor.mbox``, ``context.contextActivities.parent[0].id``, ``verb.display.en_US`` or, for keys
that are not plain names, ``object.definition.extensions["http://example.com/x"]``.  The empty
path means the statement (or request body) as a whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

Error = tuple[str, str]
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WHOLE_OBJECT = "_schema"  # marshmallow's key for errors about an object as a whole


class StatementInvalid(ValueError):
    """One or more statements break the xAPI rules; ``errors`` says where and why.

    ``str()`` gives one ``path: message`` per error, joined by ``"; "``, e.g.
    ``actor.mbox: must start with "mailto:"``.
    """

    def __init__(self, errors: Iterable[Error]) -> None:
        self.errors: list[Error] = list(errors)
        super().__init__("; ".join(format_error(path, message) for path, message in self.errors))


class UnsupportedVersion(ValueError):
    """The X-Experience-API-Version value names no xAPI version we validate."""

    def __init__(self, value: object, supported: Iterable[str]) -> None:
        self.value = value
        super().__init__(
            f"X-Experience-API-Version {json.dumps(value, default=repr)} is not supported; "
            f"send one of {', '.join(supported)}"
        )


def format_error(path: str, message: str) -> str:
    return f"{path}: {message}" if path else message


def join_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def flatten(messages: Any, path: str = "") -> list[Error]:
    """Turn marshmallow's nested error messages into ``(path, message)`` pairs, in order."""
    if isinstance(messages, str):
        return [(path, messages)]
    if isinstance(messages, list):
        return [error for message in messages for error in flatten(message, path)]
    errors: list[Error] = []
    for key, value in messages.items():
        errors += flatten(value, path if key == _WHOLE_OBJECT else join_path(path, key))
    return errors


def prefixed(prefix: str, errors: Iterable[Error]) -> list[Error]:
    """Put a batch position such as ``statements[3]`` in front of each path."""
    return [(f"{prefix}.{path}" if path else prefix, message) for path, message in errors]
