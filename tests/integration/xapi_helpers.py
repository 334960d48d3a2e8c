"""Talking to the xAPI listener through the Flask test client, as an LRS or Moodle would."""

from __future__ import annotations

import base64
import copy
import json
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from lti_tool.core.db import commit_or_rollback, db
from lti_tool.lti.models import Deployment
from xapi import credentials
from xapi.models import Statement

V1 = "1.0.3"
V2 = "2.0.0"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
AGENT = {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.edu"}
VERB = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}}
ACTIVITY = {"objectType": "Activity", "id": "http://example.com/activities/onboarding"}


def statement(**properties: Any) -> dict[str, Any]:
    """A valid statement with a fresh id, ``properties`` set on top (``None`` removes a key)."""
    merged = {"id": str(uuid.uuid4()), "actor": AGENT, "verb": VERB, "object": ACTIVITY}
    merged.update(properties)
    return copy.deepcopy({key: value for key, value in merged.items() if value is not None})


def voiding(target_id: str, **properties: Any) -> dict[str, Any]:
    return statement(
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target_id},
        **properties,
    )


def tenant_id(app: Flask, deployment_id: str = "dep-1") -> int:
    with app.app_context():
        return db.session.scalars(
            select(Deployment.id).where(Deployment.deployment_id == deployment_id)
        ).one()


def new_credential(app: Flask, deployment_id: str = "dep-1") -> credentials.NewCredential:
    tenant = tenant_id(app, deployment_id)
    with app.app_context(), commit_or_rollback():
        return credentials.create(tenant, "test LRS")


def basic_auth(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def stored_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Statement)) or 0


class Lrs:
    """A sender with one credential: ``post``, ``put`` and ``get`` with the right headers."""

    def __init__(
        self, client: FlaskClient, credential: credentials.NewCredential, version: str = V1
    ) -> None:
        self.client = client
        self.credential = credential
        self.version = version

    @property
    def headers(self) -> dict[str, str]:
        return {
            "Authorization": basic_auth(self.credential.key, self.credential.secret),
            "X-Experience-API-Version": self.version,
        }

    def post(self, body: Any, **headers: str) -> TestResponse:
        return self.client.post(
            "/xapi/statements",
            data=body if isinstance(body, (str, bytes)) else json.dumps(body),
            headers={**self.headers, "Content-Type": "application/json", **headers},
        )

    def put(self, statement_id: str, body: Any) -> TestResponse:
        return self.client.put(
            "/xapi/statements",
            query_string={"statementId": statement_id},
            data=json.dumps(body),
            headers={**self.headers, "Content-Type": "application/json"},
        )

    def get(self, path: str = "/xapi/statements", **params: str) -> TestResponse:
        return self.client.get(path, query_string=params, headers=self.headers)

    def all_pages(self, **params: str) -> list[dict[str, Any]]:
        """Every statement of a query, following ``more`` links."""
        response = self.get(**params)
        found: list[dict[str, Any]] = []
        while True:
            assert response.status_code == 200, response.get_data(as_text=True)
            found += response.get_json()["statements"]
            if not response.get_json()["more"]:
                return found
            response = self.get(response.get_json()["more"])
