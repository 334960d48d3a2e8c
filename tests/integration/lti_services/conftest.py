"""Fixtures for the LTI Advantage service tests: jobs recorded instead of started, so that each
test runs them when it wants to (the real dispatch is tested on its own)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from lti_tool.core.db import commit_or_rollback
from lti_tool.lti.keys import ensure_keys
from lti_tool.lti.services import dispatch


@pytest.fixture
def jobs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """The jobs asked for after each commit (eager mode), in order, not run."""
    started: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(
        dispatch, "_in_background", lambda app, name, args: started.append((name, args))
    )
    return started


@pytest.fixture
def app(app: Flask) -> Flask:
    """The app, with small roster pages so that paging shows."""
    app.config.update(LTI_ROSTER_PAGE_SIZE=2, LTI_SERVICE_HTTP_TIMEOUT=2)
    return app


@pytest.fixture(autouse=True)
def tool_keys(app: Flask) -> None:
    """LearnLoop's signing keys, as registering a platform makes them."""
    with app.app_context(), commit_or_rollback():
        ensure_keys()
