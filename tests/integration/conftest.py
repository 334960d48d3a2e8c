"""Fixtures for the integration tests: xAPI senders with a credential of tenant dep-1 or dep-2;
for the pull tests, an LRS played by ``responses`` and a pulling connection to it (a module
that needs another ``mock`` defines its own)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.xapi_helpers import Lrs, new_credential
from tests.integration.xapi_lrs_helpers import FakeLrs, add_connection
from tests.support.platform import TestPlatform


@pytest.fixture
def lrs(app: Flask, client: FlaskClient, registered: TestPlatform) -> Lrs:
    """An LRS sending xAPI 1.0.3 with a credential of tenant ``dep-1``."""
    return Lrs(client, new_credential(app, "dep-1"))


@pytest.fixture
def other_tenants_lrs(app: Flask, registered: TestPlatform) -> Lrs:
    """An LRS with a credential of tenant ``dep-2`` (same platform, another deployment)."""
    return Lrs(app.test_client(), new_credential(app, "dep-2"))


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as requests_mock:
        requests_mock.add_passthru("http://127.0.0.1")  # the test platform's JWKS
        yield requests_mock


@pytest.fixture
def fake(mock: responses.RequestsMock) -> FakeLrs:
    return FakeLrs(mock, page_size=2)


@pytest.fixture
def connection_id(app: Flask, registered: TestPlatform) -> int:
    app.config["XAPI_PULL_PAGE_SIZE"] = 2
    return add_connection(app)
