"""Strict validation of xAPI statements under the 1.0.3 and the 2.0 (IEEE 9274.1.1) rules.

*Validation* here means structure and formats, never meaning (1.0.3 Communication 3.0.s2):
every key is known, every value has its JSON type and format, and the rules that tie
properties together hold.  The rules, with their sources, are listed in
``../shared/notes/xapi-validation.md``; the code cites them next to each check.

Which rules apply comes from the request's X-Experience-API-Version header: ``1.0`` and
``1.0.0``–``1.0.3`` get the 1.0.3 rules, ``2.0.0`` the 2.0 rules, anything else raises
:class:`UnsupportedVersion`.

Errors name the property by path and the rule in words::

    statements[3].actor.mbox: must start with "mailto:"

:func:`validate_statements` prefixes paths with ``statements[i].`` whenever the body is an
array, even an array of one; a body that is a single statement object gets bare paths
(``actor.mbox``), as does :func:`validate_statement`.

JSON parsing is the caller's job, including rejecting duplicate keys (1.0.3 D2.2.s2.b2,
XAPI-00021), which ``json.loads`` would silently merge: parse with ``object_pairs_hook``.
"""

from __future__ import annotations

from typing import Any

from xapi.validation.errors import Error, StatementInvalid, UnsupportedVersion, prefixed
from xapi.validation.schemas import statement_errors
from xapi.validation.versions import HEADER_VALUES, RULES_1_0_3, RULES_2_0_0, rules_for

__all__ = [
    "HEADER_VALUES",
    "RULES_1_0_3",
    "RULES_2_0_0",
    "StatementInvalid",
    "UnsupportedVersion",
    "rules_for",
    "validate_statement",
    "validate_statements",
]


def validate_statement(data: object, version: str) -> None:
    """Check one statement against the rules of ``version`` (an X-Experience-API-Version value).

    Raises :class:`StatementInvalid` listing every broken rule, or :class:`UnsupportedVersion`.
    """
    errors = statement_errors(data, rules_for(version))
    if errors:
        raise StatementInvalid(errors)


def validate_statements(data: object, version: str) -> list[dict[str, Any]]:
    """Check a request body, one statement or an array of them, all or nothing.

    Returns the statements as a list, unchanged (the caller stores what was sent, 1.0.3
    D2.2.s2.b5).  Raises one :class:`StatementInvalid` holding the errors of every statement,
    paths prefixed ``statements[i].`` for an array, or :class:`UnsupportedVersion`.  An empty
    array is valid (CTS #274).  Two statements with the same ``id`` in one array are an error
    (1.0.3 Communication 2.1.2.s2.b6; 400 in the 2.0 CTS even when they are identical).
    """
    rules = rules_for(version)
    if isinstance(data, dict):
        validate_statement(data, version)
        return [data]
    if not isinstance(data, list):
        raise StatementInvalid(
            [("", "the body must be a statement (a JSON object) or an array of statements")]
        )
    errors: list[Error] = []
    first_seen: dict[str, int] = {}
    for index, statement in enumerate(data):
        errors += prefixed(f"statements[{index}]", statement_errors(statement, rules))
        errors += _repeated_id(index, statement, first_seen)
    if errors:
        raise StatementInvalid(errors)
    return list(data)


def _repeated_id(index: int, statement: object, first_seen: dict[str, int]) -> list[Error]:
    """Remember this statement's id; an error if an earlier statement in the request had it."""
    statement_id = statement.get("id") if isinstance(statement, dict) else None
    if not isinstance(statement_id, str):
        return []
    key = statement_id.lower()  # UUIDs compare case-insensitively (D4.4)
    if key not in first_seen:
        first_seen[key] = index
        return []
    message = (
        f"repeats the id of statements[{first_seen[key]}]; ids must be unique within a request"
    )
    return [(f"statements[{index}].id", message)]
