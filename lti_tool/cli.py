"""The ``learnloop`` command: serve, demo, db, register, operator, lti, keys, xapi, paths
(plus Flask's run/shell/routes)."""

from __future__ import annotations

import json
import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from lti_tool import create_app
from lti_tool.core import migrate
from lti_tool.core.db import commit_or_rollback
from lti_tool.lti.registrations import find_tenant
from lti_tool.lti.xapi_actors import user_in_tenant
from lti_tool.paths import cli as paths_cli
from xapi import cli as xapi_cli


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def main() -> None:
    """LearnLoop, an LTI 1.3 tool for a learning culture at work."""


main.add_command(xapi_cli.group(find_tenant=find_tenant, find_user=user_in_tenant))
main.add_command(paths_cli.group)


@main.group()
def db() -> None:
    """Database schema (Alembic migrations; SQLite and PostgreSQL)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Bring the database schema up to REVISION (default: the newest)."""
    migrate.upgrade(revision)
    click.echo(f"database at {revision}: {_safe_url(current_app.config['DATABASE_URL'])}")


@db.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Take the database schema back to REVISION."""
    migrate.downgrade(revision)
    click.echo(f"database at {revision}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.command()
@click.option(
    "--issuer", required=True, help="The platform's issuer (iss), e.g. https://moodle.example.org"
)
@click.option("--client-id", required=True, help="The client ID the platform gave LearnLoop.")
@click.option("--auth-login-url", required=True, help="The platform's OIDC authentication URL.")
@click.option("--auth-token-url", required=True, help="The platform's OAuth2 access token URL.")
@click.option("--jwks-url", required=True, help="The platform's public keyset URL.")
@click.option(
    "--deployment-id",
    "deployment_ids",
    multiple=True,
    required=True,
    help="A deployment ID; repeat for several.",
)
@click.option(
    "--product-family",
    default="generic",
    show_default=True,
    type=click.Choice(["generic", "moodle", "canvas"]),
)
@with_appcontext
def register(
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    jwks_url: str,
    deployment_ids: tuple[str, ...],
    product_family: str,
) -> None:
    """Register a platform by hand (idempotent) and print what was stored."""
    from lti_tool.lti.keys import ensure_keys
    from lti_tool.lti.registrations import RegistrationInput
    from lti_tool.lti.registrations import register as do_register

    data = RegistrationInput(
        issuer, client_id, auth_login_url, auth_token_url, jwks_url, deployment_ids, product_family
    )
    with commit_or_rollback():
        registration, deployments = do_register(data)
        ensure_keys()
    base = current_app.config["BASE_URL"]
    click.echo(
        json.dumps(
            {
                "registration": {
                    "id": registration.id,
                    "issuer": registration.issuer,
                    "client_id": registration.client_id,
                    "auth_login_url": registration.auth_login_url,
                    "auth_token_url": registration.auth_token_url,
                    "jwks_url": registration.key_set_url,
                    "product_family": registration.product_family,
                },
                "deployments": [
                    {"tenant_id": d.id, "deployment_id": d.deployment_id} for d in deployments
                ],
                "tool": {
                    "login_url": f"{base}/lti/login",
                    "launch_url": f"{base}/lti/launch",
                    "jwks_url": f"{base}/lti/jwks.json",
                },
            },
            indent=2,
        )
    )


@main.group()
def operator() -> None:
    """The operator console (/operator): who may register platforms by hand there."""


@operator.command("set-password")
@click.option(
    "--password",
    prompt="Operator password",
    hide_input=True,
    confirmation_prompt=True,
    envvar="LEARNLOOP_OPERATOR_PASSWORD",
    help="The new password (asked for when not given; or set LEARNLOOP_OPERATOR_PASSWORD).",
)
@with_appcontext
def operator_set_password(password: str) -> None:
    """Set the operator password (kept as an argon2id hash); signs every operator out."""
    from lti_tool.operator.passwords import WeakPassword, set_password

    try:
        with commit_or_rollback():
            set_password(password)
    except WeakPassword as exc:
        raise click.BadParameter(str(exc), param_hint="--password") from exc
    click.echo(f"operator password set; sign in at {current_app.config['BASE_URL']}/operator/")


@main.group()
def lti() -> None:
    """LTI Advantage jobs, for cron where no Celery beat runs (no LEARNLOOP_REDIS_URL)."""


@lti.command("deliver-scores")
@with_appcontext
def lti_deliver_scores() -> None:
    """Send the scores waiting for the LMS gradebooks (AGS), including failed ones now due."""
    from lti_tool.lti.services import delivery

    result = delivery.deliver_due()
    click.echo(json.dumps({"sent": result.sent, "waiting": result.waiting}))


@lti.command("sync-rosters")
@with_appcontext
def lti_sync_rosters() -> None:
    """Sync the course rosters (NRPS) that were asked for, or failed and are due again."""
    from lti_tool.lti.services import roster

    click.echo(json.dumps(roster.sync_due()))


@main.group()
def keys() -> None:
    """The tool's signing keys (published at /lti/jwks.json)."""


@keys.command("rotate")
@with_appcontext
def keys_rotate() -> None:
    """Make the next key active, retire the active one (kept published 7 days), add a new next."""
    from lti_tool.lti.keys import rotate

    with commit_or_rollback():
        result = rotate()
    click.echo(json.dumps(result, indent=2))


@keys.command("list")
@with_appcontext
def keys_list() -> None:
    """Show the keys published in the JWKS."""
    from lti_tool.lti.keys import ensure_keys, published_keys

    with commit_or_rollback():
        ensure_keys()
        for key in published_keys():
            click.echo(f"{key.kid}  {key.status:8}  created {key.created_at:%Y-%m-%d %H:%M}")


@main.command()
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option(
    "--threads",
    default=1,
    show_default=True,
    type=int,
    help="Threads per worker. 1: gunicorn's sync workers, which the benchmarks measure; more "
    "lets a worker wait on several slow clients at once, but a kept-alive client then stays "
    "with one worker, and Python runs one thread at a time per process.",
)
def serve(bind: str, workers: int, threads: int) -> None:
    """Run LearnLoop under gunicorn (production)."""
    args = ["gunicorn", "--bind", bind, "--workers", str(workers), "--threads", str(threads)]
    args += ["--access-logfile", "-", "wsgi:app"]
    os.execvp(sys.executable, [sys.executable, "-m", *args])  # noqa: S606  # replaces this process


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="LearnLoop's port.")
@click.option("--lms-port", default=5001, show_default=True, type=int, help="The demo LMS's port.")
def demo(host: str, port: int, lms_port: int) -> None:
    """Try LearnLoop: it and a demo LMS that launches it, on this machine (Ctrl-C stops)."""
    from lti_tool.demo.runner import run

    run(host=host, port=port, lms_port=lms_port)


@main.command()
@click.option("--beat", is_flag=True, help="Also run the schedule (one worker per installation).")
def worker(beat: bool) -> None:
    """Run a Celery worker for LearnLoop's jobs (needs LEARNLOOP_REDIS_URL)."""
    args = ["celery", "-A", "wsgi:celery_app", "worker", "--loglevel", "INFO"]
    if beat:
        args.append("--beat")  # the schedule in lti_tool.core.jobs: pulls, deliveries, purges
    os.execvp(sys.executable, [sys.executable, "-m", *args])  # noqa: S606  # replaces this process
