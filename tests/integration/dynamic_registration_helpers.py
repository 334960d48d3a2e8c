"""Driving ``/lti/register`` against a platform faked with ``responses``."""

from __future__ import annotations

import json
import re
from typing import Any

import responses
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from lti_tool.core.db import db
from lti_tool.lti.models import Deployment, Registration
from tests.support import platform_configurations as samples

TOKEN = "registration-token-123"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"


def serve_configuration(mocked: responses.RequestsMock, raw: dict[str, Any], **kwargs: Any) -> str:
    url = samples.configuration_url(raw)
    mocked.get(url, json=raw, **kwargs)
    return url


def accept_registration(
    mocked: responses.RequestsMock,
    raw: dict[str, Any],
    *,
    client_id: str = "client-from-dr",
    deployment_id: str | None = None,
) -> None:
    """The platform answers with our registration, its client_id and maybe a deployment_id."""

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        configuration = dict(body[TOOL_CONFIGURATION])
        if deployment_id is not None:
            configuration["deployment_id"] = deployment_id
        reply = {**body, "client_id": client_id, TOOL_CONFIGURATION: configuration}
        return 200, {"Content-Type": "application/json"}, json.dumps(reply)

    mocked.add_callback("POST", raw["registration_endpoint"], callback=answer)


def start(
    client: FlaskClient, configuration_url: str | None, token: str | None = TOKEN, **extra: str
) -> TestResponse:
    query = {"openid_configuration": configuration_url, "registration_token": token, **extra}
    return client.get("/lti/register", query_string={k: v for k, v in query.items() if v})


def signed_proposal(page: TestResponse) -> str:
    found = re.search(r'name="proposal" value="([^"]+)"', page.get_data(as_text=True))
    assert found, page.get_data(as_text=True)
    return found.group(1)


def confirm(client: FlaskClient, page: TestResponse, **query: str) -> TestResponse:
    return client.post(
        "/lti/register", data={"proposal": signed_proposal(page)}, query_string=query
    )


def registration_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Registration)) or 0


def deployment_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Deployment)) or 0


def posted_registration(mocked: responses.RequestsMock) -> dict[str, Any]:
    (call,) = [c for c in mocked.calls if c.request.method == "POST"]
    return json.loads(call.request.body)
