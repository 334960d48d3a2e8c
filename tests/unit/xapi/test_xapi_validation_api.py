"""The public API: version header values, error shape and wording, batches all or nothing."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from xapi_samples import UUID, V1, V2, VERSIONS, statement

from xapi.validation import (
    RULES_1_0_3,
    RULES_2_0_0,
    StatementInvalid,
    UnsupportedVersion,
    rules_for,
    validate_statement,
    validate_statements,
)


@pytest.mark.parametrize(
    ("header", "rules"),
    [
        ("1.0", RULES_1_0_3),
        ("1.0.0", RULES_1_0_3),
        ("1.0.1", RULES_1_0_3),
        ("1.0.2", RULES_1_0_3),
        ("1.0.3", RULES_1_0_3),
        ("2.0.0", RULES_2_0_0),
    ],
)
def test_each_supported_version_header_selects_its_rules(header: str, rules: str) -> None:
    assert rules_for(header) == rules
    validate_statement(statement(), header)


@pytest.mark.parametrize(
    "header", ["0.9.5", "0.95", "1.1.0", "1.0.4", "2.0", "2.1.0", "3.0.0", "", " 1.0.3", None, 1.0]
)
def test_any_other_version_header_is_unsupported(header: Any) -> None:
    with pytest.raises(UnsupportedVersion, match="X-Experience-API-Version"):
        validate_statement(statement(), header)
    with pytest.raises(UnsupportedVersion):
        validate_statements([statement()], header)


def test_an_unsupported_version_is_reported_before_the_body_is_looked_at() -> None:
    with pytest.raises(UnsupportedVersion):
        validate_statements("not even a statement", "1.1.0")


@pytest.mark.parametrize("version", VERSIONS)
def test_an_invalid_statement_reads_as_path_colon_rule(version: str) -> None:
    with pytest.raises(StatementInvalid) as raised:
        validate_statement(statement(actor={"mbox": "ada@example.com"}), version)
    assert raised.value.errors == [("actor.mbox", 'must start with "mailto:"')]
    assert str(raised.value) == 'actor.mbox: must start with "mailto:"'


@pytest.mark.parametrize("version", VERSIONS)
def test_several_errors_are_joined_in_the_message(version: str) -> None:
    with pytest.raises(StatementInvalid) as raised:
        validate_statement(statement(id="x", actor={"mbox": "x"}), version)
    assert str(raised.value) == "; ".join(
        f"{path}: {message}" for path, message in raised.value.errors
    )
    assert len(raised.value.errors) == 2


@pytest.mark.parametrize("version", VERSIONS)
def test_a_single_statement_body_comes_back_as_a_list_of_one_with_bare_paths(version: str) -> None:
    data = statement()
    assert validate_statements(data, version) == [data]
    with pytest.raises(StatementInvalid) as raised:
        validate_statements(statement(actor={"mbox": "x"}), version)
    assert [path for path, _ in raised.value.errors] == ["actor.mbox"]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_batch_comes_back_unchanged_and_in_order(version: str) -> None:
    batch = [statement(id=UUID), statement(), statement(result={"success": True})]
    before = copy.deepcopy(batch)
    accepted = validate_statements(batch, version)
    assert accepted == before
    assert all(returned is sent for returned, sent in zip(accepted, batch, strict=True))


@pytest.mark.parametrize("version", VERSIONS)
def test_an_empty_batch_is_accepted(version: str) -> None:
    assert validate_statements([], version) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_one_bad_statement_rejects_the_whole_batch_with_its_position(version: str) -> None:
    batch = [statement(), statement(), statement(), statement(actor={"mbox": "ada@example.com"})]
    with pytest.raises(StatementInvalid) as raised:
        validate_statements(batch, version)
    assert str(raised.value) == 'statements[3].actor.mbox: must start with "mailto:"'


@pytest.mark.parametrize("version", VERSIONS)
def test_errors_from_every_statement_in_a_batch_are_collected(version: str) -> None:
    batch = [statement(verb={"id": "x"}), statement(), "not an object", statement(foo=1)]
    with pytest.raises(StatementInvalid) as raised:
        validate_statements(batch, version)
    assert [path for path, _ in raised.value.errors] == [
        "statements[0].verb.id",
        "statements[2]",
        "statements[3].foo",
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_batch_of_one_still_gets_the_statements_prefix(version: str) -> None:
    with pytest.raises(StatementInvalid) as raised:
        validate_statements([statement(foo=1)], version)
    assert [path for path, _ in raised.value.errors] == ["statements[0].foo"]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("other_id", [UUID, UUID.upper()])
def test_two_statements_with_the_same_id_in_one_batch_are_rejected(
    version: str, other_id: str
) -> None:
    batch = [statement(id=UUID), statement(), statement(id=other_id)]
    with pytest.raises(StatementInvalid) as raised:
        validate_statements(batch, version)
    assert raised.value.errors == [
        ("statements[2].id", "repeats the id of statements[0]; ids must be unique within a request")
    ]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("body", ["statement", 5, None, True])
def test_a_body_that_is_neither_an_object_nor_an_array_is_rejected(version: str, body: Any) -> None:
    with pytest.raises(StatementInvalid) as raised:
        validate_statements(body, version)
    assert raised.value.errors == [
        ("", "the body must be a statement (a JSON object) or an array of statements")
    ]


def test_the_same_statement_can_pass_under_2_0_and_fail_under_1_0_3() -> None:
    data = statement(version="2.0.0")
    validate_statement(data, V2)
    with pytest.raises(StatementInvalid):
        validate_statement(data, V1)


@pytest.mark.parametrize("error_class", [StatementInvalid, UnsupportedVersion])
def test_both_errors_are_value_errors(error_class: type[Exception]) -> None:
    assert issubclass(error_class, ValueError)


def test_the_package_imports_neither_flask_nor_lti_tool() -> None:
    code = (
        "import sys, xapi.validation; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'lti_tool')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    repo_root = Path(__file__).resolve().parents[3]
    finished = subprocess.run(  # noqa: S603 - runs this same interpreter on a literal script
        [sys.executable, "-c", code], cwd=repo_root, capture_output=True, text=True, check=False
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
