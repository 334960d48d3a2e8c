"""``learnloop xapi …`` for the listener: credentials, and explicit actor mappings."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from lti_tool.core.db import commit_or_rollback
from xapi import actors, credentials
from xapi.cli.common import FindUser, Tenants, tenant_options
from xapi.errors import BadRequest
from xapi.params import parse_filter


def add_commands(xapi: click.Group, tenant: Tenants, find_user: FindUser) -> None:
    @xapi.command("create-credential")
    @tenant_options()
    @click.option("--label", default="", help="What the credential is for, e.g. the LRS's name.")
    @with_appcontext
    def create_credential(issuer: str, client_id: str, deployment_id: str, label: str) -> None:
        """Create a key and secret for the tenant's LRS; print them once, as JSON."""
        tenant_id = tenant(issuer, client_id, deployment_id)
        with commit_or_rollback():
            created = credentials.create(tenant_id, label)
        endpoint = current_app.config["BASE_URL"] + "/xapi/"
        printed = {"endpoint": endpoint, "key": created.key, "secret": created.secret}
        click.echo(
            json.dumps({**printed, "label": created.label, "tenant_id": tenant_id}, indent=2)
        )

    @xapi.command("revoke-credential")
    @click.option("--key", required=True, help="The credential's key.")
    @with_appcontext
    def revoke_credential(key: str) -> None:
        """Revoke a credential: its key and secret stop working (within a minute everywhere)."""
        with commit_or_rollback():
            if not credentials.revoke_key(key):
                raise click.UsageError(f"no credential with the key {key!r}")
        click.echo(f"revoked {key}")

    @xapi.command("map-actor")
    @tenant_options()
    @click.option(
        "--agent", required=True, help='The xAPI Agent as JSON, e.g. {"mbox": "mailto:a@b.org"}.'
    )
    @click.option("--sub", required=True, help="The person's LTI user id (sub) at the platform.")
    @with_appcontext
    def map_actor(issuer: str, client_id: str, deployment_id: str, agent: str, sub: str) -> None:
        """Say which LearnLoop user an xAPI actor is, when e-mail and account cannot tell."""
        tenant_id = tenant(issuer, client_id, deployment_id)
        try:
            key = parse_filter("agent", agent)
        except BadRequest as exc:
            raise click.BadParameter(exc.message, param_hint="--agent") from exc
        user_id = find_user(tenant_id, sub)
        if user_id is None:
            raise click.UsageError(
                f"nobody with the LTI sub {sub!r} has launched LearnLoop here yet"
            )
        with commit_or_rollback():
            actors.map_explicitly(tenant_id, key, user_id)
        click.echo(json.dumps({"actor_key": key, "user_id": user_id}, indent=2))
