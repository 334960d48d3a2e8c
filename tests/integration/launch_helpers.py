"""Driving the tool's OIDC login and launch through the Flask test client."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.platform import TestPlatform, auth_request


def login(client: FlaskClient, platform: TestPlatform, **params: str) -> dict[str, str]:
    """Start an OIDC login; returns the auth request (state, nonce, redirect_uri...)."""
    response = client.post("/lti/login", data=platform.login_params(**params))
    assert response.status_code == 302, response.get_data(as_text=True)
    return auth_request(response.headers["Location"])


def launch(
    client: FlaskClient,
    platform: TestPlatform,
    *,
    sign: dict[str, Any] | None = None,
    state: str | None = None,
    **claim_overrides: Any,
) -> TestResponse:
    """A full login + launch; ``claim_overrides`` change the id_token's claims."""
    auth = login(client, platform)
    claims = platform.claims(auth["nonce"], **claim_overrides)
    token = platform.sign(claims, **(sign or {}))
    return client.post("/lti/launch", data={"id_token": token, "state": state or auth["state"]})
