"""The operator console: a password kept as an argon2id hash, a throttled sign-in, a page token
instead of cookies, and the form that registers a platform by hand (as ``learnloop register``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lti_tool.core.db import commit_or_rollback, db
from lti_tool.lti.models import Deployment, Registration
from lti_tool.operator.models import OperatorCredential, OperatorLoginFailure
from lti_tool.operator.passwords import WeakPassword, set_password
from tests.integration.launch_helpers import launch
from tests.integration.operator_helpers import PASSWORD, sign_in, with_password
from tests.support.platform import ADMIN, TestPlatform

FORM = {
    "issuer": "https://moodle.example.org",
    "client_id": "abc123",
    "auth_login_url": "https://moodle.example.org/mod/lti/auth.php",
    "auth_token_url": "https://moodle.example.org/mod/lti/token.php",
    "jwks_url": "https://moodle.example.org/mod/lti/certs.php",
    "deployment_ids": "1\n2\n",
    "product_family": "moodle",
}


def count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def html(response: Any) -> str:
    return response.get_data(as_text=True)


# -- signing in ------------------------------------------------------------------------------


def test_without_a_password_the_console_says_how_to_set_one(
    app: Flask, client: FlaskClient
) -> None:
    page = client.get("/operator/login")
    assert page.status_code == 200
    assert "learnloop operator set-password" in html(page)
    refused = client.post("/operator/login", data={"password": "anything at all"})
    assert refused.status_code == 403


def test_the_password_is_stored_only_as_an_argon2id_hash(app: Flask) -> None:
    with_password(app)
    with app.app_context():
        (stored,) = db.session.scalars(select(OperatorCredential)).all()
        assert stored.password_hash.startswith("$argon2id$")
        assert PASSWORD not in stored.password_hash


def test_a_short_password_is_refused(app: Flask) -> None:
    with app.app_context(), pytest.raises(WeakPassword), commit_or_rollback():
        set_password("short")
    assert count(app, OperatorCredential) == 0


def test_the_right_password_opens_the_console(app: Flask, client: FlaskClient) -> None:
    with_password(app)
    token = sign_in(client)
    page = client.get("/operator/", query_string={"lt": token})
    assert page.status_code == 200
    assert "Registered platforms" in html(page)
    assert "/lti/register" in html(page)  # the Dynamic Registration URL to give LMS admins


def test_a_wrong_password_is_a_401_that_counts_against_the_address(
    app: Flask, client: FlaskClient
) -> None:
    with_password(app)
    response = client.post("/operator/login", data={"password": "not the password"})
    assert response.status_code == 401
    assert "That is not the operator password." in html(response)
    assert count(app, OperatorLoginFailure) == 1


def test_after_five_wrong_passwords_the_address_waits_even_with_the_right_one(
    app: Flask, client: FlaskClient
) -> None:
    with_password(app)
    for _ in range(5):
        assert client.post("/operator/login", data={"password": "guess"}).status_code == 401
    throttled = client.post("/operator/login", data={"password": PASSWORD})
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60
    assert "Too many wrong passwords" in html(throttled)
    elsewhere = app.test_client().post(
        "/operator/login",
        data={"password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert elsewhere.status_code == 303


def test_a_successful_sign_in_forgets_the_addresses_earlier_mistakes(
    app: Flask, client: FlaskClient
) -> None:
    with_password(app)
    client.post("/operator/login", data={"password": "guess"})
    sign_in(client)
    assert count(app, OperatorLoginFailure) == 0


@pytest.mark.parametrize("path", ["/operator/", "/operator/registrations/new"])
def test_console_pages_without_a_token_ask_to_sign_in(
    app: Flask, client: FlaskClient, path: str
) -> None:
    with_password(app)
    response = client.get(path)
    assert response.status_code == 401
    assert 'name="password"' in html(response)


def test_signing_out_ends_the_session(app: Flask, client: FlaskClient) -> None:
    with_password(app)
    token = sign_in(client)
    out = client.post("/operator/logout", data={"lt": token})
    assert out.status_code == 303
    assert client.get("/operator/", query_string={"lt": token}).status_code == 401


def test_a_new_password_ends_every_session(app: Flask, client: FlaskClient) -> None:
    with_password(app)
    token = sign_in(client)
    with_password(app, "another long operator password")
    assert client.get("/operator/", query_string={"lt": token}).status_code == 401


def test_an_lti_administrators_page_token_does_not_open_the_console_nor_the_reverse(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    with_password(app)
    landing = launch(client, registered, roles=(ADMIN,))
    lti_token = parse_qs(urlsplit(landing.headers["Location"]).query)["lt"][0]
    assert client.get("/operator/", query_string={"lt": lti_token}).status_code == 401
    operator_token = sign_in(app.test_client())
    assert client.get("/settings", query_string={"lt": operator_token}).status_code == 401


def test_the_console_pages_are_in_dutch(app: Flask, client: FlaskClient) -> None:
    with_password(app)
    assert "Beheerconsole" in html(client.get("/operator/login", query_string={"lang": "nl"}))
    token = sign_in(client)
    page = client.get("/operator/", query_string={"lt": token, "lang": "nl"})
    assert "Geregistreerde platforms" in html(page)


# -- registering a platform by hand ------------------------------------------------------------


def test_the_form_registers_a_platform_as_learnloop_register_does(
    app: Flask, client: FlaskClient
) -> None:
    with_password(app)
    token = sign_in(client)
    form = client.get("/operator/registrations/new", query_string={"lt": token})
    assert form.status_code == 200 and 'name="deployment_ids"' in html(form)
    done = client.post("/operator/registrations", data={**FORM, "lt": token})
    assert done.status_code == 200, html(done)
    assert "Platform registered" in html(done)
    with app.app_context():
        registration = db.session.scalars(select(Registration)).one()
        assert registration.registered_via == "manual"
        assert registration.learns_deployments is False
        assert registration.product_family == "moodle"
        assert sorted(d.deployment_id for d in registration.deployments) == ["1", "2"]
    again = client.post(
        "/operator/registrations", data={**FORM, "deployment_ids": "3", "lt": token}
    )
    assert again.status_code == 200
    assert (count(app, Registration), count(app, Deployment)) == (1, 3)
    listing = html(client.get("/operator/", query_string={"lt": token}))
    assert "abc123" in listing and "by hand" in listing


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"issuer": "moodle.example.org"}, "Enter an http or https address."),
        ({"jwks_url": "javascript:alert(1)"}, "Enter an http or https address."),
        ({"client_id": "  "}, "Enter the client ID your LMS gave LearnLoop."),
        ({"deployment_ids": "\n \n"}, "Enter at least one deployment ID, one per line."),
        ({"deployment_ids": "x" * 256}, "Enter at least one deployment ID, one per line."),
        ({"product_family": "blackboard"}, "Choose Moodle, Canvas or another LMS."),
    ],
)
def test_a_form_with_a_mistake_names_the_field_and_stores_nothing(
    app: Flask, client: FlaskClient, change: dict[str, str], message: str
) -> None:
    with_password(app)
    token = sign_in(client)
    response = client.post("/operator/registrations", data={**FORM, **change, "lt": token})
    assert response.status_code == 400
    assert message in html(response)
    assert 'aria-invalid="true"' in html(response)
    assert "Nothing was stored" in html(response)
    assert count(app, Registration) == 0


def test_a_registration_posted_without_the_operators_token_stores_nothing(
    app: Flask, client: FlaskClient
) -> None:
    with_password(app)
    sign_in(client)
    response = client.post("/operator/registrations", data=FORM)  # e.g. from another site
    assert response.status_code == 401
    assert count(app, Registration) == 0
