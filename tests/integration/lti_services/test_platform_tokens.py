"""Platform access tokens (1EdTech Security Framework 1.0 §4.1, client credentials with a JWT
assertion): asked for once per registration and scope set, kept in the database for every
worker until shortly before they expire, and every way the token endpoint can fail."""

from __future__ import annotations

import datetime as dt
import threading
import time
from urllib.parse import parse_qs

import jwt
import pytest
import requests
import responses
from flask import Flask
from sqlalchemy import select

from lti_tool.core.db import commit_or_rollback, db, utcnow
from lti_tool.lti import keys
from lti_tool.lti.registrations import RegistrationInput, find_registration, register
from lti_tool.lti.services.http import (
    Malformed,
    PlatformAccount,
    PlatformClient,
    Refused,
    Unavailable,
)
from lti_tool.lti.services.models import PlatformToken
from lti_tool.lti.services.tokens import PlatformTokens
from tests.integration.lti_services.helpers import NRPS_SCOPE, SCOPE, TOKEN_URL, token_body
from tests.support.platform import TestPlatform

SCORE = (SCOPE + "score",)
SERVICE = "https://lms.example.edu/api/lti/courses/1/names_and_roles"


def _tokens(app: Flask, client_id: str = "client-1", **kwargs: object) -> PlatformTokens:
    registration = find_registration("https://lms.example.edu", client_id)
    assert registration is not None
    return PlatformTokens(PlatformAccount.of(registration), requests.Session(), 2.0, **kwargs)  # type: ignore[arg-type]


def _forget_memory(app: Flask) -> None:
    """As another worker process would start: nothing remembered in memory."""
    app.extensions.pop("learnloop.caches", None)


def _token_requests(rsps: responses.RequestsMock) -> list[dict[str, list[str]]]:
    return [parse_qs(call.request.body) for call in rsps.calls if call.request.url == TOKEN_URL]


def test_a_token_is_asked_for_once_and_then_read_from_the_database_by_every_worker(
    app: Flask, registered: TestPlatform
) -> None:
    with app.app_context(), responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body("shared"))
        assert _tokens(app).get(SCORE) == "shared"
        _forget_memory(app)
        assert _tokens(app).get(SCORE) == "shared"
        assert len(_token_requests(rsps)) == 1
        row = db.session.scalars(select(PlatformToken)).one()
        assert row.requests_made == 1
        assert "shared" not in (row.access_token or "")  # encrypted at rest


def test_the_client_assertion_is_signed_with_the_active_key_for_the_token_url(
    app: Flask, registered: TestPlatform
) -> None:
    with app.app_context(), responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body())
        _tokens(app).get(SCORE)
        form = _token_requests(rsps)[0]
        active = keys.signing_key()
        public = next(k for k in keys.jwks()["keys"] if k["kid"] == active.kid)
    assertion = form["client_assertion"][0]
    assert jwt.get_unverified_header(assertion)["kid"] == active.kid
    claims = jwt.decode(assertion, jwt.PyJWK(public).key, algorithms=["RS256"], audience=TOKEN_URL)
    assert claims["iss"] == claims["sub"] == "client-1"
    assert claims["jti"] and claims["exp"] > claims["iat"]
    assert form["grant_type"] == ["client_credentials"]
    assert form["client_assertion_type"] == [
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    ]
    assert form["scope"] == [SCORE[0]]


def test_two_registrations_on_one_issuer_never_share_a_token(
    app: Flask, registered: TestPlatform
) -> None:
    with app.app_context():
        with commit_or_rollback():  # Canvas cloud: one issuer, a client_id per customer
            register(
                RegistrationInput(
                    issuer="https://lms.example.edu",
                    client_id="client-2",
                    auth_login_url="https://lms.example.edu/auth",
                    auth_token_url=TOKEN_URL,
                    key_set_url=registered.jwks_url,
                    deployment_ids=("other-customer",),
                )
            )
        with responses.RequestsMock() as rsps:
            rsps.post(TOKEN_URL, json=token_body("for-client-1"))
            rsps.post(TOKEN_URL, json=token_body("for-client-2"))
            assert _tokens(app, "client-1").get(SCORE) == "for-client-1"
            assert _tokens(app, "client-2").get(SCORE) == "for-client-2"
            assert _tokens(app, "client-1").get(SCORE) == "for-client-1"
        assert db.session.query(PlatformToken).count() == 2


def test_each_scope_set_has_its_own_token(app: Flask, registered: TestPlatform) -> None:
    with app.app_context(), responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body("scores"))
        rsps.post(TOKEN_URL, json=token_body("roster"))
        assert _tokens(app).get(SCORE) == "scores"
        assert _tokens(app).get((NRPS_SCOPE,)) == "roster"
        assert _tokens(app).get(SCORE) == "scores"
        assert [f["scope"] for f in _token_requests(rsps)] == [[SCORE[0]], [NRPS_SCOPE]]


def test_a_token_is_renewed_a_minute_before_it_expires(
    app: Flask, registered: TestPlatform
) -> None:
    start = utcnow()
    now = [start]
    with app.app_context(), responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body("first", expires_in=3600))
        rsps.post(TOKEN_URL, json=token_body("second", expires_in=3600))
        tokens = _tokens(app, clock=lambda: now[0])
        assert tokens.get(SCORE) == "first"
        now[0] = start + dt.timedelta(seconds=3530)
        assert tokens.get(SCORE) == "first"
        now[0] = start + dt.timedelta(seconds=3545)
        assert tokens.get(SCORE) == "second"
        assert len(_token_requests(rsps)) == 2


def test_only_one_of_many_concurrent_workers_asks_the_platform(
    app: Flask, registered: TestPlatform
) -> None:
    def slow_token(request: object) -> tuple[int, dict[str, str], str]:
        time.sleep(0.3)
        return (
            200,
            {"Content-Type": "application/json"},
            '{"access_token": "one", "expires_in": 3600}',
        )

    got: list[str] = []

    def worker() -> None:
        with app.app_context():
            got.append(_tokens(app).get(SCORE))

    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.POST, TOKEN_URL, callback=slow_token)
        threads = [threading.Thread(target=worker) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert got == ["one"] * 5
        assert len(_token_requests(rsps)) == 1


@pytest.mark.parametrize(
    ("answer", "error", "fragment"),
    [
        ({"status": 500, "body": "oops"}, Unavailable, "answered 500"),
        ({"status": 503, "body": ""}, Unavailable, "answered 503"),
        (
            {"status": 429, "body": "slow down", "headers": {"Retry-After": "30"}},
            Unavailable,
            "429",
        ),
        ({"body": requests.exceptions.ReadTimeout()}, Unavailable, "no answer within"),
        ({"body": requests.exceptions.ConnectionError()}, Unavailable, "could not reach"),
        ({"status": 200, "body": "<html>login</html>"}, Malformed, "not JSON"),
        ({"status": 200, "json": {"token_type": "Bearer"}}, Malformed, "no access_token"),
        ({"status": 400, "json": {"error": "invalid_scope"}}, Refused, "invalid_scope"),
        ({"status": 401, "json": {"error": "invalid_client"}}, Refused, "invalid_client"),
    ],
)
def test_a_failing_token_endpoint_raises_a_clear_error_and_leaves_nothing_half_done(
    app: Flask,
    registered: TestPlatform,
    answer: dict,
    error: type[Exception],
    fragment: str,
) -> None:
    with app.app_context(), responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, **answer)
        with pytest.raises(error, match=fragment) as raised:
            _tokens(app).get(SCORE)
        if "Retry-After" in answer.get("headers", {}):
            assert raised.value.retry_after == 30  # type: ignore[attr-defined]
        row = db.session.scalars(select(PlatformToken)).one()
        assert row.access_token is None and row.refresh_lease_until is None
        assert fragment in (row.last_error or "")
        # Once the platform is back, the next call asks again and succeeds.
        rsps.replace(responses.POST, TOKEN_URL, json=token_body("back"))
        assert _tokens(app).get(SCORE) == "back"


def test_a_refused_token_is_replaced_once_and_the_call_retried(
    app: Flask, registered: TestPlatform
) -> None:
    with app.app_context(), responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body("revoked"))
        rsps.post(TOKEN_URL, json=token_body("fresh"))
        rsps.get(SERVICE, status=401, match=[_bearer("revoked")])
        rsps.get(SERVICE, json={"members": []}, match=[_bearer("fresh")])
        client = PlatformClient(_tokens(app), requests.Session(), 2.0)
        assert client.get(SERVICE, (NRPS_SCOPE,), "application/json").json() == {"members": []}
        assert len(_token_requests(rsps)) == 2
        _forget_memory(app)  # another worker reads the replacement, not the revoked one
        assert _tokens(app).get((NRPS_SCOPE,)) == "fresh"


def test_a_second_401_after_a_fresh_token_is_refused(app: Flask, registered: TestPlatform) -> None:
    with app.app_context(), responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, json=token_body("a"))
        rsps.post(TOKEN_URL, json=token_body("b"))
        rsps.get(SERVICE, status=401, json={"error": "no"})
        client = PlatformClient(_tokens(app), requests.Session(), 2.0)
        with pytest.raises(Refused, match="401"):
            client.get(SERVICE, (NRPS_SCOPE,), "application/json")
        assert len(_token_requests(rsps)) == 2
        assert len([c for c in rsps.calls if c.request.url == SERVICE]) == 2


def _bearer(token: str):  # type: ignore[no-untyped-def]
    return responses.matchers.header_matcher({"Authorization": f"Bearer {token}"})
