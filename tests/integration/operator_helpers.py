"""Signing in to the operator console from tests."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from lti_tool.core.db import commit_or_rollback
from lti_tool.operator.passwords import set_password

PASSWORD = "correct horse battery staple"


def with_password(app: Flask, password: str = PASSWORD) -> None:
    with app.app_context(), commit_or_rollback():
        set_password(password)


def sign_in(client: FlaskClient, password: str = PASSWORD) -> str:
    """The operator's page token after a successful sign-in."""
    response = client.post("/operator/login", data={"password": password})
    assert response.status_code == 303, response.get_data(as_text=True)
    return parse_qs(urlsplit(response.headers["Location"]).query)["lt"][0]
