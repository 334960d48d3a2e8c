"""``learnloop xapi edit-connection | reset-pull | delete-connection``: changing a tenant's LRS
connections, as administrators do on the Settings page (:mod:`xapi.connections` says what each
change does). Each names the tenant and the connection: a connection of another tenant is a
usage error, and nothing changes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click
from flask.cli import with_appcontext

from lti_tool.core.db import commit_or_rollback
from xapi import connections
from xapi.cli.common import Tenants, tenant_options
from xapi.models import LrsConnection


def add_commands(xapi: click.Group, tenant: Tenants) -> None:
    @xapi.command("edit-connection")
    @tenant_options()
    @click.option("--connection", "connection_id", type=int, required=True, help="Its id.")
    @click.option("--endpoint", help="A new xAPI endpoint (…/xapi/).")
    @click.option("--key", help="A new key (Basic auth user name) at the LRS.")
    @click.option(
        "--secret",
        envvar="LEARNLOOP_LRS_SECRET",
        help="A new secret (or set LEARNLOOP_LRS_SECRET, or --ask-secret).",
    )
    @click.option("--ask-secret", is_flag=True, help="Ask for a new secret without echoing it.")
    @click.option("--xapi-version", type=click.Choice(connections.VERSIONS))
    @click.option("--label", help="A new name for it.")
    @click.option("--pull/--no-pull", default=None, help="Read statements, or stop.")
    @click.option("--send/--no-send", default=None, help="Send LearnLoop's statements, or stop.")
    @with_appcontext
    def edit_connection(
        issuer: str,
        client_id: str,
        deployment_id: str,
        connection_id: int,
        ask_secret: bool,
        **changes: Any,
    ) -> None:
        """Change an LRS connection; what is not given stays. Print it as JSON."""
        tenant_id = tenant(issuer, client_id, deployment_id)
        if ask_secret:
            changes["secret"] = click.prompt("Secret", hide_input=True)
        current = _connection(tenant_id, connection_id)
        data = connections.ConnectionInput(
            endpoint=_given(changes["endpoint"], current.endpoint),
            username=changes["key"] or "",
            password=changes["secret"] or "",
            version=_given(changes["xapi_version"], current.version),
            label=_given(changes["label"], current.label),
            pull=_given(changes["pull"], current.pull),
            send=_given(changes["send"], current.send),
        )
        try:
            with commit_or_rollback():
                changed = connections.update(tenant_id, connection_id, data)
        except connections.InvalidConnection as exc:
            raise click.BadParameter(str(exc), param_hint=_hint(exc.field)) from exc
        assert changed is not None
        click.echo(json.dumps(_described(changed), indent=2))

    @xapi.command("reset-pull")
    @tenant_options()
    @click.option("--connection", "connection_id", type=int, required=True, help="Its id.")
    @click.option(
        "--since",
        type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
        help="Read what the LRS stored after this date or time (UTC).",
    )
    @click.option("--from-beginning", is_flag=True, help="Read everything the LRS holds.")
    @with_appcontext
    def reset_pull(
        issuer: str,
        client_id: str,
        deployment_id: str,
        connection_id: int,
        since: dt.datetime | None,
        from_beginning: bool,
    ) -> None:
        """Make the next pull read the LRS again, from a date or from its beginning."""
        if (since is None) == (not from_beginning):
            raise click.UsageError("give --since DATE or --from-beginning (one of them)")
        tenant_id = tenant(issuer, client_id, deployment_id)
        _connection(tenant_id, connection_id)
        when = since.replace(tzinfo=dt.UTC) if since else None
        try:
            with commit_or_rollback():
                connections.reset_pull(tenant_id, connection_id, when)
        except connections.InvalidConnection as exc:
            raise click.BadParameter(str(exc), param_hint="--since") from exc
        shown = when.isoformat() if when else "the beginning"
        click.echo(f"connection {connection_id}: the next pull reads from {shown}")

    @xapi.command("delete-connection")
    @tenant_options()
    @click.option("--connection", "connection_id", type=int, required=True, help="Its id.")
    @click.option("--yes", is_flag=True, help="Do not ask for a confirmation.")
    @with_appcontext
    def delete_connection(
        issuer: str, client_id: str, deployment_id: str, connection_id: int, yes: bool
    ) -> None:
        """Delete an LRS connection. Statements of LearnLoop still waiting for it are dropped."""
        tenant_id = tenant(issuer, client_id, deployment_id)
        connection = _connection(tenant_id, connection_id)
        waiting = connections.waiting(connection_id)
        if not yes:
            click.confirm(
                f"Delete the connection to {connection.endpoint}? "
                f"{waiting} statement(s) waiting to be sent to it will not be sent.",
                abort=True,
            )
        with commit_or_rollback():
            connections.delete(tenant_id, connection_id)
        click.echo(f"deleted connection {connection_id}; {waiting} waiting statement(s) dropped")


def _connection(tenant_id: int, connection_id: int) -> LrsConnection:
    connection = connections.get(tenant_id, connection_id)
    if connection is None:
        raise click.UsageError(f"this tenant has no LRS connection {connection_id}")
    return connection


def _given(value: Any, current: Any) -> Any:
    return current if value is None else value


def _hint(field: str) -> str:
    return {"username": "--key", "version": "--xapi-version", "direction": "--pull/--send"}.get(
        field, f"--{field}"
    )


def _described(connection: LrsConnection) -> dict[str, Any]:
    return {
        "id": connection.id,
        "label": connection.label,
        "endpoint": connection.endpoint,
        "xapi_version": connection.version,
        "pull": connection.pull,
        "send": connection.send,
        "enabled": connection.enabled,
    }
