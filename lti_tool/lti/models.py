"""LTI data.

- ``Registration``: one platform client, identified by (issuer, client_id). Canvas cloud uses one
  issuer for every customer, so the pair is the key. Made by hand (``learnloop register``, the
  operator console) or by LTI Dynamic Registration (:mod:`lti_tool.lti.registration`).
- ``Deployment``: (registration, deployment_id) — the **tenant**. Every domain row belongs to one.
- ``ToolKey``: our RSA signing keys (next → active → retired), private halves encrypted at rest.
- ``User``: (registration, LTI ``sub``) with what the platform shares about the person.
- ``Context``: a course, within a tenant. ``Membership``: user × context × LTI roles.
- ``LoginState``: one OIDC login: its state and nonce. The nonce is consumed once, at launch.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.core.db import Base, UTCDateTime, utcnow


class Registration(Base):
    __tablename__ = "lti_registration"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(1024))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(2048))
    auth_token_url: Mapped[str] = mapped_column(String(2048))
    key_set_url: Mapped[str] = mapped_column(String(2048))
    # "moodle", "canvas", ... from the tool_platform claim; "generic" until a launch tells us.
    product_family: Mapped[str] = mapped_column(String(64), default="generic")
    # "manual" (``learnloop register``, the operator console) or "dynamic" (LTI Dynamic
    # Registration 1.0).
    registered_via: Mapped[str] = mapped_column(
        String(16), default="manual", server_default="manual"
    )
    # A manual registration accepts only the deployments it lists. Canvas's Dynamic Registration
    # returns no deployment_id (notes/lti-advantage.md §3): such a registration accepts every
    # deployment its platform signs a launch for, and records it at that first launch.
    learns_deployments: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    deployments: Mapped[list[Deployment]] = relationship(back_populates="registration")

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.issuer} {self.client_id}>"


class Deployment(Base):
    """A tenant: one deployment of LearnLoop in one platform registration."""

    __tablename__ = "lti_deployment"
    __table_args__ = (UniqueConstraint("registration_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lti_registration.id", ondelete="CASCADE")
    )
    deployment_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="deployments")


class ToolKey(Base):
    __tablename__ = "lti_tool_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # next | active | retired
    public_jwk: Mapped[str] = mapped_column(Text)  # JSON
    private_key_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def jwk(self) -> dict[str, Any]:
        return json.loads(self.public_jwk)


class User(Base):
    __tablename__ = "lti_user"
    __table_args__ = (UniqueConstraint("registration_id", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lti_registration.id", ondelete="CASCADE")
    )
    sub: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    given_name: Mapped[str | None] = mapped_column(String(255))
    family_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    locale: Mapped[str | None] = mapped_column(String(35))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_launch_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration] = relationship()

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.given_name, self.family_name) if p)
        return self.name or full or self.email or self.sub


class Context(Base):
    """A course (LTI context) within one tenant."""

    __tablename__ = "lti_context"
    __table_args__ = (UniqueConstraint("tenant_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("lti_deployment.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(255))
    label: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def display_title(self) -> str:
        return self.title or self.label or self.context_id


class Membership(Base):
    """A person in a course, with their LTI roles there, from launches and from the course roster
    (NRPS, :mod:`lti_tool.lti.services.roster`). Someone the roster no longer lists has
    ``left_at`` set; a later launch or roster listing makes them a member again.
    """

    __tablename__ = "lti_membership"
    __table_args__ = (UniqueConstraint("context_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("lti_deployment.id", ondelete="CASCADE"), index=True
    )
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    roles_json: Mapped[str] = mapped_column(Text, default="[]")
    last_launch_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # How we first learned of it: "launch" or "roster" (NRPS).
    source: Mapped[str] = mapped_column(String(16), default="launch", server_default="launch")
    roster_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    left_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    roles_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    context: Mapped[Context] = relationship()
    user: Mapped[User] = relationship()

    @property
    def roles(self) -> list[str]:
        return json.loads(self.roles_json)

    @roles.setter
    def roles(self, value: list[str]) -> None:
        self.roles_json = json.dumps(sorted(set(value)))

    @property
    def has_left(self) -> bool:
        """The roster stopped listing them, and they have not launched since."""
        if self.left_at is None:
            return False
        return self.last_launch_at is None or self.last_launch_at < self.left_at


class LoginState(Base):
    """One OIDC third-party initiated login (LTI Core 1.3 §5.1.1, Security Framework §5.1.1.2).

    The nonce is ours: issued here, consumed exactly once at launch ("used_at"), shared by all
    workers through the database. ``pending_claims`` holds a verified launch that waits for the
    browser to confirm the state from LTI platform storage (no cookies in the iframe).
    """

    __tablename__ = "lti_login_state"
    __table_args__ = (Index(None, "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(128), unique=True)
    nonce: Mapped[str] = mapped_column(String(128), unique=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lti_registration.id", ondelete="CASCADE")
    )
    login_params: Mapped[str] = mapped_column(Text)  # JSON: what the platform sent to /lti/login
    storage_target: Mapped[str | None] = mapped_column(String(255))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    pending_claims: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def params(self) -> dict[str, str]:
        return json.loads(self.login_params)
