"""LRS connections on the Settings page: administrators add, list, disable and enable them, for
their own tenant only, with the page token; the secret is stored encrypted and never shown."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool.core.db import db
from tests.integration.launch_helpers import launch
from tests.integration.xapi_lrs_helpers import add_connection, connection
from tests.support.platform import ADMIN, INSTRUCTOR, TestPlatform
from xapi import connections
from xapi.models import LrsConnection

FORM = {
    "endpoint": "https://lrs.example.org/xapi/statements",
    "key": "our-key",
    "secret": "the-lrs-secret-value",
    "version": "2.0.0",
    "label": "Ralph at HQ",
    "pull": "on",
    "send": "on",
}


def _signed_in(client: FlaskClient, platform: TestPlatform, **claims: object) -> str:
    response = launch(client, platform, **claims)  # type: ignore[arg-type]
    return parse_qs(urlsplit(response.headers["Location"]).query)["lt"][0]


def _admin(client: FlaskClient, platform: TestPlatform, deployment_id: str = "dep-1") -> str:
    return _signed_in(client, platform, sub="admin", roles=(ADMIN,), deployment_id=deployment_id)


def _settings(client: FlaskClient, token: str, **params: str) -> str:
    return client.get("/settings", query_string={"lt": token, **params}).get_data(as_text=True)


def _connections(app: Flask) -> list[LrsConnection]:
    with app.app_context():
        return list(db.session.scalars(select(LrsConnection).order_by(LrsConnection.id)))


def test_an_administrator_adds_a_connection_and_sees_it_listed_without_its_secret(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _admin(client, registered)
    assert "There are no LRS connections yet." in _settings(client, token)
    response = client.post("/settings/lrs-connections", data={"lt": token, **FORM})
    assert response.status_code == 303 and "lt=" in response.headers["Location"]
    page = _settings(client, token)
    assert "Ralph at HQ" in page and "https://lrs.example.org/xapi/" in page
    assert "reads and sends" in page and "Not read yet" in page
    assert FORM["secret"] not in page and FORM["key"] not in page
    [added] = _connections(app)
    assert (added.endpoint, added.version, added.pull, added.send) == (
        "https://lrs.example.org/xapi/",
        "2.0.0",
        True,
        True,
    )
    assert FORM["secret"] not in added.credentials and FORM["key"] not in added.credentials
    with app.app_context():
        assert connections.credentials_of(added) == ("our-key", "the-lrs-secret-value")


def test_a_bad_endpoint_or_no_direction_is_refused_saying_what_to_fix(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _admin(client, registered)
    bad = {**FORM, "endpoint": "ftp://lrs.example.org/"}
    response = client.post("/settings/lrs-connections", data={"lt": token, **bad})
    assert response.status_code == 400
    assert "an http or https address" in response.get_data(as_text=True)
    neither = {k: v for k, v in FORM.items() if k not in ("pull", "send")}
    response = client.post("/settings/lrs-connections", data={"lt": token, **neither})
    assert response.status_code == 400 and "read, send, or both" in response.get_data(as_text=True)
    assert _connections(app) == []


def test_disabling_and_enabling_a_connection(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _admin(client, registered)
    client.post("/settings/lrs-connections", data={"lt": token, **FORM})
    disable = re.search(
        r'action="(/settings/lrs-connections/\d+/disable)[^"]*"', _settings(client, token)
    )
    assert disable
    assert client.post(disable[1], data={"lt": token}).status_code == 303
    assert not _connections(app)[0].enabled
    page = _settings(client, token)
    assert "Disabled" in page
    enable = re.search(r'action="(/settings/lrs-connections/\d+/enable)[^"]*"', page)
    assert enable and client.post(enable[1], data={"lt": token}).status_code == 303
    assert _connections(app)[0].enabled


def test_a_change_without_the_page_token_is_refused_even_with_the_session_cookie(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    _admin(client, registered)
    assert client.post("/settings/lrs-connections", data=FORM).status_code == 401
    connection_id = add_connection(app)
    assert client.post(f"/settings/lrs-connections/{connection_id}/disable").status_code == 401
    assert _connections(app)[0].enabled


def test_only_administrators_manage_connections(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _signed_in(client, registered, sub="teacher", roles=(INSTRUCTOR,))
    response = client.post("/settings/lrs-connections", data={"lt": token, **FORM})
    assert response.status_code == 403
    connection_id = add_connection(app)
    response = client.post(f"/settings/lrs-connections/{connection_id}/disable", data={"lt": token})
    assert response.status_code == 403
    assert [c.enabled for c in _connections(app)] == [True]


def test_an_administrator_never_sees_nor_changes_another_tenants_connections(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    theirs = add_connection(app, "dep-2", endpoint="https://their-lrs.example.com/xapi/")
    token = _admin(client, registered, "dep-1")
    client.post("/settings/lrs-connections", data={"lt": token, **FORM})
    page = _settings(client, token)
    assert "Ralph at HQ" in page and "their-lrs.example.com" not in page
    for change in ("disable", "enable"):
        response = client.post(f"/settings/lrs-connections/{theirs}/{change}", data={"lt": token})
        assert response.status_code == 404
    assert connection(app, theirs).enabled


def test_the_connections_section_speaks_dutch(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _admin(client, registered)
    assert "Er zijn nog geen LRS-verbindingen." in _settings(client, token, lang="nl")
    client.post("/settings/lrs-connections", data={"lt": token, **FORM})
    page = _settings(client, token, lang="nl")
    assert "leest en verstuurt" in page and "Uitschakelen" in page
    refused = client.post(
        "/settings/lrs-connections",
        query_string={"lang": "nl"},
        data={"lt": token, **FORM, "endpoint": "nope"},
    )
    assert "De LRS-verbinding is niet toegevoegd" in refused.get_data(as_text=True)
