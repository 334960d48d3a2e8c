"""``learnloop paths …``: share role paths as files — import one (checked against the published
schema, every problem listed with its field, in English: the definition's own messages), export
one, or install the example paths.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from flask.cli import with_appcontext

from lti_tool.core.db import commit_or_rollback
from lti_tool.lti.registrations import find_tenant
from lti_tool.paths import examples
from lti_tool.paths.definition import DefinitionInvalid
from lti_tool.paths.services import FieldErrors, NotFound, catalogue, path_versions
from xapi.cli.common import Tenants, tenant_options

tenant = Tenants(find_tenant)


@click.group("paths")
def group() -> None:
    """Role paths: import and export path files, install the examples."""


@group.command("import")
@click.argument("file", type=click.File("rb"))
@tenant_options()
@with_appcontext
def import_file(file: Any, issuer: str, client_id: str, deployment_id: str) -> None:
    """Import the path definition in FILE (JSON; "-" reads standard input) into a tenant."""
    tenant_id = tenant(issuer, client_id, deployment_id)
    try:
        data = json.loads(file.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise click.ClickException(f"{file.name} is not JSON: {exc}") from exc
    try:
        with commit_or_rollback():
            version = path_versions.save_definition(tenant_id, data, None)
            role_key = data["role"]["key"]
            found = {"role": role_key, "path_id": version.path_id, "version": version.number}
    except (DefinitionInvalid, FieldErrors) as exc:
        for error in exc.errors:
            click.echo(f"{error.field or '(file)'}: {error.message}", err=True)
        raise click.ClickException(f"{file.name} was not imported: nothing was saved") from exc
    click.echo(json.dumps(found))


@group.command("export")
@tenant_options()
@click.option("--role", "role_key", required=True, help="The role's key, e.g. team-lead.")
@click.option("--output", type=click.File("w", encoding="utf-8"), default="-", show_default=True)
@with_appcontext
def export_file(
    issuer: str, client_id: str, deployment_id: str, role_key: str, output: Any
) -> None:
    """Write the current path of the role --role as JSON (valid against the published schema)."""
    tenant_id = tenant(issuer, client_id, deployment_id)
    role = catalogue.find_role(tenant_id, role_key)
    listing = next(
        (p for p in path_versions.paths(tenant_id) if role and p.role_id == role.id), None
    )
    if listing is None or not listing.version:
        raise click.ClickException(f"the role {role_key!r} has no path in this tenant")
    try:
        data = path_versions.export(tenant_id, listing.id)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from exc
    output.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@group.command("install-examples")
@tenant_options()
@click.option(
    "--lms-url", help="Point the examples' rules at this LMS instead of moodle.example.org."
)
@with_appcontext
def install_examples(issuer: str, client_id: str, deployment_id: str, lms_url: str | None) -> None:
    """Add the example roles and paths (support agent, team lead, developer) the tenant lacks."""
    tenant_id = tenant(issuer, client_id, deployment_id)
    with commit_or_rollback():
        saved = examples.install(tenant_id, lms_url=lms_url)
    click.echo(json.dumps({"installed": len(saved)}), file=sys.stdout)
