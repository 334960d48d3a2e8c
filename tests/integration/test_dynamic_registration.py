"""``/lti/register``: LTI Dynamic Registration 1.0 (DR) against Moodle- and Canvas-shaped
platforms (faked with ``responses``): what the administrator sees, what is posted, what is
stored — and, for every way it can fail, a clear page and nothing stored."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import responses
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool.core.db import db
from lti_tool.lti.models import Registration, ToolKey
from tests.integration.dynamic_registration_helpers import (
    TOKEN,
    accept_registration,
    confirm,
    deployment_count,
    posted_registration,
    registration_count,
    serve_configuration,
    start,
)
from tests.support import platform_configurations as samples

CANVAS_EXTENSION = "https://canvas.instructure.com/lti/"


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def stored(app: Flask) -> Registration:
    with app.app_context():
        registration = db.session.scalars(select(Registration)).one()
        registration.deployments  # noqa: B018  # loaded while the session is open
        return registration


# -- the happy paths ---------------------------------------------------------------------------


def test_dr_moodle_the_administrator_sees_what_will_be_registered(
    client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    url = serve_configuration(mocked, samples.moodle_4())
    page = start(client, url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert "Register LearnLoop with your LMS" in html
    assert "https://moodle.example.org" in html
    assert "Moodle 5.1" in html
    assert "http://127.0.0.1:5000/lti/launch" in html  # launch URL and Deep Linking target
    assert "http://127.0.0.1:5000/lti/login" in html
    assert "http://127.0.0.1:5000/lti/jwks.json" in html
    assert "Grades: send scores" in html
    assert "Deep Linking: placing a piece of LearnLoop in a course" in html
    assert "<code>ContentArea</code>" in html
    assert "E-mail address" in html
    assert "Register LearnLoop</button>" in html


def test_dr_moodle_confirming_posts_the_registration_and_stores_it_with_its_deployment(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.moodle_4()
    url = serve_configuration(mocked, raw)
    accept_registration(mocked, raw, client_id="moodleclient15", deployment_id="12")
    done = confirm(client, start(client, url))
    html = done.get_data(as_text=True)
    assert done.status_code == 200, html
    assert "LearnLoop is registered" in html
    assert "Moodle keeps the new tool pending" in html
    assert "data-lti-close" in html and "registration.js" in html
    registration = stored(app)
    assert (registration.issuer, registration.client_id) == (raw["issuer"], "moodleclient15")
    assert registration.auth_login_url == raw["authorization_endpoint"]
    assert registration.auth_token_url == raw["token_endpoint"]
    assert registration.key_set_url == raw["jwks_uri"]
    assert registration.product_family == "moodle"
    assert registration.registered_via == "dynamic"
    assert registration.learns_deployments is False
    assert [d.deployment_id for d in registration.deployments] == ["12"]
    with app.app_context():  # the JWKS we registered publishes a key
        assert db.session.scalars(select(ToolKey)).first() is not None


def test_dr_moodle_is_sent_the_claims_that_make_it_share_names_and_email(
    client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.moodle_4()
    url = serve_configuration(mocked, raw)
    accept_registration(mocked, raw, deployment_id="3")
    confirm(client, start(client, url))
    body = posted_registration(mocked)
    configuration = body["https://purl.imsglobal.org/spec/lti-tool-configuration"]
    assert {"name", "given_name", "family_name", "email"} <= set(configuration["claims"])
    assert configuration["domain"] == "127.0.0.1:5000"
    assert any(m["type"] == "LtiDeepLinkingRequest" for m in configuration["messages"])


def test_dr_the_registration_token_is_sent_as_bearer_on_both_calls(
    client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.canvas()
    url = serve_configuration(mocked, raw)
    accept_registration(mocked, raw)
    confirm(client, start(client, url))
    assert [c.request.headers["Authorization"] for c in mocked.calls] == [f"Bearer {TOKEN}"] * 2


def test_dr_without_a_registration_token_no_authorization_is_sent(
    client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.moodle_4()
    url = serve_configuration(mocked, raw)
    accept_registration(mocked, raw, deployment_id="4")
    assert confirm(client, start(client, url, token=None)).status_code == 200
    assert all("Authorization" not in c.request.headers for c in mocked.calls)


def test_dr_canvas_returns_no_deployment_so_the_registration_learns_them(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.canvas()
    url = serve_configuration(mocked, raw)
    accept_registration(mocked, raw, client_id="170000000000559")
    page = start(client, url)
    assert "Test University" in page.get_data(as_text=True)
    done = confirm(client, page)
    html = done.get_data(as_text=True)
    assert "learned at the first launch of each deployment" in html
    assert "turn it on" in html
    registration = stored(app)
    assert registration.client_id == "170000000000559"
    assert registration.product_family == "canvas"
    assert registration.learns_deployments is True
    assert registration.deployments == []
    configuration = posted_registration(mocked)[
        "https://purl.imsglobal.org/spec/lti-tool-configuration"
    ]
    assert configuration[CANVAS_EXTENSION + "privacy_level"] == "public"
    placements = {m["type"]: m["placements"] for m in configuration["messages"]}
    assert placements["LtiDeepLinkingRequest"] == ["link_selection", "assignment_selection"]


def test_dr_beside_another_customer_on_canvas_shared_issuer_changes_nothing_of_theirs(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    from tests.support.platform import TestPlatform

    other = TestPlatform(issuer="https://canvas.instructure.com", client_id="1700000000001")
    other.register_with(app, deployment_ids=("1:abc",))
    raw = samples.canvas()
    url = serve_configuration(mocked, raw)
    accept_registration(mocked, raw, client_id="1700000000002")
    assert confirm(client, start(client, url)).status_code == 200
    with app.app_context():
        rows = {r.client_id: r for r in db.session.scalars(select(Registration))}
        theirs = rows["1700000000001"]
        assert theirs.learns_deployments is False
        assert theirs.registered_via == "manual"
        assert theirs.key_set_url == other.jwks_url
        assert [d.deployment_id for d in theirs.deployments] == ["1:abc"]
        assert rows["1700000000002"].deployments == []


def test_dr_registering_the_same_client_again_keeps_one_registration(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.moodle_4()
    url = serve_configuration(mocked, raw)
    accept_registration(mocked, raw, client_id="same", deployment_id="5")
    confirm(client, start(client, url))
    confirm(client, start(client, url))
    assert (registration_count(app), deployment_count(app)) == (1, 1)


def test_dr_pages_set_no_cookies_because_they_run_in_a_third_party_iframe(
    client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.moodle_4()
    url = serve_configuration(mocked, raw)
    accept_registration(mocked, raw, deployment_id="6")
    page = start(client, url)
    done = confirm(client, page)
    assert "Set-Cookie" not in page.headers and "Set-Cookie" not in done.headers


def test_dr_pages_are_in_dutch_and_the_language_switch_keeps_the_platforms_parameters(
    client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.moodle_4()
    url = serve_configuration(mocked, raw)
    accept_registration(mocked, raw, deployment_id="7")
    english = start(client, url).get_data(as_text=True)
    assert "openid_configuration=https" in english and "lang=nl" in english
    page = start(client, url, lang="nl")
    html = page.get_data(as_text=True)
    assert 'lang="nl"' in html
    assert "Registreer LearnLoop bij je LMS" in html
    done = confirm(client, page, lang="nl").get_data(as_text=True)
    assert "LearnLoop is geregistreerd" in done


# -- every failure: a clear page, nothing stored -------------------------------------------------


def refused(app: Flask, response: object, status: int, *phrases: str) -> str:
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert response.status_code == status, html  # type: ignore[attr-defined]
    assert "Traceback" not in html
    for phrase in phrases:
        assert phrase in html, html
    assert (registration_count(app), deployment_count(app)) == (0, 0)
    return html


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"openid_configuration": "ftp://moodle.example.org/config"},
        {"openid_configuration": "javascript:alert(1)"},
        {"openid_configuration": "/relative/path"},
    ],
)
def test_dr_without_an_http_configuration_url_is_refused_as_incomplete(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock, query: dict[str, str]
) -> None:
    response = client.get("/lti/register", query_string=query)
    refused(app, response, 400, "The registration link is incomplete")
    assert len(mocked.calls) == 0


@pytest.mark.parametrize(
    "failure",
    [requests.ConnectionError("connection refused"), requests.Timeout("read timed out")],
)
def test_dr_an_unreachable_configuration_says_learnloop_could_not_reach_the_lms(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock, failure: Exception
) -> None:
    url = samples.configuration_url(samples.moodle_4())
    mocked.get(url, body=failure)
    refused(app, start(client, url), 502, "LearnLoop could not reach your LMS")


def test_dr_a_configuration_answering_500_is_unreachable_and_its_answer_is_not_shown(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    # Whoever opens /lti/register picks this URL: its answer could be an internal site's.
    url = samples.configuration_url(samples.moodle_4())
    mocked.get(url, status=500, body="internal secret page")
    html = refused(app, start(client, url), 502, "could not reach", "answered 500")
    assert "internal secret page" not in html


def test_dr_a_configuration_refusing_the_token_says_the_link_expired(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    url = samples.configuration_url(samples.canvas())
    mocked.get(url, status=401, json={"errors": [{"message": "Invalid access token"}]})
    refused(app, start(client, url), 403, "expired or was already used")


def test_dr_a_configuration_redirecting_to_another_site_is_not_followed_there(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    url = samples.configuration_url(samples.moodle_4())
    elsewhere = "https://other.example.net/config.json"
    mocked.get(url, status=302, headers={"Location": elsewhere})
    mocked.get(elsewhere, json=samples.moodle_4("https://other.example.net"))
    refused(app, start(client, url), 502, "redirected to another site")


def test_dr_a_configuration_sending_our_registration_to_another_site_is_refused(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.moodle_4()
    raw["registration_endpoint"] = "http://10.0.0.5/admin/api"
    url = serve_configuration(mocked, raw)
    refused(app, start(client, url), 502, "registration_endpoint is not on the configuration")


@pytest.mark.parametrize("body", ["<html>Moodle login</html>", "{not json", ""])
def test_dr_a_configuration_that_is_not_json_is_refused(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock, body: str
) -> None:
    url = samples.configuration_url(samples.moodle_4())
    mocked.get(url, body=body, content_type="text/html")
    html = refused(app, start(client, url), 502, "answer could not be read")
    assert "Moodle login" not in html


def test_dr_a_configuration_larger_than_a_mebibyte_is_not_read(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    url = samples.configuration_url(samples.moodle_4())
    mocked.get(url, body=b"[" + b"0," * 600_000 + b"0]")
    refused(app, start(client, url), 502, "answer could not be read", "larger than")


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ([1, 2, 3], "not a JSON object"),
        ({"issuer": "https://moodle.example.org"}, "not an LTI platform"),
    ],
)
def test_dr_json_that_is_no_platform_configuration_is_refused_with_the_reason(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock, raw: object, detail: str
) -> None:
    url = samples.configuration_url(samples.moodle_4())
    mocked.get(url, json=raw)
    refused(app, start(client, url), 502, "configuration cannot be used", detail)


def test_dr_a_configuration_without_registration_endpoint_is_refused(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.moodle_4()
    del raw["registration_endpoint"]
    url = serve_configuration(mocked, raw)
    refused(app, start(client, url), 502, "registration_endpoint is missing")


def test_dr_3_5_1_a_configuration_whose_issuer_is_another_site_is_refused(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.moodle_4("https://moodle.example.org")
    url = "https://attacker.example.net/mod/lti/openid-configuration.php"
    mocked.get(url, json=raw)
    html = refused(app, start(client, url), 400, "names another site", "§3.5.1")
    assert "attacker.example.net" in html


def test_dr_the_platform_refusing_the_registration_shows_what_it_said(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.moodle_4()
    url = serve_configuration(mocked, raw)
    mocked.post(raw["registration_endpoint"], status=400, body="domain_targetlinkuri_mismatch")
    page = start(client, url)
    refused(
        app, confirm(client, page), 502, "refused the registration", "domain_targetlinkuri_mismatch"
    )


def test_dr_a_used_or_expired_token_at_registration_says_so_with_the_platforms_words(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.moodle_4()
    url = serve_configuration(mocked, raw)
    mocked.post(raw["registration_endpoint"], status=401, body="token_already_used")
    refused(
        app,
        confirm(client, start(client, url)),
        403,
        "expired or was already used",
        "token_already_used",
    )


def test_dr_a_platform_error_text_is_shown_as_text_not_as_html(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.moodle_4()
    url = serve_configuration(mocked, raw)
    mocked.post(raw["registration_endpoint"], status=400, body="<script>alert(1)</script>")
    html = refused(app, confirm(client, start(client, url)), 502, "&lt;script&gt;")
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize(
    "answer",
    [
        {"body": "OK"},
        {"json": {"client_name": "LearnLoop"}},
        {"json": {"client_id": ""}},
        {"json": ["client_id"]},
    ],
)
def test_dr_an_answer_without_a_usable_client_id_stores_nothing(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock, answer: dict[str, object]
) -> None:
    raw = samples.canvas()
    url = serve_configuration(mocked, raw)
    mocked.post(raw["registration_endpoint"], **answer)  # type: ignore[arg-type]
    refused(app, confirm(client, start(client, url)), 502, "answer could not be understood")


def test_dr_an_unreachable_registration_endpoint_stores_nothing(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock
) -> None:
    raw = samples.canvas()
    url = serve_configuration(mocked, raw)
    mocked.post(raw["registration_endpoint"], body=requests.ConnectionError("reset"))
    refused(app, confirm(client, start(client, url)), 502, "could not reach")


def test_dr_a_registration_the_database_cannot_store_leaves_nothing_half_stored(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    raw = samples.moodle_4()
    url = serve_configuration(mocked, raw)
    accept_registration(mocked, raw, deployment_id="8")
    page = start(client, url)

    def failing_commit(self: Session) -> None:
        raise OperationalError("COMMIT", {}, Exception("disk full"))

    monkeypatch.setattr(Session, "commit", failing_commit)
    response = confirm(client, page)
    monkeypatch.undo()
    refused(app, response, 503, "LearnLoop could not store the registration")


@pytest.mark.parametrize("proposal", ["", "forged.token.value", "eyJ1IjoiaHR0cHM6Ly94In0.abc.def"])
def test_dr_a_confirmation_without_the_signed_proposal_is_refused(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock, proposal: str
) -> None:
    response = client.post("/lti/register", data={"proposal": proposal})
    refused(app, response, 400, "This registration page has expired")
    assert len(mocked.calls) == 0


def test_dr_a_confirmation_older_than_the_registration_token_is_refused(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    raw = samples.moodle_4()
    url = serve_configuration(mocked, raw)
    page = start(client, url)
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    refused(app, confirm(client, page), 400, "This registration page has expired")
    assert [c.request.method for c in mocked.calls] == ["GET"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_dr_turned_off_refuses_with_a_pointer_to_the_operator(
    app: Flask, client: FlaskClient, mocked: responses.RequestsMock, method: str
) -> None:
    app.config["DYNAMIC_REGISTRATION"] = "off"
    url = serve_configuration(mocked, samples.moodle_4())
    response = client.open(
        "/lti/register", method=method, query_string={"openid_configuration": url}
    )
    refused(app, response, 403, "Dynamic Registration is turned off here")
    assert len(mocked.calls) == 0


def test_an_unknown_dynamic_registration_setting_stops_the_app_at_start() -> None:
    from lti_tool import create_app

    with pytest.raises(ValueError, match="LEARNLOOP_DYNAMIC_REGISTRATION"):
        create_app(
            {"DYNAMIC_REGISTRATION": "maybe", "DATABASE_URL": "sqlite://", "SECRET_KEY": "x" * 32}
        )
