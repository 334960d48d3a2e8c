"""LRS connections: a tenant's LRS that LearnLoop reads statements from (``pull``) and/or sends
its own statements to (``send``).

The endpoint is the LRS's xAPI base (``https://lrs.example.org/xapi/``; statements live at
``<endpoint>statements``). Key and secret, the HTTP Basic credentials every LRS accepts
(1.0.3 Communication 4.0), are stored encrypted with the app's secret key
(:func:`lti_tool.core.security.encrypt`): LearnLoop must send them, so a hash will not do.
A disabled connection is neither pulled nor sent to; what is waiting for it stays waiting.

Changing a connection (:func:`update`) keeps the key and secret that are left blank. A new
endpoint drops a pull walk in progress (its ``more`` link points at the old address); the next
pull starts again from the cursor, and what it reads twice is stored once. Turning ``send`` off
leaves what waits for the LRS waiting, to go when it is turned on again. Deleting a connection
(:func:`delete`) drops what still waits for it: those statements will not reach that LRS (the
outbox keeps them for the other connections, then forgets them as usual). Resetting the pull
cursor (:func:`reset_pull`) re-reads the LRS from a date, or from its beginning; a pull running
at that moment stops at its next page without moving the cursor, and the next pull starts from
the new one.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from lti_tool.core.db import db, utcnow
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
    _check(data)
    connection = LrsConnection(
        tenant_id=tenant_id,
        label=data.label.strip()[:255],
        endpoint=normalized_endpoint(data.endpoint),
        credentials=_sealed(data.username, data.password),
        version=data.version,
        pull=data.pull,
        send=data.send,
        enabled=True,
    )
    db.session.add(connection)
    db.session.flush()
    return connection


def update(tenant_id: int, connection_id: int, data: ConnectionInput) -> LrsConnection | None:
    """Change one of the tenant's connections (see the module docstring); ``None`` if it has no
    such one. A blank ``username`` or ``password`` keeps the current one."""
    connection = get(tenant_id, connection_id)
    if connection is None:
        return None
    _check(data)
    endpoint = normalized_endpoint(data.endpoint)
    if endpoint != connection.endpoint:
        _forget_walk(connection)
    username, password = credentials_of(connection)
    connection.credentials = _sealed(data.username or username, data.password or password)
    connection.endpoint = endpoint
    connection.label = data.label.strip()[:255]
    connection.version = data.version
    connection.pull, connection.send = data.pull, data.send
    db.session.flush()
    return connection


def delete(tenant_id: int, connection_id: int) -> int | None:
    """Delete one of the tenant's connections, and what waits to be sent to it; how many
    statements were waiting, or ``None`` if the tenant has no such connection."""
    connection = get(tenant_id, connection_id)
    if connection is None:
        return None
    dropped = waiting(connection_id)
    # The foreign key cascades too; deleting here does not count on the database to enforce it.
    db.session.execute(sql_delete(Delivery).where(Delivery.connection_id == connection_id))
    db.session.delete(connection)
    db.session.flush()
    return dropped


def reset_pull(tenant_id: int, connection_id: int, since: dt.datetime | None) -> bool:
    """Pull again everything the LRS stored after ``since`` (``None``: from its beginning);
    ``False`` if the tenant has no such connection. A future ``since`` is refused."""
    connection = get(tenant_id, connection_id)
    if connection is None:
        return False
    if since is not None and since > utcnow():
        raise InvalidConnection("since", "the date to read from must not be in the future")
    _write(connection, pull_since=since, last_pull_error=None)
    _forget_walk(connection)
    db.session.flush()
    return True


def waiting(connection_id: int) -> int:
    """How many of LearnLoop's statements still wait to be sent to this connection."""
    query = select(func.count()).where(
        Delivery.connection_id == connection_id, Delivery.delivered_at.is_(None)
    )
    return db.session.scalar(query) or 0


def _check(data: ConnectionInput) -> None:
    if data.version not in VERSIONS:
        raise InvalidConnection("version", f"the xAPI version must be one of {VERSIONS}")
    if not (data.pull or data.send):
        raise InvalidConnection("direction", "a connection pulls, sends, or both")


def _sealed(username: str, password: str) -> str:
    secret = json.dumps({"username": username, "password": password})
    return encrypt(secret.encode(), _PURPOSE)


def _forget_walk(connection: LrsConnection) -> None:
    """Drop a walk through ``more`` pages in progress: the next pull starts from ``pull_since``.

    A pull running now still holds the old cursor; raising ``pull_generation`` (in SQL, so two
    resets at once both count) makes its next cursor write find nothing to update, and it stops
    there (:mod:`xapi.pulling`): the reset wins, whichever commits first.
    """
    _write(connection, pull_more=None, walk_high=None, walk_consistent=None)
    connection.pull_generation = LrsConnection.pull_generation + 1  # type: ignore[assignment]


def _write(connection: LrsConnection, **values: object) -> None:
    """Set these columns, and write them even where they seem unchanged: a pull writes its
    cursor from a session of its own, so what this session read may be out of date."""
    for name, value in values.items():
        setattr(connection, name, value)
        flag_modified(connection, name)


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
