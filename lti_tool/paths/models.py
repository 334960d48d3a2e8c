"""Role paths data; every row belongs to one tenant (``lti_deployment.id``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.core.db import Base, UTCDateTime, utcnow

TENANT = "lti_deployment.id"
USER = "lti_user.id"
_RANKED = text("priority IS NOT NULL")


class JobRole(Base):
    __tablename__ = "paths_role"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))  # the LTI custom parameter ``role`` names it
    name: Mapped[str] = mapped_column(Text)  # JSON: {"en": …, "nl": …}
    description: Mapped[str] = mapped_column(Text, default="{}")  # JSON, as name
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Skill(Base):
    __tablename__ = "paths_skill"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)  # JSON: {"en": …, "nl": …}
    description: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoleSkill(Base):
    """A skill a role tracks; ``priority`` 1–5 ranks its priority skills (None: tracked only)."""

    __tablename__ = "paths_role_skill"
    __table_args__ = (
        UniqueConstraint("role_id", "skill_id"),
        # One skill per rank: the sixth priority is refused by the service, the database
        # keeps ranks unique even under concurrent edits.
        Index(
            None,
            "role_id",
            "priority",
            unique=True,
            postgresql_where=_RANKED,
            sqlite_where=_RANKED,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("paths_role.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("paths_skill.id", ondelete="CASCADE"))
    priority: Mapped[int | None] = mapped_column(Integer)


class Path(Base):
    __tablename__ = "paths_path"
    __table_args__ = (UniqueConstraint("tenant_id", "key"), UniqueConstraint("role_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    role_id: Mapped[int] = mapped_column(ForeignKey("paths_role.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    current_version: Mapped[int] = mapped_column(Integer, default=0)  # 0: none published yet
    graded: Mapped[bool] = mapped_column(Boolean, default=False)  # progress goes to AGS
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PathVersion(Base):
    """One saved definition of a path; the newest is the path's ``current_version``."""

    __tablename__ = "paths_path_version"
    __table_args__ = (UniqueConstraint("path_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"), index=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("paths_path.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    definition: Mapped[str] = mapped_column(Text)  # JSON, valid against definition.SCHEMA
    created_by: Mapped[int | None] = mapped_column(ForeignKey(USER, ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Enrolment(Base):
    """A learner on their role's path: one per person and tenant."""

    __tablename__ = "paths_enrolment"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"), Index(None, "path_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey(USER, ondelete="CASCADE"))
    path_id: Mapped[int] = mapped_column(ForeignKey("paths_path.id", ondelete="CASCADE"))
    branch: Mapped[str | None] = mapped_column(String(16))  # leadership | specialist
    chosen_by: Mapped[str] = mapped_column(String(16))  # "launch" (custom role) | "learner"
    weekly_goal_minutes: Mapped[int] = mapped_column(Integer, default=60)
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The LMS link the learner came in by (custom ``role``, or a placed path link): a graded
    # path's progress goes to that link's gradebook column (AGS), if the link is graded.
    resource_link_id: Mapped[str | None] = mapped_column(String(255))


class StepEvidence(Base):
    """Why a step counts as done: a statement, a LearnLoop event, a confirmed reflection.

    Unique per source, so processing the same statement twice changes nothing; voiding the
    statement deletes its rows, and the step is undone unless other evidence remains.
    """

    __tablename__ = "paths_step_evidence"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id",
            "user_id",
            "path_id",
            "step_key",
            "source",
            "source_ref",
            name="uq__paths_step_evidence__per_source",  # the convention's name is too long
        ),
        Index(None, "tenant_id", "source", "source_ref"),  # retracting a voided statement
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey(USER, ondelete="CASCADE"))
    path_id: Mapped[int] = mapped_column(ForeignKey("paths_path.id", ondelete="CASCADE"))
    step_key: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))  # statement | learnloop | reflection
    source_ref: Mapped[str] = mapped_column(String(64))  # statement id, event id, reflection id
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reflection(Base):
    """A learner's answer to a stage's coaching question, or a step's work-problem write-up."""

    __tablename__ = "paths_reflection"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id", "path_id", "question_key"),
        Index(None, "tenant_id", "confirmation_asked_of"),  # a colleague's requests
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey(USER, ondelete="CASCADE"))
    path_id: Mapped[int] = mapped_column(ForeignKey("paths_path.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(64))  # a stage question or an apply step
    answer: Mapped[str] = mapped_column(Text)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey(USER, ondelete="SET NULL"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The colleague the learner asked to confirm an apply step's write-up, and their answer
    # when they declined (with an optional note for the learner).
    confirmation_asked_of: Mapped[int | None] = mapped_column(ForeignKey(USER, ondelete="SET NULL"))
    confirmation_asked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmation_declined_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmation_note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class TimeEntry(Base):
    """Learning time: from a statement's duration, LearnLoop activity, or logged by hand."""

    __tablename__ = "paths_time_entry"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id", "source", "source_ref"),
        Index(None, "tenant_id", "user_id", "occurred_at"),
        Index(None, "tenant_id", "source", "source_ref"),  # retracting a voided statement
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey(TENANT, ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey(USER, ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))  # statement | learnloop | self
    source_ref: Mapped[str] = mapped_column(String(64))  # statement id, event id, or a uuid
    seconds: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
