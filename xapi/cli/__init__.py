"""``learnloop xapi …``: the listener's credentials and actor mappings (:mod:`.listener`), LRS
connections with pulling and delivering (:mod:`.connector`), changing and deleting them
(:mod:`.managing`), and file imports (:mod:`.files`).

Tenants and users are LTI things this package does not know: the application passes in how to
find them (:func:`group`'s arguments), as ``lti_tool.cli`` does.
"""

from __future__ import annotations

import click

from xapi.cli import connector, files, listener, managing
from xapi.cli.common import FindTenant, FindUser, Tenants


def group(find_tenant: FindTenant, find_user: FindUser) -> click.Group:
    tenants = Tenants(find_tenant)

    @click.group("xapi")
    def xapi() -> None:
        """xAPI: listener credentials, actor mappings, LRS connections, imports."""

    listener.add_commands(xapi, tenants, find_user)
    connector.add_commands(xapi, tenants)
    managing.add_commands(xapi, tenants)
    files.add_commands(xapi, tenants)
    return xapi
