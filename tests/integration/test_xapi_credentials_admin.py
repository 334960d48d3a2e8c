"""xAPI credentials on the Settings page: administrators create (the secret is shown once),
list and revoke them, for their own tenant only, and only with the page token (CSRF)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lti_tool.core.db import db
from tests.integration.launch_helpers import launch
from tests.integration.xapi_helpers import Lrs, new_credential
from tests.support.platform import ADMIN, INSTRUCTOR, TestPlatform
from xapi.credentials import NewCredential
from xapi.models import Credential


def _signed_in(client: FlaskClient, platform: TestPlatform, **claims: object) -> str:
    """Launch; return the page token."""
    response = launch(client, platform, **claims)  # type: ignore[arg-type]
    return parse_qs(urlsplit(response.headers["Location"]).query)["lt"][0]


def _fact(html: str, label: str) -> str:
    match = re.search(rf"<dt>{label}</dt><dd><code>([^<]+)</code></dd>", html)
    assert match, f"no {label} on the page"
    return match[1]


def _create(client: FlaskClient, token: str, label: str = "Moodle logstore") -> str:
    response = client.post("/settings/xapi-credentials", data={"lt": token, "label": label})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def _credential_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Credential)) or 0


def test_an_administrator_creates_a_credential_and_sees_its_secret_once(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _signed_in(client, registered, sub="admin", roles=(ADMIN,))
    settings = client.get("/settings", query_string={"lt": token}).get_data(as_text=True)
    assert "xAPI listener" in settings and "http://127.0.0.1:5000/xapi/" in settings
    created = _create(client, token)
    key, secret = _fact(created, "Key"), _fact(created, "Secret")
    assert _fact(created, "Endpoint") == "http://127.0.0.1:5000/xapi/"
    listed = client.get("/settings", query_string={"lt": token}).get_data(as_text=True)
    assert key in listed and "Moodle logstore" in listed
    assert secret not in listed
    credential = NewCredential(0, 0, key, secret, "")
    assert Lrs(app.test_client(), credential).get().status_code == 200


def test_revoking_on_the_settings_page_stops_the_credential(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _signed_in(client, registered, sub="admin", roles=(ADMIN,))
    created = _create(client, token)
    lrs = Lrs(
        app.test_client(), NewCredential(0, 0, _fact(created, "Key"), _fact(created, "Secret"), "")
    )
    assert lrs.get().status_code == 200
    listed = client.get("/settings", query_string={"lt": token}).get_data(as_text=True)
    revoke = re.search(r'action="(/settings/xapi-credentials/\d+/revoke)[^"]*"', listed)
    assert revoke
    response = client.post(revoke[1], data={"lt": token})
    assert response.status_code == 303
    assert "lt=" in response.headers["Location"]
    assert lrs.get().status_code == 401
    assert "Revoked" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_change_without_the_page_token_is_refused_even_with_the_session_cookie(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    _signed_in(client, registered, sub="admin", roles=(ADMIN,))  # the cookie is set
    response = client.post("/settings/xapi-credentials", data={"label": "forged"})
    assert response.status_code == 401
    assert _credential_count(app) == 0


def test_only_administrators_manage_credentials(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _signed_in(client, registered, sub="teacher", roles=(INSTRUCTOR,))
    response = client.post("/settings/xapi-credentials", data={"lt": token})
    assert response.status_code == 403
    assert _credential_count(app) == 0


def test_an_administrator_never_sees_nor_revokes_another_tenants_credentials(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    theirs = new_credential(app, "dep-2")
    token = _signed_in(client, registered, sub="admin", roles=(ADMIN,), deployment_id="dep-1")
    _create(client, token, label="ours")
    listed = client.get("/settings", query_string={"lt": token}).get_data(as_text=True)
    assert "ours" in listed
    assert theirs.key not in listed and "test LRS" not in listed
    response = client.post(f"/settings/xapi-credentials/{theirs.id}/revoke", data={"lt": token})
    assert response.status_code == 404
    assert Lrs(app.test_client(), theirs).get().status_code == 200


def test_the_credentials_section_speaks_dutch(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _signed_in(client, registered, sub="admin", roles=(ADMIN,))
    page = client.get("/settings", query_string={"lt": token, "lang": "nl"}).get_data(as_text=True)
    assert "Er zijn nog geen inloggegevens." in page
    created = client.post(
        "/settings/xapi-credentials", query_string={"lang": "nl"}, data={"lt": token}
    ).get_data(as_text=True)
    assert "Nieuwe xAPI-inloggegevens" in created
