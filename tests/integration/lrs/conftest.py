"""A real Ralph LRS (ralph-malph 5.1.0, file backend) on loopback, for the connector and emitter
tests in this folder.

``scripts/ralph.sh`` installs Ralph into its own venv (``RALPH_VENV``, default ``.ralph-venv``;
kept between runs, so only the first run downloads) and starts and stops it. Where Ralph cannot
be installed (no network), these tests are skipped saying why; in CI (``CI`` set) that is a
failure instead, so that a green CI always means they ran.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.lrs.ralph import Ralph, script
from tests.support.processes import free_port


@pytest.fixture(scope="session")
def ralph_installed() -> None:
    try:
        done = subprocess.run(  # noqa: S603  # our own script
            script("install"), capture_output=True, text=True, timeout=900
        )
        problem = done.stderr.strip()[-1500:] if done.returncode else None
    except subprocess.TimeoutExpired:
        problem = "installing took more than 15 minutes"
    if problem is not None:
        reason = f"Ralph LRS could not be installed (bash scripts/ralph.sh install): {problem}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def ralph(ralph_installed: None, tmp_path: Path) -> Iterator[Ralph]:
    """A fresh Ralph with no statements, running until the test ends."""
    lrs = Ralph(tmp_path / "ralph", free_port())
    lrs.start()
    try:
        yield lrs
    finally:
        lrs.stop()
