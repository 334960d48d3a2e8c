"""A list of records kept as JSON in one file of the demo's instance folder (its registered
tools, the links placed in its course), safe for the demo's threads."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class JsonFileList(Generic[T]):
    """Subclasses say how a stored row becomes a record (``_record``); records are dataclasses."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def all(self) -> list[T]:
        with self._lock:
            return self._read()

    def _record(self, row: dict[str, Any]) -> T:
        raise NotImplementedError

    def _read(self) -> list[T]:
        if not self.path.exists():
            return []
        return [self._record(row) for row in json.loads(self.path.read_text())]

    def _write(self, records: list[T]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.stem}-")
        with os.fdopen(fd, "w") as file:
            json.dump([asdict(record) for record in records], file, indent=2)
        os.replace(tmp, self.path)  # readers see the old list or the new one, never half
