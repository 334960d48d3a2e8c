"""An LRS connection's endpoint: the xAPI base URL, however it was pasted."""

from __future__ import annotations

import pytest

from xapi.connections import InvalidConnection, normalized_endpoint


@pytest.mark.parametrize(
    ("pasted", "endpoint"),
    [
        ("https://lrs.example.org/xapi/", "https://lrs.example.org/xapi/"),
        ("https://lrs.example.org/xapi", "https://lrs.example.org/xapi/"),
        (" https://lrs.example.org/xapi/statements/ ", "https://lrs.example.org/xapi/"),
        ("http://127.0.0.1:8100/xAPI/statements", "http://127.0.0.1:8100/xAPI/"),
        ("https://lrs.example.org", "https://lrs.example.org/"),
    ],
)
def test_the_endpoint_is_the_xapi_base_ending_in_a_slash(pasted: str, endpoint: str) -> None:
    assert normalized_endpoint(pasted) == endpoint


@pytest.mark.parametrize(
    "pasted",
    [
        "lrs.example.org/xapi/",
        "ftp://lrs.example.org/xapi/",
        "https:///xapi/",
        "https://lrs.example.org/xapi/?tenant=1",
        "https://lrs.example.org/xapi/#more",
        "https://key:secret@lrs.example.org/xapi/",
    ],
)
def test_an_endpoint_that_is_no_plain_http_url_is_refused(pasted: str) -> None:
    with pytest.raises(InvalidConnection) as refused:
        normalized_endpoint(pasted)
    assert refused.value.field == "endpoint"
