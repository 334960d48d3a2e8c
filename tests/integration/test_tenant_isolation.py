"""Tenant isolation: a person of tenant A can never reach tenant B's rows."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool.core.db import db
from lti_tool.lti.models import Membership
from lti_tool.lti.viewer import token_for
from tests.integration.launch_helpers import launch
from tests.support.platform import ADMIN, INSTRUCTOR, TestPlatform


def _token(response_location: str) -> str:
    return parse_qs(urlsplit(response_location).query)["lt"][0]


def test_course_setup_lists_only_people_of_the_viewers_tenant(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    # Same platform, same course id, two deployments (= two tenants).
    launch(app.test_client(), registered, sub="b-person", name="Bea Other", deployment_id="dep-2")
    response = launch(client, registered, sub="a-teacher", roles=(INSTRUCTOR,))
    html = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Ada Lovelace" in html
    assert "Bea Other" not in html


def test_a_token_naming_another_tenants_membership_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    launch(app.test_client(), registered, sub="b-admin", roles=(ADMIN,), deployment_id="dep-2")
    response = launch(client, registered, sub="a-admin", roles=(ADMIN,))
    with app.app_context():
        tenant_a = db.session.scalars(
            select(Membership.tenant_id)
            .join(Membership.user)
            .where(Membership.user.has(sub="a-admin"))
        ).one()
        b_membership = db.session.scalars(
            select(Membership.id).join(Membership.user).where(Membership.user.has(sub="b-admin"))
        ).one()
        forged = token_for(b_membership, tenant_a)  # B's membership, A's tenant
    refused = client.get("/settings", query_string={"lt": forged})
    assert refused.status_code == 401
    assert "Your LearnLoop session has ended" in refused.get_data(as_text=True)
    assert (
        client.get(
            "/settings", query_string={"lt": _token(response.headers["Location"])}
        ).status_code
        == 200
    )


def test_settings_show_only_the_viewers_tenant(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    for n in range(3):
        launch(
            app.test_client(), registered, sub=f"b-{n}", deployment_id="dep-2", context_id=f"c{n}"
        )
    response = launch(client, registered, sub="a-admin", roles=(ADMIN,))
    html = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "<dd>dep-1</dd>" not in html  # deployment id is shown as code
    assert "<code>dep-1</code>" in html
    assert "<dt>Courses using LearnLoop</dt><dd>1</dd>" in html
    assert "<dt>People who opened LearnLoop</dt><dd>1</dd>" in html
