"""Every statement Moodle's xAPI logstore sends (its own expected test outputs) is accepted.

The fixtures are GPL test data kept outside this repository, in
``../shared/fixtures/xapi/moodle_logstore/`` (see LICENSE-NOTE.txt there); they are read in
place and never copied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from xapi_samples import VERSIONS

from xapi.validation import validate_statements

FIXTURES = (
    Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "xapi" / "moodle_logstore"
)
FILES = sorted(FIXTURES.glob("*.json")) if FIXTURES.is_dir() else []


def _statements_in(document: Any) -> list[Any]:
    """A file holds an array of statements; one statement or ``{"statements": [...]}`` also do."""
    if isinstance(document, dict) and "statements" in document:
        return document["statements"]
    return document if isinstance(document, list) else [document]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", FILES or [None], ids=lambda path: path.stem if path else "none")
def test_every_moodle_logstore_statement_is_accepted(version: str, path: Path | None) -> None:
    if path is None:
        pytest.skip(f"no Moodle logstore fixtures at {FIXTURES} (they live outside the repository)")
    statements = _statements_in(json.loads(path.read_text(encoding="utf-8")))
    assert statements, f"{path.name} holds no statements"
    assert validate_statements(statements, version) == statements
