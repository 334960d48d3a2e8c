"""The manual paths for platforms without Dynamic Registration: Canvas's developer-key JSON at
``/lti/canvas.json`` and the values for Moodle's "Configure a tool manually"."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient


def test_canvas_json_is_the_developer_key_configuration_for_this_base_url(
    client: FlaskClient,
) -> None:
    response = client.get("/lti/canvas.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    config = response.get_json()
    assert config["oidc_initiation_url"] == "http://127.0.0.1:5000/lti/login"
    assert config["target_link_uri"] == "http://127.0.0.1:5000/lti/launch"
    assert config["public_jwk_url"] == "http://127.0.0.1:5000/lti/jwks.json"
    (extension,) = config["extensions"]
    assert extension["domain"] == "127.0.0.1:5000"
    assert extension["privacy_level"] == "public"
    selection = [
        p for p in extension["settings"]["placements"] if p["placement"] == "link_selection"
    ]
    assert selection[0]["message_type"] == "LtiDeepLinkingRequest"


def test_canvas_json_follows_the_configured_base_url(app: Flask) -> None:
    app.config["BASE_URL"] = "https://learnloop.example.org"
    config = app.test_client().get("/lti/canvas.json").get_json()
    assert config["target_link_uri"] == "https://learnloop.example.org/lti/launch"
    assert config["extensions"][0]["domain"] == "learnloop.example.org"


def test_the_moodle_page_lists_every_value_to_paste_and_the_dynamic_registration_url(
    client: FlaskClient,
) -> None:
    page = client.get("/lti/setup/moodle")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for value in (
        "http://127.0.0.1:5000/lti/launch",
        "http://127.0.0.1:5000/lti/login",
        "http://127.0.0.1:5000/lti/jwks.json",
        "http://127.0.0.1:5000/lti/register",
    ):
        assert f"<code>{value}</code>" in html
    assert "Share launcher's email with tool" in html
    assert "Keyset URL" in html


def test_the_moodle_page_leaves_out_dynamic_registration_when_it_is_off(app: Flask) -> None:
    app.config["DYNAMIC_REGISTRATION"] = "off"
    html = app.test_client().get("/lti/setup/moodle").get_data(as_text=True)
    assert "/lti/register" not in html
    assert "Configure a tool manually" in html


def test_the_moodle_page_is_in_dutch(client: FlaskClient) -> None:
    html = client.get("/lti/setup/moodle", query_string={"lang": "nl"}).get_data(as_text=True)
    assert 'lang="nl"' in html
    assert "LearnLoop registreren in Moodle" in html
