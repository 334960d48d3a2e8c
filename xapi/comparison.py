"""When two statements are *the same*: the spec's comparison, for re-sent ids (same → no-op,
different → 409) and for ids derived from content.

1.0.3 Data 2.3.1 (immutability) and its 2.0 list say a difference that the LRS could have made
is ignored; every other difference counts. Ignored here (``xapi-validation.md`` §5):

- ``id``, ``stored``, ``authority``, ``version``, ``attachments``;
- ``timestamp`` when either side lacks it (the LRS fills it in); otherwise compared as an
  instant, never as a string (D2.3.1.b4);
- Activity definitions and verb ``display`` (D2.3.1.b2–b3); a missing ``objectType`` and
  ``"Activity"`` (or ``"Agent"`` for an actor);
- the order of group members (D2.3.1.b5), and of contextActivities, a single one being the same
  as a one-element array (D2.4.6.2.s4);
- case where the value ignores case: e-mail domains, UUIDs, ``mbox_sha1sum``, the context
  language tag (D2.3.1.b7);
- duration digits after 0.01 s (D4.6.s1.b5; 2.0 CL:s24/s25). Durations otherwise compare as
  strings: ``PT120S`` is not ``PT2M`` (D2.3.1.b8).
"""

from __future__ import annotations

import json
import re
from typing import Any

from xapi import timestamps
from xapi.keys import normal_mbox

_NOT_COMPARED = frozenset({"id", "stored", "authority", "version", "attachments", "timestamp"})
_FRACTIONAL_SECONDS = re.compile(r"(\d+)[.,](\d+)S$")


def same_statement(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Whether ``second`` could be a re-send of ``first`` (both already valid)."""
    if normal_form(first) != normal_form(second):
        return False
    if "timestamp" not in first or "timestamp" not in second:
        return True
    return timestamps.parse(first["timestamp"]) == timestamps.parse(second["timestamp"])


def normal_form(statement: dict[str, Any]) -> dict[str, Any]:
    """What of a valid statement counts when comparing, top-level timestamp excepted."""
    return _statement_part(statement)


def canonical_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _statement_part(part: dict[str, Any]) -> dict[str, Any]:
    normal = {key: value for key, value in part.items() if key not in _NOT_COMPARED}
    normal["actor"] = _agent_or_group(part["actor"])
    normal["verb"] = {"id": part["verb"]["id"]}
    normal["object"] = _object(part["object"])
    if "context" in part:
        normal["context"] = _context(part["context"])
    if "result" in part:
        normal["result"] = _result(part["result"])
    return normal


def _agent_or_group(agent: dict[str, Any]) -> dict[str, Any]:
    normal = dict(agent)
    normal.setdefault("objectType", "Agent")
    if "mbox" in normal:
        normal["mbox"] = normal_mbox(normal["mbox"])
    if "mbox_sha1sum" in normal:
        normal["mbox_sha1sum"] = normal["mbox_sha1sum"].lower()
    if "member" in normal:
        members = [_agent_or_group(member) for member in normal["member"]]
        normal["member"] = sorted(members, key=canonical_text)
    return normal


def _object(target: dict[str, Any]) -> dict[str, Any]:
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        return {"objectType": "Activity", "id": target["id"]}
    if kind == "StatementRef":
        return {"objectType": "StatementRef", "id": target["id"].lower()}
    if kind == "SubStatement":
        normal = _statement_part(target)
        if "timestamp" in target:  # nobody fills it in for a SubStatement: absence counts
            normal["timestamp"] = timestamps.parse(target["timestamp"]).isoformat()
        return normal
    return _agent_or_group(target)


def _context(context: dict[str, Any]) -> dict[str, Any]:
    normal = dict(context)
    for key in ("registration", "language"):
        if key in normal:
            normal[key] = normal[key].lower()
    if "statement" in normal:
        normal["statement"] = _object(normal["statement"])
    for key in ("instructor", "team"):
        if key in normal:
            normal[key] = _agent_or_group(normal[key])
    if "contextActivities" in normal:
        normal["contextActivities"] = {
            kind: _activity_ids(activities)
            for kind, activities in normal["contextActivities"].items()
        }
    for key, inner in (("contextAgents", "agent"), ("contextGroups", "group")):
        if key in normal:
            normal[key] = [{**item, inner: _agent_or_group(item[inner])} for item in normal[key]]
    return normal


def _activity_ids(activities: Any) -> list[str]:
    listed = activities if isinstance(activities, list) else [activities]
    return sorted({activity["id"] for activity in listed})


def _result(result: dict[str, Any]) -> dict[str, Any]:
    normal = dict(result)
    if "duration" in normal:
        normal["duration"] = _FRACTIONAL_SECONDS.sub(_hundredths, normal["duration"])
    return normal


def _hundredths(match: re.Match[str]) -> str:
    fraction = match[2][:2].ljust(2, "0")  # truncate, never round (2.0 CTS 4.2.7)
    return f"{match[1]}S" if fraction == "00" else f"{match[1]}.{fraction}S"
