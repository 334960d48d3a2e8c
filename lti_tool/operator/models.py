"""Operator data.

- ``OperatorCredential``: the installation's one operator password (argon2id hash) and its
  session generation: tokens of an older generation (before a sign-out or a new password) are
  refused.
- ``OperatorLoginFailure``: a wrong password, by client address, for throttling guesses.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.core.db import Base, UTCDateTime, utcnow


class OperatorCredential(Base):
    __tablename__ = "operator_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    session_generation: Mapped[int] = mapped_column(default=1)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OperatorLoginFailure(Base):
    __tablename__ = "operator_login_failure"
    __table_args__ = (Index(None, "client", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
