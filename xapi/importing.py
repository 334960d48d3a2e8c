"""Importing statements from a file into one tenant (``learnloop xapi import``), streaming.

The file is a JSON array or JSON lines (:mod:`xapi.streaming`). Statements go in batches
through :mod:`xapi.intake` (the listener's validation and store), each batch committed and
announced (``statements_recorded``) before the next is read: so this is a unit-of-work
boundary, and an import that stops has kept every batch before it.

A bad statement is skipped and reported with its position (line, or array index and line) and
the rule it breaks; the import goes on with the rest and ends with a non-zero exit status. We
chose this over stopping (or dropping the whole batch): the file is an existing record, one bad
statement should not hold back its neighbours, and a single run then lists every problem. Broken
JSON syntax inside an array stops the reading there (see :mod:`xapi.streaming`).

Importing the same file again stores nothing twice: a statement keeps its id, and one without an
id but with a timestamp gets an id derived from its content (``XAPI_DERIVE_MISSING_IDS``). Only
statements with neither get a new id each time; the report counts them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from lti_tool.core.db import db
from xapi import events, intake, streaming

BATCH = 500
_PROBLEMS_KEPT = 1000  # listed in the report; all are counted


@dataclass
class ImportReport:
    read: int = 0  # statements found in the file, good and bad
    new: int = 0
    accepted: int = 0  # valid and stored, now or by an earlier import
    skipped: int = 0
    problems: list[intake.Problem] = field(default_factory=list)
    without_id_or_timestamp: int = 0
    stopped: intake.Problem | None = None  # the file could not be read to its end

    @property
    def clean(self) -> bool:
        return not self.skipped and self.stopped is None


def import_statements(
    stream: BinaryIO | streaming.CountingReader,
    tenant_id: int,
    version: str,
    *,
    batch_size: int = BATCH,
    on_batch: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Read the file to its end, storing a batch at a time; see the module docstring."""
    importer = _Importer(tenant_id, version, on_batch)
    batch: list[intake.Item] = []
    for parsed in streaming.read_statements(stream):
        if parsed.fatal:
            importer.report.stopped = intake.Problem(parsed.position, parsed.problem or "")
            break
        importer.report.read += 1
        if parsed.problem is not None:
            importer.note([intake.Problem(parsed.position, parsed.problem)])
            continue
        batch.append(intake.Item(parsed.position, parsed.value))
        if len(batch) >= batch_size:
            importer.store(batch)
            batch = []
    importer.store(batch)
    return importer.report


class _Importer:
    def __init__(
        self, tenant_id: int, version: str, on_batch: Callable[[ImportReport], None] | None
    ) -> None:
        self.tenant_id = tenant_id
        self.version = version
        self.by = intake.sender(tenant_id, "import", version)
        self.on_batch = on_batch
        self.report = ImportReport()

    def store(self, batch: list[intake.Item]) -> None:
        if not batch:
            return
        taken = intake.take_in(batch, self.by, self.version)
        db.session.commit()
        events.announce(self.tenant_id, taken.new_ids)
        self.report.new += len(taken.new_ids)
        self.report.accepted += taken.accepted
        self.report.without_id_or_timestamp += sum(
            1
            for item in batch
            if isinstance(item.statement, dict)
            and "id" not in item.statement
            and "timestamp" not in item.statement
        )
        self.note(taken.problems)
        if self.on_batch:
            self.on_batch(self.report)

    def note(self, problems: list[intake.Problem]) -> None:
        self.report.skipped += len(problems)
        self.report.problems += problems[: _PROBLEMS_KEPT - len(self.report.problems)]
