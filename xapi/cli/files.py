"""``learnloop xapi import FILE``: statements from a JSON array or JSON-lines file, streaming.

The progress bar (stderr) follows the bytes read. Each skipped statement is listed on stderr
with its position and the rule it breaks; the summary is JSON on stdout. The exit status is 1
when anything was skipped or the file could not be read to its end (see :mod:`xapi.importing`).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click
from flask.cli import with_appcontext

from xapi import connections, importing, streaming
from xapi.cli.common import Tenants, tenant_options

_LISTED = 100  # problems printed; the count says how many there were


def add_commands(xapi: click.Group, tenant: Tenants) -> None:
    @xapi.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @tenant_options()
    @click.option(
        "--xapi-version",
        type=click.Choice(connections.VERSIONS),
        default="1.0.3",
        show_default=True,
        help="Whose rules the statements are checked by.",
    )
    @click.option("--batch-size", type=click.IntRange(1, 5000), default=importing.BATCH)
    @with_appcontext
    def import_file(
        file: str,
        issuer: str,
        client_id: str,
        deployment_id: str,
        xapi_version: str,
        batch_size: int,
    ) -> None:
        """Import the statements in FILE (a JSON array, or one statement per line)."""
        tenant_id = tenant(issuer, client_id, deployment_id)
        with open(file, "rb") as raw:
            reader = streaming.CountingReader(raw)
            with click.progressbar(
                length=os.path.getsize(file),
                label=f"Importing {os.path.basename(file)}",
                file=sys.stderr,
            ) as bar:
                report = importing.import_statements(
                    reader,
                    tenant_id,
                    xapi_version,
                    batch_size=batch_size,
                    on_batch=lambda _: bar.update(reader.count - bar.pos),
                )
                bar.update(reader.count - bar.pos)
        _print(report)
        if not report.clean:
            raise SystemExit(1)


def _print(report: importing.ImportReport) -> None:
    for problem in report.problems[:_LISTED]:
        click.echo(f"skipped {problem}", err=True)
    if report.skipped > _LISTED:
        click.echo(f"… and {report.skipped - _LISTED} more skipped", err=True)
    if report.stopped:
        click.echo(f"stopped at {report.stopped}", err=True)
    summary: dict[str, Any] = {
        "read": report.read,
        "new": report.new,
        "already_stored": report.accepted - report.new,
        "skipped": report.skipped,
        "complete": report.stopped is None,
    }
    if report.without_id_or_timestamp:
        summary["without_id_or_timestamp"] = report.without_id_or_timestamp
    click.echo(json.dumps(summary, indent=2))
