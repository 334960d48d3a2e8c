"""LRS connections on the Settings page: administrators add, list, disable, enable, change, reset
and delete them, for their own tenant only, with the page token; the secret is stored encrypted
and never shown."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool.core.db import commit_or_rollback, db
from tests.integration.launch_helpers import launch
from tests.integration.xapi_helpers import statement, tenant_id
from tests.integration.xapi_lrs_helpers import add_connection, connection
from tests.support.platform import ADMIN, INSTRUCTOR, TestPlatform
from xapi import connections, emitter
from xapi.models import Delivery, LrsConnection

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


# Changing, resetting and deleting a connection.


def _emit(app: Flask, count: int) -> None:
    tenant = tenant_id(app, "dep-1")
    with app.app_context(), commit_or_rollback():
        for _ in range(count):
            emitter.emit(tenant, statement(id=None))


def _deliveries(app: Flask) -> list[Delivery]:
    with app.app_context():
        return list(db.session.scalars(select(Delivery)))


def _pulled_halfway(app: Flask, connection_id: int) -> None:
    """The connection has read the LRS up to a time, and is in the middle of a walk."""
    with app.app_context(), commit_or_rollback():
        found = db.session.get(LrsConnection, connection_id)
        assert found is not None
        found.pull_since = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        found.pull_more = "/xapi/statements/more/abc"
        found.walk_high = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
        found.last_pull_error = "the LRS answered 503"


CHANGE = {
    "endpoint": "https://new-lrs.example.org/xapi",
    "key": "",
    "secret": "",
    "version": "1.0.3",
    "label": "Moved",
    "send": "on",
}


def test_the_edit_page_shows_the_connection_without_its_key_or_secret(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _admin(client, registered)
    connection_id = add_connection(app, key="the-key-value", secret="the-secret-value")
    assert f"/settings/lrs-connections/{connection_id}/edit" in _settings(client, token)
    page = client.get(f"/settings/lrs-connections/{connection_id}/edit", query_string={"lt": token})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "https://lrs.example.org/xapi/" in text
    assert "the-key-value" not in text and "the-secret-value" not in text
    assert "Read the LRS again" in text and "Delete this connection" in text


def test_an_administrator_changes_a_connection_and_blank_credentials_stay(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _admin(client, registered)
    connection_id = add_connection(app, key="old-key", secret="old-secret")
    _pulled_halfway(app, connection_id)
    path = f"/settings/lrs-connections/{connection_id}/edit"
    response = client.post(path, data={"lt": token, **CHANGE})
    assert response.status_code == 303
    changed = connection(app, connection_id)
    assert (changed.endpoint, changed.label, changed.pull, changed.send) == (
        "https://new-lrs.example.org/xapi/",
        "Moved",
        False,
        True,
    )
    with app.app_context():
        assert connections.credentials_of(changed) == ("old-key", "old-secret")
    # A new endpoint: the walk in progress (a more link of the old LRS) is dropped, not the cursor.
    assert changed.pull_more is None and changed.walk_high is None
    assert changed.pull_since == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    client.post(path, data={"lt": token, **CHANGE, "secret": "new-secret", "pull": "on"})
    with app.app_context():
        assert connections.credentials_of(connection(app, connection_id)) == (
            "old-key",
            "new-secret",
        )
    client.post(path, data={"lt": token, **CHANGE, "key": "new-key"})
    with app.app_context():
        assert connections.credentials_of(connection(app, connection_id)) == (
            "new-key",
            "new-secret",
        )


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"endpoint": "ftp://lrs.example.org/"}, "an http or https address"),
        ({"version": "0.9"}, "1.0.3 or 2.0"),
        ({"send": ""}, "read, send, or both"),
    ],
)
def test_a_bad_change_is_a_400_and_changes_nothing(
    app: Flask, client: FlaskClient, registered: TestPlatform, change: dict, fragment: str
) -> None:
    token = _admin(client, registered)
    connection_id = add_connection(app)
    form = {k: v for k, v in {**CHANGE, **change}.items() if v}
    response = client.post(
        f"/settings/lrs-connections/{connection_id}/edit", data={"lt": token, **form}
    )
    assert response.status_code == 400 and fragment in response.get_data(as_text=True)
    assert "was not changed" in response.get_data(as_text=True)
    assert connection(app, connection_id).endpoint == "https://lrs.example.org/xapi/"


def test_resetting_the_pull_reads_from_the_beginning_or_a_date(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _admin(client, registered)
    connection_id = add_connection(app)
    path = f"/settings/lrs-connections/{connection_id}/reset-pull"
    _pulled_halfway(app, connection_id)
    assert client.post(path, data={"lt": token, "from": "beginning"}).status_code == 303
    reset = connection(app, connection_id)
    assert (reset.pull_since, reset.pull_more, reset.walk_high, reset.last_pull_error) == (
        None,
    ) * 4
    _pulled_halfway(app, connection_id)
    response = client.post(path, data={"lt": token, "from": "date", "since": "2026-02-03"})
    assert response.status_code == 303
    reset = connection(app, connection_id)
    assert reset.pull_since == dt.datetime(2026, 2, 3, tzinfo=dt.UTC) and reset.pull_more is None


@pytest.mark.parametrize(
    ("form", "fragment"),
    [
        ({"from": "date", "since": ""}, "Choose the date"),
        ({"from": "date", "since": "03/02/2026"}, "Choose the date"),
        ({"from": "date", "since": "2999-01-01"}, "must not be in the future"),
    ],
)
def test_a_bad_date_to_read_from_is_a_400_and_changes_nothing(
    app: Flask, client: FlaskClient, registered: TestPlatform, form: dict, fragment: str
) -> None:
    token = _admin(client, registered)
    connection_id = add_connection(app)
    _pulled_halfway(app, connection_id)
    response = client.post(
        f"/settings/lrs-connections/{connection_id}/reset-pull", data={"lt": token, **form}
    )
    assert response.status_code == 400 and fragment in response.get_data(as_text=True)
    assert connection(app, connection_id).pull_more == "/xapi/statements/more/abc"


def test_deleting_asks_first_saying_what_waits_then_drops_it(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _admin(client, registered)
    doomed = add_connection(app, send=True, endpoint="https://doomed.example.org/xapi/")
    kept = add_connection(app, send=True)
    _emit(app, 3)
    page = client.get(f"/settings/lrs-connections/{doomed}/delete", query_string={"lt": token})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "3 statements of LearnLoop still wait" in text
    assert connection(app, doomed)  # asking deletes nothing
    response = client.post(f"/settings/lrs-connections/{doomed}/delete", data={"lt": token})
    assert response.status_code == 303
    assert [c.id for c in _connections(app)] == [kept]
    assert {d.connection_id for d in _deliveries(app)} == {kept} and len(_deliveries(app)) == 3
    assert "doomed.example.org" not in _settings(client, token)


def test_every_new_change_needs_the_page_token(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    _admin(client, registered)  # the session cookie alone
    connection_id = add_connection(app)
    for action, form in (
        ("edit", CHANGE),
        ("reset-pull", {"from": "beginning"}),
        ("delete", {}),
    ):
        response = client.post(f"/settings/lrs-connections/{connection_id}/{action}", data=form)
        assert response.status_code == 401, action
    assert connection(app, connection_id).endpoint == "https://lrs.example.org/xapi/"


def test_only_administrators_change_or_delete_connections(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _signed_in(client, registered, sub="teacher", roles=(INSTRUCTOR,))
    connection_id = add_connection(app)
    for action in ("edit", "delete"):
        page = client.get(
            f"/settings/lrs-connections/{connection_id}/{action}", query_string={"lt": token}
        )
        assert page.status_code == 403, action
    for action, form in (("edit", CHANGE), ("reset-pull", {"from": "beginning"}), ("delete", {})):
        response = client.post(
            f"/settings/lrs-connections/{connection_id}/{action}", data={"lt": token, **form}
        )
        assert response.status_code == 403, action
    assert len(_connections(app)) == 1


def test_another_tenants_connection_can_be_neither_seen_changed_reset_nor_deleted(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    theirs = add_connection(app, "dep-2", endpoint="https://their-lrs.example.com/xapi/")
    _pulled_halfway(app, theirs)
    token = _admin(client, registered, "dep-1")
    for action in ("edit", "delete"):
        page = client.get(
            f"/settings/lrs-connections/{theirs}/{action}", query_string={"lt": token}
        )
        assert page.status_code == 404 and "their-lrs" not in page.get_data(as_text=True)
    for action, form in (("edit", CHANGE), ("reset-pull", {"from": "beginning"}), ("delete", {})):
        response = client.post(
            f"/settings/lrs-connections/{theirs}/{action}", data={"lt": token, **form}
        )
        assert response.status_code == 404, action
    left = connection(app, theirs)
    assert left.endpoint == "https://their-lrs.example.com/xapi/" and left.pull_more is not None
    assert [c.id for c in _connections(app)] == [theirs]


def test_changing_and_deleting_speak_dutch(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = _admin(client, registered)
    connection_id = add_connection(app, send=True)
    _emit(app, 1)
    assert "Wijzigen" in _settings(client, token, lang="nl")
    edit = client.get(
        f"/settings/lrs-connections/{connection_id}/edit", query_string={"lt": token, "lang": "nl"}
    )
    assert "De LRS opnieuw lezen" in edit.get_data(as_text=True)
    confirm = client.get(
        f"/settings/lrs-connections/{connection_id}/delete",
        query_string={"lt": token, "lang": "nl"},
    )
    assert "1 statement van LearnLoop wacht nog" in confirm.get_data(as_text=True)
    refused = client.post(
        f"/settings/lrs-connections/{connection_id}/reset-pull",
        query_string={"lang": "nl"},
        data={"lt": token, "from": "date", "since": "gisteren"},
    )
    assert "De LRS wordt niet opnieuw gelezen" in refused.get_data(as_text=True)
