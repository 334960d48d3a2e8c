"""xAPI data, every row within one tenant (``lti_deployment.id``, referred to by table name only).

- ``Statement``: one stored statement, keyed by (tenant, statement id). ``received`` is the
  statement as the sender sent it, minus ``stored``/``authority`` (the LRS overwrites those:
  1.0.3 Data 2.4.8.s3.b2, 2.4.9); ``assigned`` is what we set (``stored``, ``authority``, and
  ``id``/``timestamp``/``version`` when the sender left them out). What we return is the two
  joined. The other columns exist for querying (``object_statement_id``: the statement a
  StatementRef object targets, which the GET filters follow; see :mod:`xapi.reading`).
- ``Credential``: a key/secret pair an LRS or Moodle uses for HTTP Basic auth; the secret is
  kept only as an argon2 hash.
- ``Actor``: an actor key seen in this tenant's statements, and the LearnLoop user it belongs
  to once known (see :mod:`xapi.keys` and :mod:`xapi.actors`).
- ``ActorMapping``: an administrator's explicit "this actor is that user".
- ``LrsConnection``: an LRS of the tenant that LearnLoop reads statements from (the pull
  connector, with its cursor) and/or sends its own statements to; credentials encrypted.
- ``OutboxStatement``: a statement LearnLoop said, written in the transaction of the event it
  tells of; ``Delivery``: getting one of them to one sending connection, with its retries.
- ``Attachment``: the raw data of a statement attachment that arrived as a ``multipart/mixed``
  part, once per (tenant, ``sha2``): statements name it by its hash (see :mod:`xapi.attachments`).
- ``RelatedAgent``: an agent a statement involves besides its actor and object, for the GET
  ``agent`` filter and ``related_agents`` (see :mod:`xapi.related`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.core.db import Base, UTCDateTime, utcnow

TENANT = "lti_deployment.id"
USER = "lti_user.id"
_VOIDING = text("voids_id IS NOT NULL")
_AGENT_OBJECT = text("object_agent_key IS NOT NULL")
_REFERRING = text("object_statement_id IS NOT NULL")
_KEY = String(300)  # an indexed value from xapi.keys.indexed: at most 255 characters + prefix


class Statement(Base):
    __tablename__ = "xapi_statement"
    __table_args__ = (
        UniqueConstraint("tenant_id", "statement_id"),
        Index(None, "tenant_id", "stored", "id"),  # the default order, and ``more`` paging
        Index(None, "tenant_id", "actor_key"),
        Index(None, "tenant_id", "verb_id"),
        Index(None, "tenant_id", "activity_id"),
        Index(None, "tenant_id", "registration"),
        # Partial indexes: only the rows that have the value, so the other inserts pay nothing.
        Index(None, "tenant_id", "voids_id", postgresql_where=_VOIDING, sqlite_where=_VOIDING),
        Index(
            None,
            "tenant_id",
            "object_agent_key",
            postgresql_where=_AGENT_OBJECT,
            sqlite_where=_AGENT_OBJECT,
        ),
        Index(
            None,
            "tenant_id",
            "object_statement_id",
            postgresql_where=_REFERRING,
            sqlite_where=_REFERRING,
        ),
    )

    # Also the tiebreaker among statements stored in the same millisecond (one batch).
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    statement_id: Mapped[str] = mapped_column(String(36))  # lower case
    received: Mapped[str] = mapped_column(Text)  # JSON
    assigned: Mapped[str] = mapped_column(Text)  # JSON
    stored: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    timestamp: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    verb_id: Mapped[str] = mapped_column(_KEY)
    activity_id: Mapped[str | None] = mapped_column(_KEY)  # when the object is an Activity
    actor_key: Mapped[str | None] = mapped_column(_KEY)  # None for an anonymous Group
    object_agent_key: Mapped[str | None] = mapped_column(_KEY)  # when the object is an agent
    registration: Mapped[str | None] = mapped_column(String(36))
    voids_id: Mapped[str | None] = mapped_column(String(36))  # set on a voiding statement
    # When the object is a StatementRef (voiding statements too): the id it targets, lower case.
    object_statement_id: Mapped[str | None] = mapped_column(String(36))
    voided: Mapped[bool] = mapped_column(Boolean, default=False)


class Credential(Base):
    __tablename__ = "xapi_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    label: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Actor(Base):
    __tablename__ = "xapi_actor"
    __table_args__ = (UniqueConstraint("tenant_id", "actor_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    actor_key: Mapped[str] = mapped_column(_KEY)
    user_id: Mapped[int | None] = mapped_column(ForeignKey(USER, ondelete="SET NULL"), index=True)
    matched_by: Mapped[str | None] = mapped_column(String(16))  # account, mbox, ..., explicit
    checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # None: never resolved
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActorMapping(Base):
    __tablename__ = "xapi_actor_mapping"
    __table_args__ = (UniqueConstraint("tenant_id", "actor_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    actor_key: Mapped[str] = mapped_column(_KEY)
    user_id: Mapped[int] = mapped_column(ForeignKey(USER, ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class LrsConnection(Base):
    """An LRS of the tenant. The pull cursor: ``pull_since`` is the ``stored`` time up to which
    every statement has been pulled; a walk through ``more`` pages in progress is at
    ``pull_more``, having seen statements stored up to ``walk_high`` (see :mod:`xapi.pulling`).
    ``pull_generation`` goes up when the cursor is reset, so a pull still walking the old
    cursor cannot write over the new one.
    """

    __tablename__ = "xapi_lrs_connection"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(255), default="")
    endpoint: Mapped[str] = mapped_column(String(2000))  # ends in "/": <endpoint>statements
    credentials: Mapped[str] = mapped_column(Text)  # encrypted JSON {"username", "password"}
    version: Mapped[str] = mapped_column(String(8))  # X-Experience-API-Version we send
    pull: Mapped[bool] = mapped_column(Boolean, default=True)
    send: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    pull_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    pull_more: Mapped[str | None] = mapped_column(Text)
    walk_high: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    walk_consistent: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    pull_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_pull_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_pull_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxStatement(Base):
    __tablename__ = "xapi_outbox"
    __table_args__ = (UniqueConstraint("tenant_id", "statement_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    statement_id: Mapped[str] = mapped_column(String(36))  # fixed at emit: re-sending is a no-op
    statement: Mapped[str] = mapped_column(Text)  # JSON, exactly what every LRS gets
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Delivery(Base):
    __tablename__ = "xapi_delivery"
    __table_args__ = (
        UniqueConstraint("outbox_id", "connection_id"),
        # What the delivery job asks for: a connection's undelivered rows that are due.
        Index(None, "connection_id", "delivered_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    outbox_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("xapi_outbox.id", ondelete="CASCADE"),
    )
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("xapi_lrs_connection.id", ondelete="CASCADE")
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Attachment(Base):
    __tablename__ = "xapi_attachment"
    __table_args__ = (UniqueConstraint("tenant_id", "sha2"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    sha2: Mapped[str] = mapped_column(String(128))  # lower-case hex, as statements name it
    content_type: Mapped[str] = mapped_column(Text)  # the contentType of the attachment
    length: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RelatedAgent(Base):
    __tablename__ = "xapi_related_agent"
    __table_args__ = (Index(None, "tenant_id", "agent_key"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    statement_id: Mapped[str] = mapped_column(String(36))  # lower case, as in xapi_statement
    agent_key: Mapped[str] = mapped_column(_KEY)
    # False: a member of the actor's or object's Group, which the plain agent filter matches;
    # True: anywhere else (context, SubStatement), which only related_agents=true matches.
    related_only: Mapped[bool] = mapped_column(Boolean)
