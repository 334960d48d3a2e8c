"""Whatever JSON arrives, the validator answers with StatementInvalid, never a crash.

Every value in a statement that uses nearly every property is replaced, one at a time, by
values of the wrong type; each attempt must end in acceptance or in ``StatementInvalid``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from xapi_samples import (
    ACTIVITY,
    AGENT,
    ANONYMOUS_GROUP,
    ATTACHMENT,
    CONTEXT_AGENT,
    CONTEXT_GROUP,
    IDENTIFIED_GROUP,
    STATEMENT_REF,
    UUID,
    VERSIONS,
    statement,
    substatement,
)

from xapi.validation import StatementInvalid, validate_statement

INTERACTION = {
    **ACTIVITY,
    "definition": {
        "name": {"en": "Pick one"},
        "interactionType": "choice",
        "choices": [{"id": "a"}],
        "correctResponsesPattern": ["a"],
        "extensions": {"http://example.com/x": 1},
    },
}
RICH = statement(
    id=UUID,
    authority=ANONYMOUS_GROUP,
    version="1.0.3",
    timestamp="2015-06-10T14:31:41Z",
    stored="2015-06-10T14:31:41Z",
    result={"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "duration": "PT1S"},
    context={
        "registration": UUID,
        "instructor": AGENT,
        "team": IDENTIFIED_GROUP,
        "contextActivities": {"parent": [ACTIVITY], "other": ACTIVITY},
        "statement": STATEMENT_REF,
        "contextAgents": [CONTEXT_AGENT],
        "contextGroups": [CONTEXT_GROUP],
    },
    attachments=[ATTACHMENT],
    object=substatement(object=INTERACTION, context={"language": "en"}),
)
ODD_VALUES = [None, [], {}, 5, 1.5, float("nan"), "x", "", True, [None], {"objectType": ["Agent"]}]


def _paths(node: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        yield from _paths(child, (*path, key))


def _replaced(path: tuple, value: Any) -> Any:
    if not path:
        return value
    data = copy.deepcopy(RICH)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "path", list(_paths(RICH)), ids=lambda path: ".".join(map(str, path)) or "root"
)
def test_a_value_of_the_wrong_type_anywhere_gives_statement_invalid_not_a_crash(
    version: str, path: tuple
) -> None:
    for value in ODD_VALUES:
        try:
            validate_statement(_replaced(path, value), version)
        except StatementInvalid as invalid:
            assert all(isinstance(message, str) for _, message in invalid.errors)


def test_the_statement_being_broken_is_itself_valid_under_2_0() -> None:
    validate_statement(RICH, "2.0.0")
