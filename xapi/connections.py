"""LRS connections: a tenant's LRS that LearnLoop reads statements from (``pull``) and/or sends
its own statements to (``send``).

The endpoint is the LRS's xAPI base (``https://lrs.example.org/xapi/``; statements live at
``<endpoint>statements``). Key and secret, the HTTP Basic credentials every LRS accepts
(1.0.3 Communication 4.0), are stored encrypted with the app's secret key
(:func:`lti_tool.core.security.encrypt`): LearnLoop must send them, so a hash will not do.
A disabled connection is neither pulled nor sent to; what is waiting for it stays waiting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, select

from lti_tool.core.db import db
from lti_tool.core.security import decrypt, encrypt
from xapi.models import Delivery, LrsConnection

_PURPOSE = "xapi-lrs-connection-credentials"
VERSIONS = ("1.0.3", "2.0.0")


class InvalidConnection(ValueError):
    """What is wrong with a new connection; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ConnectionInput:
    endpoint: str
    username: str
    password: str
    version: str = "1.0.3"
    label: str = ""
    pull: bool = True
    send: bool = False


@dataclass(frozen=True)
class Overview:
    connection: LrsConnection
    waiting: int  # our statements not yet delivered to it
    last_delivery_error: str | None


def create(tenant_id: int, data: ConnectionInput) -> LrsConnection:
    if not data.username or not data.password:
        raise InvalidConnection("username", "key (user name) and secret are both required")
    if data.version not in VERSIONS:
        raise InvalidConnection("version", f"the xAPI version must be one of {VERSIONS}")
    if not (data.pull or data.send):
        raise InvalidConnection("direction", "a connection pulls, sends, or both")
    secret = json.dumps({"username": data.username, "password": data.password})
    connection = LrsConnection(
        tenant_id=tenant_id,
        label=data.label.strip()[:255],
        endpoint=normalized_endpoint(data.endpoint),
        credentials=encrypt(secret.encode(), _PURPOSE),
        version=data.version,
        pull=data.pull,
        send=data.send,
        enabled=True,
    )
    db.session.add(connection)
    db.session.flush()
    return connection


def normalized_endpoint(url: str) -> str:
    """The xAPI base URL, ending in "/"; a pasted ``…/statements`` URL is taken back to its base."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidConnection("endpoint", "the endpoint must be an http or https URL")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidConnection(
            "endpoint", "the endpoint takes no query, fragment or credentials in the URL"
        )
    path = parts.path.rstrip("/")
    path = path.removesuffix("/statements") + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def credentials_of(connection: LrsConnection) -> tuple[str, str]:
    data = json.loads(decrypt(connection.credentials, _PURPOSE))
    return data["username"], data["password"]


def get(tenant_id: int, connection_id: int) -> LrsConnection | None:
    """The tenant's connection with this id; ``None`` if it is another tenant's, or none."""
    connection = db.session.get(LrsConnection, connection_id)
    return connection if connection is not None and connection.tenant_id == tenant_id else None


def for_tenant(tenant_id: int) -> list[LrsConnection]:
    query = select(LrsConnection).where(LrsConnection.tenant_id == tenant_id)
    return list(db.session.scalars(query.order_by(LrsConnection.id)))


def overview(tenant_id: int) -> list[Overview]:
    """The tenant's connections, each with how many of our statements still wait for it."""
    connections = for_tenant(tenant_id)
    waiting = dict(
        db.session.execute(
            select(Delivery.connection_id, func.count())
            .where(
                Delivery.connection_id.in_([c.id for c in connections]),
                Delivery.delivered_at.is_(None),
            )
            .group_by(Delivery.connection_id)
        ).all()
    )
    return [
        Overview(c, waiting.get(c.id, 0), _last_delivery_error(c.id) if c.id in waiting else None)
        for c in connections
    ]


def _last_delivery_error(connection_id: int) -> str | None:
    return db.session.scalar(
        select(Delivery.last_error)
        .where(
            Delivery.connection_id == connection_id,
            Delivery.delivered_at.is_(None),
            Delivery.last_error.is_not(None),
        )
        .order_by(Delivery.next_attempt_at.desc())
        .limit(1)
    )


def set_enabled(tenant_id: int, connection_id: int, enabled: bool) -> bool:
    """Enable or disable one of the tenant's connections; ``False`` if it has no such one."""
    connection = get(tenant_id, connection_id)
    if connection is None:
        return False
    connection.enabled = enabled
    db.session.flush()
    return True


def sending(tenant_id: int) -> list[int]:
    """Ids of the tenant's enabled connections that get LearnLoop's statements."""
    query = select(LrsConnection.id).where(
        LrsConnection.tenant_id == tenant_id,
        LrsConnection.send.is_(True),
        LrsConnection.enabled.is_(True),
    )
    return list(db.session.scalars(query.order_by(LrsConnection.id)))


def pulling(tenant_id: int | None = None) -> list[int]:
    """Ids of the enabled connections to pull from: of one tenant, or of all."""
    query = select(LrsConnection.id).where(
        LrsConnection.pull.is_(True), LrsConnection.enabled.is_(True)
    )
    if tenant_id is not None:
        query = query.where(LrsConnection.tenant_id == tenant_id)
    return list(db.session.scalars(query.order_by(LrsConnection.id)))
