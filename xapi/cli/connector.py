"""``learnloop xapi …`` for LRS connections: add and list them, pull, deliver the outbox.

``pull`` shows a progress bar on stderr (the total is unknown until the LRS says there is no
``more``) and prints a summary as JSON on stdout. Statements the LRS holds but that break an
xAPI rule are skipped and listed on stderr; the exit status stays 0 for them (pulling again
would not change them), and is 1 when a pull failed (the LRS unreachable after retries, or a
wrong answer): the cursor is kept, so the next pull resumes. The summary counts the attachment
data kept and the statements stored without theirs, and its ``notes`` say what did not go as
asked (an LRS refusing ``attachments=true``, a cursor reset while the pull ran).
"""

from __future__ import annotations

import itertools
import json
import sys
from typing import Any

import click
from flask.cli import with_appcontext

from lti_tool.core.db import commit_or_rollback, db
from xapi import connections, delivery, pulling
from xapi.cli.common import Tenants, tenant_options
from xapi.models import LrsConnection

_LISTED = 20  # problems printed per connection; the count says how many there were


def add_commands(xapi: click.Group, tenant: Tenants) -> None:
    @xapi.command("add-connection")
    @tenant_options()
    @click.option("--endpoint", required=True, help="The LRS's xAPI endpoint (…/xapi/).")
    @click.option("--key", required=True, help="The key (Basic auth user name) at the LRS.")
    @click.option(
        "--secret",
        prompt=True,
        hide_input=True,
        envvar="LEARNLOOP_LRS_SECRET",
        help="The secret (asked for when not given; or set LEARNLOOP_LRS_SECRET).",
    )
    @click.option(
        "--xapi-version",
        type=click.Choice(connections.VERSIONS),
        default="1.0.3",
        show_default=True,
        help="The X-Experience-API-Version LearnLoop speaks to this LRS.",
    )
    @click.option("--label", default="", help="A name for it, e.g. the LRS's.")
    @click.option("--pull/--no-pull", default=True, show_default=True, help="Read statements.")
    @click.option(
        "--send/--no-send", default=False, show_default=True, help="Send LearnLoop's statements."
    )
    @with_appcontext
    def add_connection(
        issuer: str,
        client_id: str,
        deployment_id: str,
        endpoint: str,
        key: str,
        secret: str,
        xapi_version: str,
        label: str,
        pull: bool,
        send: bool,
    ) -> None:
        """Connect a tenant to its LRS; print the connection as JSON."""
        tenant_id = tenant(issuer, client_id, deployment_id)
        data = connections.ConnectionInput(endpoint, key, secret, xapi_version, label, pull, send)
        try:
            with commit_or_rollback():
                connection = connections.create(tenant_id, data)
        except connections.InvalidConnection as exc:
            raise click.BadParameter(str(exc), param_hint=f"--{exc.field}") from exc
        click.echo(json.dumps(_described(connection), indent=2))

    @xapi.command("list-connections")
    @tenant_options()
    @with_appcontext
    def list_connections(issuer: str, client_id: str, deployment_id: str) -> None:
        """The tenant's LRS connections, with their cursors and waiting statements, as JSON."""
        tenant_id = tenant(issuer, client_id, deployment_id)
        described = [
            {
                **_described(o.connection),
                "waiting": o.waiting,
                "delivery_error": o.last_delivery_error,
            }
            for o in connections.overview(tenant_id)
        ]
        click.echo(json.dumps(described, indent=2))

    @xapi.command("pull")
    @click.option("--connection", "connection_id", type=int, help="One connection, by id.")
    @tenant_options(required=False)
    @click.option("--max-pages", type=int, help="Stop after this many pages (resume later).")
    @with_appcontext
    def pull(
        connection_id: int | None,
        issuer: str | None,
        client_id: str | None,
        deployment_id: str | None,
        max_pages: int | None,
    ) -> None:
        """Pull statements from an LRS connection, or from each of a tenant's (resumable)."""
        ids = _chosen(tenant, connection_id, (issuer, client_id, deployment_id))
        summary = {str(one): _pull_one(one, max_pages) for one in ids}
        click.echo(json.dumps(summary, indent=2))
        if any("error" in outcome for outcome in summary.values()):
            raise SystemExit(1)

    @xapi.command("deliver")
    @with_appcontext
    def deliver() -> None:
        """Send LearnLoop's waiting statements to their LRSs now (what the job does)."""
        report = delivery.deliver_due()
        for error in report.errors:
            click.echo(f"waiting: {error}", err=True)
        click.echo(json.dumps({"delivered": report.delivered, "waiting": report.waiting}))


def _chosen(tenant: Tenants, connection_id: int | None, names: tuple[Any, ...]) -> list[int]:
    if (connection_id is None) == (not any(names)):
        raise click.UsageError("name one --connection, or a tenant (--issuer, --client-id, …)")
    if connection_id is None:
        if not all(names):
            raise click.UsageError("a tenant needs --issuer, --client-id and --deployment-id")
        return connections.pulling(tenant(*names))
    connection = db.session.get(LrsConnection, connection_id)
    if connection is None or not connection.pull or not connection.enabled:
        raise click.UsageError(f"no enabled connection {connection_id} to pull from")
    return [connection_id]


def _pull_one(connection_id: int, max_pages: int | None) -> dict[str, Any]:
    label = f"Pulling from connection {connection_id}"
    with click.progressbar(
        itertools.count(), label=label, file=sys.stderr, item_show_func=_shown
    ) as bar:
        try:
            progress = pulling.pull(
                connection_id, max_pages=max_pages, on_page=lambda p: bar.update(1, p)
            )
        except pulling.PullFailed as exc:
            progress, error = exc.progress, str(exc)
        else:
            error = None
    for problem in progress.problems[:_LISTED]:
        click.echo(f"skipped {problem}", err=True)
    if progress.skipped > _LISTED:
        click.echo(f"… and {progress.skipped - _LISTED} more skipped", err=True)
    outcome: dict[str, Any] = {
        "pages": progress.pages,
        "received": progress.received,
        "new": progress.new,
        "skipped": progress.skipped,
        "finished": progress.finished,
        "attachments": progress.attachments,
        "without_attachment_data": progress.without_data,
        "notes": progress.notes,
    }
    for note in progress.notes:
        click.echo(f"connection {connection_id}: {note}", err=True)
    if error:
        click.echo(f"connection {connection_id}: {error}; the next pull resumes", err=True)
        outcome["error"] = error
    return outcome


def _shown(progress: pulling.Progress | None) -> str | None:
    if progress is None:
        return None
    return f"{progress.received} statements, {progress.new} new, {progress.pages} pages"


def _described(connection: LrsConnection) -> dict[str, Any]:
    return {
        "id": connection.id,
        "tenant_id": connection.tenant_id,
        "label": connection.label,
        "endpoint": connection.endpoint,
        "xapi_version": connection.version,
        "pull": connection.pull,
        "send": connection.send,
        "enabled": connection.enabled,
        "pulled_up_to": connection.pull_since.isoformat() if connection.pull_since else None,
        "pull_in_progress": connection.pull_more is not None,
        "last_pull_error": connection.last_pull_error,
    }
