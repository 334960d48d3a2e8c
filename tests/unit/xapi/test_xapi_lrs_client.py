"""The LRS client: bounded retries with backoff (Retry-After honoured), and what counts as a
page of statements. The LRS is played by ``responses``; sleeping is recorded, never done."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator

import pytest
import requests
import responses

from xapi.lrs_client import (
    Backoff,
    BadAnswer,
    LrsClient,
    LrsRefused,
    LrsUnavailable,
    retry_after,
    shows,
)

ENDPOINT = "https://lrs.example.org/xapi/"
STATEMENTS = ENDPOINT + "statements"


@pytest.fixture
def lrs() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def client() -> LrsClient:
    return LrsClient(ENDPOINT, "key", "secret", "1.0.3")


def _backoff(slept: list[float], attempts: int = 4) -> Backoff:
    return Backoff(attempts=attempts, first_delay=1.0, max_delay=5.0, sleep=slept.append)


def _get(client: LrsClient, backoff: Backoff) -> requests.Response:
    return backoff.call(lambda: client.get_page(client.statements_url))


def test_a_429_is_retried_after_the_seconds_its_retry_after_asks_for(
    lrs: responses.RequestsMock, client: LrsClient
) -> None:
    lrs.get(STATEMENTS, status=429, headers={"Retry-After": "7"})
    lrs.get(STATEMENTS, json={"statements": [], "more": ""})
    slept: list[float] = []
    assert _get(client, _backoff(slept)).status_code == 200
    assert slept == [7.0]


def test_a_retry_after_date_is_waited_until() -> None:
    response = requests.Response()
    response.headers["Retry-After"] = email.utils.formatdate(time.time() + 30, usegmt=True)
    wait = retry_after(response)
    assert wait is not None and 25 < wait <= 30


def test_a_500_then_success_retries_with_the_first_delay(
    lrs: responses.RequestsMock, client: LrsClient
) -> None:
    lrs.get(STATEMENTS, status=500)
    lrs.get(STATEMENTS, status=503)
    lrs.get(STATEMENTS, json={"statements": [], "more": ""})
    slept: list[float] = []
    assert _get(client, _backoff(slept)).status_code == 200
    assert slept == [1.0, 2.0]


def test_retries_are_bounded_and_the_delay_is_capped(
    lrs: responses.RequestsMock, client: LrsClient
) -> None:
    lrs.get(STATEMENTS, body=requests.ConnectionError("refused"))
    slept: list[float] = []
    with pytest.raises(
        LrsUnavailable, match=r"could not reach the LRS .*; gave up after 5 attempts"
    ):
        _get(client, _backoff(slept, attempts=5))
    assert slept == [1.0, 2.0, 4.0, 5.0]


def test_a_retry_after_beyond_the_cap_gives_up_at_once(
    lrs: responses.RequestsMock, client: LrsClient
) -> None:
    lrs.get(STATEMENTS, status=503, headers={"Retry-After": "3600"})
    slept: list[float] = []
    with pytest.raises(LrsUnavailable, match="asking us to wait 3600 s") as raised:
        _get(client, _backoff(slept))
    assert raised.value.retry_after == 3600 and slept == []


def test_a_4xx_is_not_retried(lrs: responses.RequestsMock, client: LrsClient) -> None:
    lrs.get(STATEMENTS, status=401, body="who are you")
    slept: list[float] = []
    response = _get(client, _backoff(slept))
    with pytest.raises(LrsRefused, match="401: who are you"):
        client.read_page(response)
    assert slept == []


def test_requests_carry_basic_auth_and_the_connections_xapi_version(
    lrs: responses.RequestsMock, client: LrsClient
) -> None:
    lrs.get(STATEMENTS, json={"statements": []})
    client.get_page(client.statements_url)
    sent = lrs.calls[0].request
    assert sent.headers["X-Experience-API-Version"] == "1.0.3"
    assert sent.headers["Authorization"].startswith("Basic ")


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b'{"statements": [', "not valid JSON"),
        (b'{"statements": [], "statements": []}', "appears twice"),
        (b'["not", "a", "result"]', "not a StatementResult"),
        (b'{"statements": {}}', "not a StatementResult"),
        (b'{"statements": [], "more": 3}', "not a StatementResult"),
    ],
)
def test_malformed_json_or_a_wrong_shape_is_a_bad_answer(
    lrs: responses.RequestsMock, client: LrsClient, body: bytes, why: str
) -> None:
    lrs.get(STATEMENTS, body=body, content_type="application/json")
    with pytest.raises(BadAnswer, match=why):
        client.read_page(client.get_page(client.statements_url))


def test_a_relative_or_same_server_more_link_is_followed_absolute(
    lrs: responses.RequestsMock, client: LrsClient
) -> None:
    lrs.get(STATEMENTS, json={"statements": [], "more": "/xapi/statements/more/abc"})
    lrs.get(STATEMENTS, json={"statements": [], "more": ENDPOINT + "statements/more/def"})
    first = client.read_page(client.get_page(client.statements_url))
    second = client.read_page(client.get_page(client.statements_url))
    assert first.more == "https://lrs.example.org/xapi/statements/more/abc"
    assert second.more == "https://lrs.example.org/xapi/statements/more/def"


def test_a_more_link_to_another_server_never_gets_our_credentials(
    lrs: responses.RequestsMock, client: LrsClient
) -> None:
    lrs.get(STATEMENTS, json={"statements": [], "more": "https://evil.example.com/steal"})
    with pytest.raises(BadAnswer, match="another server"):
        client.read_page(client.get_page(client.statements_url))


def test_an_empty_or_absent_more_means_the_last_page(
    lrs: responses.RequestsMock, client: LrsClient
) -> None:
    lrs.get(STATEMENTS, json={"statements": [], "more": ""})
    lrs.get(STATEMENTS, json={"statements": []})
    for _ in range(2):
        assert client.read_page(client.get_page(client.statements_url)).more is None


def test_consistent_through_is_read_when_the_lrs_sends_it(
    lrs: responses.RequestsMock, client: LrsClient
) -> None:
    through = "2026-01-02T03:04:05.678Z"
    lrs.get(
        STATEMENTS,
        json={"statements": []},
        headers={"X-Experience-API-Consistent-Through": through},
    )
    page = client.read_page(client.get_page(client.statements_url))
    assert page.consistent_through is not None
    assert page.consistent_through.isoformat() == "2026-01-02T03:04:05.678000+00:00"


@pytest.mark.parametrize(
    ("status", "body", "shown"),
    [
        (200, {"id": "ABC", "actor": {}}, True),  # the spec's answer: the statement
        (200, {"statements": [{"id": "abc"}]}, True),  # Ralph 5.1's answer
        (200, {"statements": []}, False),  # Ralph 5.1 for an unknown id
        (404, {"error": "no such statement"}, False),
    ],
)
def test_a_statement_is_shown_only_when_the_answer_holds_it(
    lrs: responses.RequestsMock, client: LrsClient, status: int, body: object, shown: bool
) -> None:
    lrs.get(STATEMENTS, json=body, status=status)
    assert shows(client.get_statement("abc"), "abc") is shown


@pytest.mark.parametrize("declared", [True, False], ids=["Content-Length", "no length"])
def test_a_page_larger_than_the_limit_is_a_bad_answer_read_no_further(
    lrs: responses.RequestsMock, declared: bool
) -> None:
    body = b'{"statements": [], "more": ""}' + b" " * 2000
    headers = {"Content-Length": str(len(body))} if declared else {}
    lrs.get(STATEMENTS, body=body, content_type="application/json", headers=headers)
    lrs.get(STATEMENTS, body=body, content_type="application/json", headers=headers)
    small = LrsClient(ENDPOINT, "key", "secret", "1.0.3", max_page_bytes=1000)
    with pytest.raises(BadAnswer, match="larger than 1000 bytes"):
        small.read_page(small.get_page(small.statements_url))
    enough = LrsClient(ENDPOINT, "key", "secret", "1.0.3", max_page_bytes=len(body))
    assert enough.read_page(enough.get_page(enough.statements_url)).statements == []
