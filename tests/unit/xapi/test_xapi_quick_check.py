"""The quick check (:mod:`xapi.validation.quick`) says "valid" exactly when the schemas do.

Every conformance case in this directory is compared as it runs (``conftest.py``); here the
comparison runs over generated statements as well, and the check is shown to take the common
shapes (Moodle's, the benchmark's) without falling back to the schemas.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from marshmallow import Schema, pre_load
from statement_strategies import statements
from xapi_samples import VERSIONS, statement

from bench.xapi_ingest import statement as bench_statement
from xapi.validation import rules_for
from xapi.validation.fields import Iri
from xapi.validation.quick import Compiler
from xapi.validation.schemas import QUICK_CHECKS, schema_errors

MOODLE = Path(__file__).resolve().parents[3].parent / "shared/fixtures/xapi/moodle_logstore"

GENERATED = settings(
    max_examples=300,
    derandomize=True,  # the same statements on every run: CI stays reproducible
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("version", VERSIONS)
@GENERATED
@given(data=statements)
def test_the_quick_check_and_the_schemas_agree_on_generated_statements(
    version: str, data: dict[str, Any]
) -> None:
    rules = rules_for(version)
    assert QUICK_CHECKS[rules](data) == (schema_errors(data, rules) == [])


@pytest.mark.parametrize("version", VERSIONS)
def test_the_generated_statements_include_valid_ones_and_invalid_ones(version: str) -> None:
    rules = rules_for(version)
    first_found = settings(GENERATED, phases=[Phase.generate])  # no shrinking: any will do
    valid = find(statements, lambda s: not schema_errors(s, rules), settings=first_found)
    invalid = find(statements, lambda s: bool(schema_errors(s, rules)), settings=first_found)
    assert QUICK_CHECKS[rules](valid)
    assert not QUICK_CHECKS[rules](invalid)


@pytest.mark.parametrize("version", VERSIONS)
def test_moodle_and_benchmark_statements_are_answered_by_the_quick_check(version: str) -> None:
    rules = rules_for(version)
    moodle = [s for path in MOODLE.glob("*.json") for s in json.loads(path.read_text())]
    now = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
    for data in [*moodle, *(bench_statement(n, now) for n in range(8)), statement()]:
        assert QUICK_CHECKS[rules](data), data


def test_a_schema_with_load_hooks_is_never_answered_quickly() -> None:
    class Hooked(Schema):
        id = Iri()

        @pre_load
        def _lower(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
            return data

    assert not Compiler().schema(Hooked())({"id": "http://example.com/a"})


def test_a_field_of_a_kind_the_compiler_does_not_know_is_asked_through_marshmallow() -> None:
    class Odd(Iri):
        def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
            return super()._deserialize(value.strip(), attr, data, **kwargs)

    class WithOdd(Schema):
        id = Odd(required=True)

    check = Compiler().schema(WithOdd())
    assert check({"id": " http://example.com/a "})
    assert not check({"id": " no scheme "})
    assert not check({})
