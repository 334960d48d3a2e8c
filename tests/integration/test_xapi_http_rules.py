"""How the listener answers at the HTTP level: versions, credentials, CORS, bodies and refusals
(xAPI 1.0.3 Communication 3.2–3.3 and 4.0). Every answer is JSON and carries the version."""

from __future__ import annotations

import json
import random
import time
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.xapi_helpers import (
    V2,
    Lrs,
    basic_auth,
    new_credential,
    statement,
    stored_count,
)

VERSION = "X-Experience-API-Version"


def test_about_answers_the_versions_without_credentials_or_version_header(
    client: FlaskClient,
) -> None:
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert response.get_json() == {"version": ["1.0.3", "2.0.0"]}
    assert response.headers[VERSION] == "1.0.3"
    assert client.get("/xapi/about", headers={VERSION: "2.0.0"}).headers[VERSION] == "2.0.0"
    assert client.get("/xapi/about", headers={VERSION: "9"}).status_code == 200


def test_a_request_without_the_version_header_is_a_400_that_still_names_a_version(
    lrs: Lrs,
) -> None:
    response = lrs.client.get(
        "/xapi/statements", headers={"Authorization": lrs.headers["Authorization"]}
    )
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.get_json()["error"]
    assert response.headers[VERSION] == "1.0.3"


def test_the_version_missing_answer_is_configurable(app: Flask, lrs: Lrs) -> None:
    app.config["XAPI_VERSION_WHEN_MISSING"] = "2.0.0"
    response = lrs.client.get(
        "/xapi/statements", headers={"Authorization": lrs.headers["Authorization"]}
    )
    assert response.headers[VERSION] == "2.0.0"


@pytest.mark.parametrize("version", ["0.95", "1.1.0", "2.1.0", "3.0.0", "", "latest"])
def test_an_unsupported_version_is_a_400(lrs: Lrs, version: str) -> None:
    lrs.version = version
    assert lrs.post(statement()).status_code == 400


@pytest.mark.parametrize(
    ("sent", "answered"),
    [("1.0", "1.0.3"), ("1.0.1", "1.0.3"), ("2.0.0", "2.0.0"), ("2.0", "2.0.0")],
)
def test_the_answer_names_the_latest_patch_of_the_version_asked_for(
    lrs: Lrs, sent: str, answered: str
) -> None:
    lrs.version = sent
    response = lrs.post(statement())
    assert response.status_code == 200
    assert response.headers[VERSION] == answered


def test_2_0_only_properties_are_refused_in_a_1_0_3_request_and_accepted_in_a_2_0_one(
    lrs: Lrs,
) -> None:
    agents = [{"objectType": "contextAgent", "agent": {"mbox": "mailto:coach@example.edu"}}]
    sent = statement(context={"contextAgents": agents})
    assert lrs.post(sent).status_code == 400
    lrs.version = V2
    assert lrs.post(sent).status_code == 200


def test_missing_credentials_are_a_401_with_a_basic_challenge(lrs: Lrs) -> None:
    response = lrs.client.get("/xapi/statements", headers={VERSION: "1.0.3"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="LearnLoop xAPI"'
    assert response.headers[VERSION] == "1.0.3"


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer abc",
        "Basic !!!not-base64",
        "Basic " + "QQ==",  # "A": no colon
        basic_auth("unknown-key", "whatever"),
    ],
)
def test_malformed_or_unknown_credentials_are_a_401(lrs: Lrs, authorization: str) -> None:
    response = lrs.client.get(
        "/xapi/statements", headers={VERSION: "1.0.3", "Authorization": authorization}
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="LearnLoop xAPI"'


def test_a_wrong_secret_is_a_401_even_right_after_the_right_one_was_cached(lrs: Lrs) -> None:
    assert lrs.get().status_code == 200
    wrong = basic_auth(lrs.credential.key, lrs.credential.secret + "x")
    response = lrs.client.get(
        "/xapi/statements", headers={VERSION: "1.0.3", "Authorization": wrong}
    )
    assert response.status_code == 401


def test_a_verified_credential_is_remembered_so_argon2_runs_once(
    app: Flask, lrs: Lrs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xapi import credentials

    calls: list[str] = []
    real = credentials._secret_matches
    monkeypatch.setattr(credentials, "_secret_matches", lambda h, s: calls.append(s) or real(h, s))
    for _ in range(5):
        assert lrs.get().status_code == 200
    assert len(calls) == 1
    cache = app.extensions["xapi.credentials"]
    cache.clock = lambda: time.monotonic() + 61  # a minute later the memory has expired
    assert lrs.get().status_code == 200
    assert len(calls) == 2


def test_a_revoked_credential_stops_working_at_once_in_this_process(app: Flask, lrs: Lrs) -> None:
    from lti_tool.core.db import commit_or_rollback
    from xapi import credentials

    assert lrs.get().status_code == 200
    with app.app_context(), commit_or_rollback():
        assert credentials.revoke_key(lrs.credential.key)
    assert lrs.get().status_code == 401


def test_a_credential_records_when_it_was_last_used(app: Flask, lrs: Lrs) -> None:
    from lti_tool.core.db import db
    from xapi.models import Credential

    lrs.get()
    with app.app_context():
        assert db.session.get(Credential, lrs.credential.id).last_used_at is not None


def test_cors_preflight_allows_the_xapi_headers_without_credentials(client: FlaskClient) -> None:
    response = client.options(
        "/xapi/statements",
        headers={
            "Origin": "https://lms.example.edu",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, x-experience-api-version",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    allowed = response.headers["Access-Control-Allow-Headers"]
    for header in ("Authorization", "Content-Type", "X-Experience-API-Version"):
        assert header in allowed
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_every_answer_lets_browsers_read_the_xapi_headers(lrs: Lrs) -> None:
    response = lrs.get()
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Experience-API-Version" in response.headers["Access-Control-Expose-Headers"]


def test_an_invalid_statement_is_a_400_naming_the_path_and_rule_and_nothing_is_stored(
    app: Flask, lrs: Lrs
) -> None:
    batch = [statement() for _ in range(4)]
    batch[3]["actor"] = {"mbox": "ada@example.edu"}
    response = lrs.post(batch)
    assert response.status_code == 400
    body = response.get_json()
    assert body["errors"] == [
        {"path": "statements[3].actor.mbox", "message": 'must start with "mailto:"'}
    ]
    assert 'statements[3].actor.mbox: must start with "mailto:"' in body["error"]
    assert stored_count(app) == 0


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("{", "not valid JSON"),
        ('{"actor": {}, "actor": {}}', "appears twice"),
        ("[NaN]", "NaN"),
        ('{"x": 1e999}', "too large"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ('"a string"', "statement"),
        ("[1, 2]", "JSON object"),
        ("", "not valid JSON"),
    ],
)
def test_a_body_that_is_not_a_statement_is_a_400(
    app: Flask, lrs: Lrs, body: str, fragment: str
) -> None:
    response = lrs.post(body)
    assert response.status_code == 400
    assert fragment in json.dumps(response.get_json())
    assert stored_count(app) == 0


def test_a_body_that_is_not_utf_8_is_a_400(lrs: Lrs) -> None:
    response = lrs.post(json.dumps(statement()).encode("utf-16"))
    assert response.status_code == 400


def test_a_lone_surrogate_escape_is_a_400_and_a_pair_is_text(lrs: Lrs) -> None:
    lone = json.dumps(statement(actor={"name": "\ud800", "mbox": "mailto:a@example.edu"}))
    assert lrs.post(lone).status_code == 400
    pair = statement(actor={"name": "Ada \U0001f600", "mbox": "mailto:a@example.edu"})
    assert lrs.post(json.dumps(pair)).status_code == 200
    assert lrs.get(statementId=pair["id"]).get_json()["actor"]["name"] == "Ada \U0001f600"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_wrong_content_type_is_a_400_not_a_415(lrs: Lrs, content_type: str) -> None:
    response = lrs.post(json.dumps(statement()), **{"Content-Type": content_type})
    assert response.status_code == 400
    assert "application/json" in response.get_json()["error"]


def test_json_with_a_charset_is_fine(lrs: Lrs) -> None:
    response = lrs.post(
        json.dumps(statement()), **{"Content-Type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 200


def test_a_json_body_needs_a_file_url_on_every_attachment(lrs: Lrs) -> None:
    # C1.5.1, XAPI-00129; the data itself travels in multipart/mixed (test_xapi_attachments)
    attachment = {
        "usageType": "http://example.com/usage",
        "display": {"en": "a file"},
        "contentType": "text/plain",
        "length": 3,
        "sha2": "a" * 64,
    }
    without_url = lrs.post(statement(attachments=[attachment]))
    assert without_url.status_code == 400
    [error] = without_url.get_json()["errors"]
    assert error["path"] == "attachments[0].fileUrl" and "multipart/mixed" in error["message"]
    with_url = statement(attachments=[{**attachment, "fileUrl": "https://example.com/f.txt"}])
    assert lrs.post(with_url).status_code == 200


def test_a_body_over_the_configured_limit_is_a_413_in_json(app: Flask, lrs: Lrs) -> None:
    app.config["XAPI_MAX_BODY"] = 2000
    big = [statement() for _ in range(20)]
    response = lrs.post(big)
    assert response.status_code == 413
    assert response.get_json()["error"].startswith("The body is larger")
    assert response.headers[VERSION] == "1.0.3"
    assert stored_count(app) == 0


def test_a_body_over_flasks_own_limit_is_still_a_json_413(app: Flask, lrs: Lrs) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100  # the xAPI limit, not this one, applies here
    app.config["XAPI_MAX_BODY"] = 200
    response = lrs.post("[" + " " * 300 + "]")
    assert response.status_code == 413
    assert response.mimetype == "application/json"
    assert lrs.post([statement()]).status_code == 413
    app.config["XAPI_MAX_BODY"] = 5000
    assert lrs.post([statement()]).status_code == 200


def test_post_takes_no_query_parameters(lrs: Lrs) -> None:
    response = lrs.client.post(
        "/xapi/statements?method=PUT",
        data=json.dumps(statement()),
        headers={**lrs.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "alternate request syntax" in response.get_json()["error"]


def test_other_methods_and_resources_answer_json(lrs: Lrs) -> None:
    deleted = lrs.client.delete("/xapi/statements", headers=lrs.headers)
    assert deleted.status_code == 405
    assert deleted.get_json()["error"]
    unknown = lrs.client.get("/xapi/activities/state", headers=lrs.headers)
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]
    assert unknown.headers[VERSION] == "1.0.3"


def _garbage(rng: random.Random) -> str:
    pieces = [
        '{"actor":',
        '"mbox"',
        "null",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        '"\\u0000"',
        "1e308",
        '"id"',
        '"objectType"',
        '"Group"',
        '"member"',
        "true",
        "-0",
        '"\\ud800"',
        '"\u00e9"',
        '"verb"',
        '"object"',
        '"mailto:a@b.c"',
        '"http://x"',
        "0.1",
        '"timestamp"',
        " ",
    ]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))


def test_no_input_makes_the_listener_fail_with_a_500(app: Flask, lrs: Lrs) -> None:
    rng = random.Random(20261128)  # noqa: S311  # reproducible garbage, not secrets
    valid = statement()
    bodies: list[str | bytes] = [_garbage(rng) for _ in range(300)]
    bodies += [json.dumps(_mutated(valid, rng)) for _ in range(300)]
    bodies += [bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64))) for _ in range(50)]
    for body in bodies:
        response = lrs.post(body)
        assert response.status_code in (200, 400, 409), (body, response.get_data(as_text=True))
        assert response.mimetype == "application/json"
    for body in bodies[:100]:
        put = lrs.client.put(
            "/xapi/statements",
            query_string={"statementId": str(uuid.uuid4())},
            data=body,
            headers={**lrs.headers, "Content-Type": "application/json"},
        )
        assert put.status_code in (204, 400, 409)
        query = lrs.get(agent=body if isinstance(body, str) else "x", verb=str(body)[:30])
        assert query.status_code in (200, 400)


def _mutated(statement: dict, rng: random.Random) -> dict:  # type: ignore[type-arg]
    """A valid statement with one value replaced by something odd."""
    odd = [
        None,
        "",
        0,
        -1,
        1.5,
        True,
        [],
        {},
        "x" * 3000,
        "\u0000",
        "mailto:",
        {"objectType": "Group"},
    ]
    copy = json.loads(json.dumps(statement))
    target = copy
    path = rng.choice(
        [
            ["actor"],
            ["actor", "mbox"],
            ["verb", "id"],
            ["object"],
            ["object", "id"],
            ["id"],
            ["timestamp"],
            ["result"],
            ["context"],
            ["actor", "account"],
            ["object", "objectType"],
            ["verb", "display"],
        ]
    )
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = rng.choice(odd)
    return copy


def test_a_very_long_iri_or_account_name_is_stored_and_found(lrs: Lrs) -> None:
    long_activity = {"id": "http://example.com/" + "a" * 5000}
    long_name = {"account": {"homePage": "http://www.example.org", "name": "n\u0000" * 400}}
    sent = statement(object=long_activity, actor=long_name)
    assert lrs.post(sent).status_code == 200
    assert [s["id"] for s in lrs.all_pages(activity=long_activity["id"])] == [sent["id"]]
    assert [s["id"] for s in lrs.all_pages(agent=json.dumps(long_name))] == [sent["id"]]


def test_another_tenants_credential_cannot_be_used_here_by_guessing_its_key(
    app: Flask, lrs: Lrs
) -> None:
    other = new_credential(app, "dep-2")
    mixed = basic_auth(other.key, lrs.credential.secret)
    response = lrs.client.get(
        "/xapi/statements", headers={VERSION: "1.0.3", "Authorization": mixed}
    )
    assert response.status_code == 401
