"""xapi/ depends on lti_tool.core only: other domains react to it, it never reaches into them."""

from __future__ import annotations

import ast
from pathlib import Path

XAPI = Path(__file__).resolve().parents[3] / "xapi"


def _imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_xapi_imports_nothing_of_lti_tool_but_its_core() -> None:
    offending = {
        f"{path.relative_to(XAPI.parent)}: {module}"
        for path in XAPI.rglob("*.py")
        for module in _imported_modules(path)
        if module.startswith("lti_tool") and not module.startswith("lti_tool.core")
    }
    assert not offending
