"""Every statement validated in these tests is also judged by the schemas alone.

The validator answers most statements with the quick check compiled from the schemas
(:mod:`xapi.validation.quick`) and asks the schemas only when it is not sure. Here each quick
answer is compared with the schemas' own verdict, so every conformance case below (valid and
invalid, both versions, the Moodle fixtures) is also a differential test: the two must agree
on valid/invalid for every input.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from xapi.validation import schemas
from xapi.validation.quick import Check


@pytest.fixture(autouse=True)
def quick_check_agrees_with_the_schemas(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for rules, quick in list(schemas.QUICK_CHECKS.items()):
        monkeypatch.setitem(schemas.QUICK_CHECKS, rules, _compared(rules, quick))
    yield


def _compared(rules: str, quick: Check) -> Check:
    def check(statement: Any) -> bool:
        said = quick(statement)
        errors = schemas.schema_errors(statement, rules)
        assert said == (not errors), (
            f"under {rules} the quick check says {'valid' if said else 'not sure'}, "
            f"the schemas say {errors or 'valid'}, for {statement!r}"
        )
        return said

    return check
