"""Fixtures for the integration tests: xAPI senders with a credential of tenant dep-1 or dep-2."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.xapi_helpers import Lrs, new_credential
from tests.support.platform import TestPlatform


@pytest.fixture
def lrs(app: Flask, client: FlaskClient, registered: TestPlatform) -> Lrs:
    """An LRS sending xAPI 1.0.3 with a credential of tenant ``dep-1``."""
    return Lrs(client, new_credential(app, "dep-1"))


@pytest.fixture
def other_tenants_lrs(app: Flask, registered: TestPlatform) -> Lrs:
    """An LRS with a credential of tenant ``dep-2`` (same platform, another deployment)."""
    return Lrs(app.test_client(), new_credential(app, "dep-2"))
