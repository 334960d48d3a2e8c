"""Reading statements from a file a piece at a time: a JSON array of statements, or JSON lines
(one statement per line). Memory holds one chunk and one statement, never the file.

Each statement comes out as a :class:`Parsed` with its position: ``line 12`` in JSON lines,
``[3] (line 40)`` (array index, and the line the element starts on) in an array. The JSON rules
are the listener's (:mod:`xapi.jsonbody`): a duplicate key, ``NaN`` or a lone surrogate makes
that one statement a problem, and reading goes on with the next. Broken JSON syntax is a problem
for its line in JSON lines; in an array it ends the reading (``fatal``), since where the next
element would start cannot be known.

The array is read with ``json.JSONDecoder.raw_decode`` over a growing window of text: an
element cut off by the end of a chunk fails to decode (or, for a bare number, ends exactly at
the window's end), and is decoded again once the next chunk is in.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from xapi import jsonbody

CHUNK = 1 << 16
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = re.compile(r"[ \t\n\r]*")


@dataclass(frozen=True)
class Parsed:
    position: str
    value: Any = None
    problem: str | None = None  # set when there is no value
    fatal: bool = False  # nothing after this can be read


class CountingReader:
    """A binary stream that counts the bytes read from it (for a progress bar)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.count = 0

    def read(self, size: int) -> bytes:
        data = self.stream.read(size)
        self.count += len(data)
        return data


def read_statements(stream: BinaryIO | CountingReader, chunk: int = CHUNK) -> Iterator[Parsed]:
    """Every statement in the file, in order; the format is told by its first character."""
    first = b""
    while len(first) < len(_BOM) or not first.removeprefix(_BOM).lstrip():
        more = stream.read(chunk)
        if not more:
            break
        first += more
    start = first.removeprefix(_BOM).lstrip()
    if not start:
        return  # an empty file holds no statements
    if start.startswith(b"["):
        yield from _ArrayReader(first, stream, chunk).items()
    else:
        yield from _json_lines(first, stream, chunk)


def _json_lines(first: bytes, stream: BinaryIO | CountingReader, chunk: int) -> Iterator[Parsed]:
    for number, line in enumerate(_lines(first, stream, chunk), 1):
        text = (line.removeprefix(_BOM) if number == 1 else line).strip()
        if not text:
            continue
        try:
            yield Parsed(f"line {number}", jsonbody.loads(text))
        except jsonbody.BadJson as exc:
            yield Parsed(f"line {number}", problem=f"not valid JSON: {exc}")


def _lines(first: bytes, stream: BinaryIO | CountingReader, chunk: int) -> Iterator[bytes]:
    buffer = bytearray(first)
    start = scanned = 0
    while True:
        newline = buffer.find(b"\n", scanned)
        if newline >= 0:
            yield bytes(buffer[start:newline])
            start = scanned = newline + 1
            continue
        del buffer[:start]
        start, scanned = 0, len(buffer)
        data = stream.read(chunk)
        if not data:
            if buffer:
                yield bytes(buffer)
            return
        buffer += data


class _Fatal(Exception):
    pass


class _ArrayReader:
    """A JSON array of statements, one element at a time; ``text[pos:]`` is still unread."""

    def __init__(self, first: bytes, stream: BinaryIO | CountingReader, chunk: int) -> None:
        self.stream = stream
        self.chunk = chunk
        self.decode = codecs.getincrementaldecoder("utf-8")().decode
        self.strict = jsonbody.strict_decoder()
        self.lenient = json.JSONDecoder()
        self.text = self.decode(first).removeprefix("\ufeff")
        self.pos = 0
        self.eof = False
        self.line, self.counted = 1, 0  # the line number at text[counted]

    def items(self) -> Iterator[Parsed]:
        try:
            yield from self._elements()
        except _Fatal as exc:
            yield Parsed(f"line {self._line_at(self.pos)}", problem=str(exc), fatal=True)
        except UnicodeDecodeError as exc:
            yield Parsed("the file", problem=f"not UTF-8 text ({exc.reason})", fatal=True)

    def _elements(self) -> Iterator[Parsed]:
        self._next_char()
        self.pos += 1  # the "[" read_statements saw
        index = 0
        if self._next_char() == "]":
            self.pos += 1
        else:
            while True:
                yield self._element(f"[{index}] (line {self._line_at(self.pos)})")
                index += 1
                after = self._next_char()
                self.pos += 1
                if after == "]":
                    break
                if after != ",":
                    raise _Fatal(f"expected , or ] after [{index - 1}], found {after or 'the end'}")
                self._next_char()  # raw_decode does not skip whitespace
        if self._next_char() is not None:
            raise _Fatal("there is more after the array's closing ]")

    def _element(self, position: str) -> Parsed:
        while True:
            start = self.pos
            try:
                value, end = self.strict.raw_decode(self.text, start)
            except jsonbody.BadJson as exc:  # complete, but against xAPI's JSON rules
                self.pos = self._lenient_end(start)
                return Parsed(position, problem=f"not valid JSON: {exc}")
            except json.JSONDecodeError as exc:
                if self._read_more():
                    continue
                self.pos = exc.pos
                raise _Fatal(f"not valid JSON: {exc.msg}") from exc
            except (ValueError, RecursionError) as exc:
                raise _Fatal(f"not valid JSON: {exc}") from exc
            if end == len(self.text) and self._read_more():
                continue  # a number may go on in the next chunk
            self.pos = end
            try:
                jsonbody.check_text(self.text[start:end], value)
            except jsonbody.BadJson as exc:
                return Parsed(position, problem=f"not valid JSON: {exc}")
            return Parsed(position, value)

    def _lenient_end(self, start: int) -> int:
        while True:
            try:
                return self.lenient.raw_decode(self.text, start)[1]
            except json.JSONDecodeError as exc:
                if not self._read_more():
                    raise _Fatal(f"not valid JSON: {exc.msg}") from exc
                start = self.pos

    def _next_char(self) -> str | None:
        """The next character that is not whitespace (not consumed); None at the end."""
        while True:
            self.pos = _WHITESPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._read_more():
                return None

    def _read_more(self) -> bool:
        """Drop the text before ``pos``, add the next chunk (at least doubling what is kept)."""
        if self.eof:
            return False
        data = self.stream.read(max(self.chunk, len(self.text) - self.pos))
        self.eof = not data
        self._line_at(self.pos)
        self.text = self.text[self.pos :] + self.decode(data, final=self.eof)
        self.counted -= self.pos
        self.pos = 0
        return True

    def _line_at(self, pos: int) -> int:
        self.line += self.text.count("\n", self.counted, pos)
        self.counted = pos
        return self.line
