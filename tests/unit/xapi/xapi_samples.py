"""Small valid statements to start from, and helpers to break them in one place."""

from __future__ import annotations

import copy
from typing import Any

from xapi.validation import StatementInvalid, validate_statement

V1 = "1.0.3"
V2 = "2.0.0"
VERSIONS = (V1, V2)

DELETE = object()  # as a value: remove the key instead of setting it

UUID = "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"
OTHER_UUID = "2e8f6a32-7c3b-4a3c-9f0e-6d1c52a3b7e1"
SHA256 = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"

AGENT: dict[str, Any] = {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.com"}
OTHER_AGENT: dict[str, Any] = {"account": {"homePage": "http://www.example.org", "name": "2"}}
ANONYMOUS_GROUP: dict[str, Any] = {"objectType": "Group", "member": [AGENT, OTHER_AGENT]}
IDENTIFIED_GROUP: dict[str, Any] = {"objectType": "Group", "openid": "http://example.com/teams/7"}
VERB: dict[str, Any] = {
    "id": "http://adlnet.gov/expapi/verbs/attempted",
    "display": {"en-US": "attempted"},
}
ACTIVITY: dict[str, Any] = {"objectType": "Activity", "id": "http://example.com/activities/museum"}
STATEMENT_REF: dict[str, Any] = {"objectType": "StatementRef", "id": UUID}
ATTACHMENT: dict[str, Any] = {
    "usageType": "http://example.com/attachment-usage/test",
    "display": {"en-US": "A test attachment"},
    "contentType": "text/plain; charset=ascii",
    "length": 27,
    "sha2": SHA256,
    "fileUrl": "http://over.there.com/file.txt",
}
CONTEXT_AGENT: dict[str, Any] = {
    "objectType": "contextAgent",
    "agent": AGENT,
    "relevantTypes": ["https://example.com/roles/instructor"],
}
CONTEXT_GROUP: dict[str, Any] = {"objectType": "contextGroup", "group": ANONYMOUS_GROUP}


def statement(**properties: Any) -> dict[str, Any]:
    """A valid minimal statement with ``properties`` set on top (copied, never shared);
    a property given as :data:`DELETE` is left out."""
    merged = {"actor": AGENT, "verb": VERB, "object": ACTIVITY, **properties}
    return copy.deepcopy({key: value for key, value in merged.items() if value is not DELETE})


def substatement(**properties: Any) -> dict[str, Any]:
    return {"objectType": "SubStatement", **statement(**properties)}


def changed(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``data`` with the value at ``path`` ("object.definition.name", "member.0")
    replaced, or removed when ``value`` is :data:`DELETE`; missing objects are created."""
    result = copy.deepcopy(data)
    *parents, last = path.split(".")
    target: Any = result
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target.setdefault(key, {})
    if value is DELETE:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = copy.deepcopy(value)
    else:
        target[last] = copy.deepcopy(value)
    return result


def errors(data: object, version: str) -> list[tuple[str, str]]:
    try:
        validate_statement(data, version)
    except StatementInvalid as invalid:
        return invalid.errors
    return []


def paths(data: object, version: str) -> list[str]:
    return [path for path, _ in errors(data, version)]
