"""Reading statements from a JSON array or JSON-lines file a chunk at a time, with positions."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from xapi.streaming import CountingReader, Parsed, read_statements


def _read(data: str | bytes, chunk: int = 7) -> list[Parsed]:
    raw = data.encode() if isinstance(data, str) else data
    return list(read_statements(io.BytesIO(raw), chunk))


def _values(parsed: list[Parsed]) -> list[Any]:
    return [p.value for p in parsed if p.problem is None]


STATEMENTS = [{"id": str(n), "text": "a [tricky], {string} \\ \n" * n, "n": n} for n in range(5)]


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 1 << 16])
def test_an_array_is_read_element_by_element_whatever_the_chunk_size(chunk: int) -> None:
    text = json.dumps(STATEMENTS, indent=2)
    parsed = _read(text, chunk)
    assert _values(parsed) == STATEMENTS
    assert [p.position.split(" ")[0] for p in parsed] == [f"[{n}]" for n in range(5)]


def test_array_positions_name_the_line_each_element_starts_on() -> None:
    text = '[\n  {"a": 1},\n\n  {"b": 2}, {"c": 3}\n]\n'
    assert [p.position for p in _read(text, 4)] == ["[0] (line 2)", "[1] (line 4)", "[2] (line 4)"]


def test_a_number_cut_by_a_chunk_boundary_is_read_whole() -> None:
    assert _values(_read("[12345, 678]", 3)) == [12345, 678]


def test_json_lines_are_read_line_by_line_skipping_blank_lines() -> None:
    text = '{"a": 1}\r\n\n   \n{"b": 2}\n{"c": 3}'
    parsed = _read(text, 5)
    assert [(p.position, p.value) for p in parsed] == [
        ("line 1", {"a": 1}),
        ("line 4", {"b": 2}),
        ("line 5", {"c": 3}),
    ]


def test_a_bad_json_line_is_a_problem_for_that_line_and_reading_goes_on() -> None:
    parsed = _read('{"a": 1}\n{"a": \n{"b": 2}\n')
    assert parsed[1].position == "line 2" and parsed[1].problem is not None
    assert not parsed[1].fatal
    assert _values(parsed) == [{"a": 1}, {"b": 2}]


@pytest.mark.parametrize(
    ("element", "why"),
    [
        ('{"a": 1, "a": 2}', 'the key "a" appears twice'),
        ('{"a": NaN}', "NaN is not JSON"),
        ('{"a": 1e999}', "too large"),
        ('{"a": "\\ud800"}', "lone UTF-16 surrogate"),
    ],
)
def test_an_array_element_against_the_json_rules_is_skipped_and_reading_goes_on(
    element: str, why: str
) -> None:
    parsed = _read(f'[{{"first": true}}, {element}, {{"last": true}}]', 4)
    assert _values(parsed) == [{"first": True}, {"last": True}]
    assert parsed[1].position == "[1] (line 1)"
    assert parsed[1].problem and why in parsed[1].problem and not parsed[1].fatal


def test_the_same_rules_hold_in_json_lines() -> None:
    parsed = _read('{"a": 1, "a": 2}\n')
    assert parsed[0].problem and "appears twice" in parsed[0].problem


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[{"a": 1},\n{"b": }]', 2),
        ('[{"a": 1}\n\n{"b": 2}]', 3),
        ('[{"a": 1},]', 1),
        ('[{"a": 1}', 1),
        ('[{"a": 1}] trailing', 1),
    ],
)
def test_broken_array_syntax_ends_the_reading_with_its_line(text: str, line: int) -> None:
    parsed = _read(text, 4)
    assert parsed[0].value == {"a": 1}
    assert parsed[-1].fatal and parsed[-1].position == f"line {line}"


def test_a_byte_order_mark_and_leading_whitespace_are_fine() -> None:
    assert _values(_read(b'\xef\xbb\xbf \n [{"a": 1}]', 2)) == [{"a": 1}]
    assert _values(_read(b'\xef\xbb\xbf{"a": 1}\n', 2)) == [{"a": 1}]


def test_an_empty_file_or_array_holds_no_statements() -> None:
    assert _read("") == [] and _read("  \n ") == [] and _read("[ ]") == []


def test_text_that_is_not_utf8_ends_an_array() -> None:
    parsed = _read(b'[{"a": "\xff"}]', 3)
    assert parsed[-1].fatal and "UTF-8" in (parsed[-1].problem or "")


def test_memory_holds_a_chunk_and_an_element_never_the_whole_file() -> None:
    big = json.dumps([{"id": n, "pad": "x" * 100} for n in range(5000)]).encode()
    reads: list[int] = []

    class Spy(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            assert size is not None and 0 < size <= 2048
            reads.append(size)
            return super().read(size)

    count = sum(1 for _ in read_statements(Spy(big), 1024))
    assert count == 5000 and len(reads) > len(big) // 2048


def test_the_counting_reader_counts_the_bytes_read() -> None:
    reader = CountingReader(io.BytesIO(b'{"a": 1}\n{"b": 2}\n'))
    assert len(list(read_statements(reader, 4))) == 2
    assert reader.count == 18
