"""What the ``learnloop xapi`` commands share: naming a tenant on the command line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

FindTenant = Callable[[str, str, str], int | None]  # (issuer, client id, deployment id) → tenant
FindUser = Callable[[int, str], int | None]  # (tenant, LTI sub) → user id

_TENANT_OPTIONS = (
    ("--deployment-id", "The deployment ID: with issuer and client ID, the tenant."),
    ("--client-id", "The client ID the platform gave LearnLoop."),
    ("--issuer", "The platform's issuer (iss), e.g. https://moodle.example.org"),
)


def tenant_options(required: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for name, text in _TENANT_OPTIONS:
            command = click.option(name, required=required, help=text)(command)
        return command

    return decorate


class Tenants:
    def __init__(self, find_tenant: FindTenant) -> None:
        self.find_tenant = find_tenant

    def __call__(self, issuer: str, client_id: str, deployment_id: str) -> int:
        """The tenant the options name; a usage error if there is none."""
        tenant_id = self.find_tenant(issuer, client_id, deployment_id)
        if tenant_id is None:
            raise click.UsageError(
                f"no deployment {deployment_id!r} of client {client_id!r} at {issuer}: "
                "register it first (learnloop register)"
            )
        return tenant_id
