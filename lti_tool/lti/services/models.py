"""LTI Advantage service data.

- ``PlatformToken``: an OAuth 2 access token for a platform's services, one per (registration,
  scope set), shared by every worker until shortly before it expires.
- ``AgsEndpoint``: what a launch's AGS claim says about one resource link — where its line
  items live, the line item the platform made for it (or the one we found or created), and the
  scopes granted.
- ``ScoreDelivery``: one score on its way to the platform's gradebook (the outbox).
- ``RosterSource``: where a course's roster (NRPS) is read, and how the last sync went.
- ``MembershipChange``: a join, leave or change of roles that a roster sync saw.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.core.db import Base, UTCDateTime, utcnow
from lti_tool.lti.models import Context, User

TENANT = "lti_deployment.id"
_BIG_ID = BigInteger().with_variant(Integer, "sqlite")
_URL = String(2048)


class PlatformToken(Base):
    __tablename__ = "lti_platform_token"
    __table_args__ = (UniqueConstraint("registration_id", "scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lti_registration.id", ondelete="CASCADE")
    )
    scope_key: Mapped[str] = mapped_column(String(64))  # sha256 of the sorted scopes
    scopes: Mapped[str] = mapped_column(Text)  # space-separated, sorted
    access_token: Mapped[str | None] = mapped_column(Text)  # encrypted at rest
    token_sha256: Mapped[str | None] = mapped_column(String(64))  # which token a 401 refused
    # When workers stop using it: a margin before the platform's own expiry.
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # One worker asks the platform for a new token while the others wait for it (no stampede).
    refresh_lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    requests_made: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgsEndpoint(Base):
    """One graded resource link (LTI AGS 2.0 §3.1, the ``endpoint`` claim), within a tenant."""

    __tablename__ = "lti_ags_endpoint"
    __table_args__ = (UniqueConstraint("tenant_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_context.id", ondelete="CASCADE"), index=True
    )
    resource_link_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    lineitems_url: Mapped[str | None] = mapped_column(_URL)
    lineitem_url: Mapped[str | None] = mapped_column(_URL)  # as the claim gave it
    scopes_json: Mapped[str] = mapped_column(Text, default="[]")
    # The line item scores go to: the claim's, or the one found or created for this link.
    line_item_url: Mapped[str | None] = mapped_column(_URL)
    # A worker looking for (or creating) the line item; the others wait for its answer.
    resolving_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    fingerprint: Mapped[str] = mapped_column(String(64))  # of the claim: rewrite only on change
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    context: Mapped[Context] = relationship()

    @property
    def scopes(self) -> list[str]:
        return list(json.loads(self.scopes_json))


class ScoreDelivery(Base):
    """A score for one person on one graded link (LTI AGS 2.0 §3.4), until the platform took it.

    Written by :func:`lti_tool.lti.services.grades.post_score` in the caller's transaction and
    delivered by the ``lti.deliver_scores`` job. Pending while ``sent_at`` and
    ``superseded_at`` are empty; a newer score for the same person and link supersedes it.
    """

    __tablename__ = "lti_score_delivery"
    __table_args__ = (
        Index(None, "endpoint_id", "user_id"),
        Index(None, "tenant_id", "sent_at"),
        Index(None, "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("lti_ags_endpoint.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    score_given: Mapped[float | None] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float)
    activity_progress: Mapped[str] = mapped_column(String(16))
    grading_progress: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    timestamp: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # when the score was given
    sent_timestamp: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # as last sent
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[int | None] = mapped_column(Integer)  # the platform's HTTP status
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[AgsEndpoint] = relationship()
    user: Mapped[User] = relationship()


class RosterSource(Base):
    """A course's Names and Role Provisioning Services endpoint (NRPS 2.0 §3.5, the
    ``namesroleservice`` claim) and the state of its sync."""

    __tablename__ = "lti_roster_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"), index=True)
    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_context.id", ondelete="CASCADE"), unique=True
    )
    memberships_url: Mapped[str] = mapped_column(_URL)
    synced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # last complete sync
    requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # a sync is wanted
    running_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # a worker's lease
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    member_count: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class MembershipChange(Base):
    """What a roster sync changed for one person in one course: ``joined``, ``left`` or
    ``roles`` (their roles changed; ``roles_json`` holds the new ones)."""

    __tablename__ = "lti_membership_change"
    __table_args__ = (Index(None, "context_id", "changed_at"),)

    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    roles_json: Mapped[str] = mapped_column(Text, default="[]")
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    @property
    def roles(self) -> list[str]:
        return list(json.loads(self.roles_json))
