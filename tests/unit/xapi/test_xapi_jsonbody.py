"""Strict JSON: what Python's json accepts but xAPI does not."""

from __future__ import annotations

import pytest

from xapi.jsonbody import BadJson, dumps, loads


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b'{"a": 1, "a": 2}', 'the key "a" appears twice'),
        (b'{"a": {"b": 1, "b": 1}}', 'the key "b" appears twice'),
        (b"[NaN]", "NaN is not JSON"),
        (b"[-Infinity]", "-Infinity is not JSON"),
        (b"[1e999]", "too large"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'["\\ud800"]', "lone UTF-16 surrogate"),
        (b"[" * 100_000, "nested too deeply"),
        (b"[1,]", "Expecting value"),
        (b"1" * 5000, "Exceeds the limit"),  # Python's int digit limit
    ],
)
def test_what_xapi_does_not_accept_is_refused_with_a_reason(text: bytes, reason: str) -> None:
    with pytest.raises(BadJson, match=reason):
        loads(text)


def test_a_byte_order_mark_and_surrogate_pairs_are_fine() -> None:
    assert loads(b'\xef\xbb\xbf{"a": "\\ud83d\\ude00"}') == {"a": "\U0001f600"}


def test_dumps_is_compact_and_keeps_key_order_and_non_ascii() -> None:
    assert dumps({"b": 1, "a": "é"}) == '{"b":1,"a":"é"}'
