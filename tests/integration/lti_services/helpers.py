"""Launching with the AGS and NRPS claims, and reading back what the tool stored."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool.core.db import db
from lti_tool.lti.models import Deployment, User
from tests.integration.launch_helpers import launch
from tests.support.platform import LEARNER, TestPlatform

LMS = "https://lms.example.edu"
TOKEN_URL = LMS + "/token"
LINEITEMS = LMS + "/api/lti/courses/1/line_items"
LINEITEM = LINEITEMS + "/7"
MEMBERSHIPS = LMS + "/api/lti/courses/1/names_and_roles"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"
ALL_AGS_SCOPES = [SCOPE + "lineitem", SCOPE + "result.readonly", SCOPE + "score"]
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def ags(lineitem: str | None = None, lineitems: str | None = LINEITEMS, scopes: Any = None) -> dict:
    claim: dict[str, Any] = {"scope": ALL_AGS_SCOPES if scopes is None else scopes}
    if lineitems:
        claim["lineitems"] = lineitems
    if lineitem:
        claim["lineitem"] = lineitem
    return claim


def nrps(url: str = MEMBERSHIPS) -> dict:
    return {"context_memberships_url": url, "service_versions": ["2.0"]}


def launch_with(
    client: FlaskClient,
    platform: TestPlatform,
    *,
    sub: str = "learner-1",
    roles: tuple[str, ...] = (LEARNER,),
    ags_claim: dict | None = None,
    nrps_claim: dict | None = None,
    **claims: Any,
) -> str:
    """Launch; the page token."""
    extra = {AGS_CLAIM: ags_claim, NRPS_CLAIM: nrps_claim, **claims}
    response = launch(client, platform, sub=sub, roles=roles, **extra)
    assert response.status_code == 303, response.get_data(as_text=True)
    return parse_qs(urlsplit(response.headers["Location"]).query)["lt"][0]


def tenant_id(app: Flask, deployment_id: str = "dep-1") -> int:
    with app.app_context():
        return db.session.scalars(
            select(Deployment.id).where(Deployment.deployment_id == deployment_id)
        ).one()


def user_id(app: Flask, sub: str) -> int:
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.sub == sub)).one()


def token_body(token: str = "token-1", expires_in: int = 3600) -> dict[str, Any]:
    return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in}
