"""role paths: job roles, skills, priorities, versioned paths, enrolments, evidence, time

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lti_tool.core.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_UTC = lti_tool.core.db.UTCDateTime(timezone=True)
_BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _tenant(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"],
        ["lti_deployment.id"],
        name=op.f(f"fk__{table}__tenant_id__lti_deployment"),
        ondelete="CASCADE",
    )


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk__{table}__{column}__{target}"),
        ondelete=ondelete,
    )


def _catalogue(table: str) -> None:
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        _tenant(table),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk__{table}")),
        sa.UniqueConstraint("tenant_id", "key", name=op.f(f"uq__{table}__tenant_id_key")),
    )


def upgrade() -> None:
    _catalogue("paths_role")
    _catalogue("paths_skill")
    op.create_table(
        "paths_role_skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=True),
        _tenant("paths_role_skill"),
        _fk("paths_role_skill", "role_id", "paths_role"),
        _fk("paths_role_skill", "skill_id", "paths_skill"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__paths_role_skill")),
        sa.UniqueConstraint(
            "role_id", "skill_id", name=op.f("uq__paths_role_skill__role_id_skill_id")
        ),
    )
    with op.batch_alter_table("paths_role_skill") as batch:
        batch.create_index(batch.f("ix__paths_role_skill__tenant_id"), ["tenant_id"])
        batch.create_index(
            batch.f("ix__paths_role_skill__role_id_priority"),
            ["role_id", "priority"],
            unique=True,
            postgresql_where=sa.text("priority IS NOT NULL"),
            sqlite_where=sa.text("priority IS NOT NULL"),
        )
    op.create_table(
        "paths_path",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("graded", sa.Boolean(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        _tenant("paths_path"),
        _fk("paths_path", "role_id", "paths_role"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__paths_path")),
        sa.UniqueConstraint("tenant_id", "key", name=op.f("uq__paths_path__tenant_id_key")),
        sa.UniqueConstraint("role_id", name=op.f("uq__paths_path__role_id")),
    )
    op.create_table(
        "paths_path_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        _tenant("paths_path_version"),
        _fk("paths_path_version", "path_id", "paths_path"),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["lti_user.id"],
            name=op.f("fk__paths_path_version__created_by__lti_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__paths_path_version")),
        sa.UniqueConstraint(
            "path_id", "number", name=op.f("uq__paths_path_version__path_id_number")
        ),
    )
    with op.batch_alter_table("paths_path_version") as batch:
        batch.create_index(batch.f("ix__paths_path_version__tenant_id"), ["tenant_id"])
    op.create_table(
        "paths_enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("branch", sa.String(length=16), nullable=True),
        sa.Column("chosen_by", sa.String(length=16), nullable=False),
        sa.Column("weekly_goal_minutes", sa.Integer(), nullable=False),
        sa.Column("enrolled_at", _UTC, nullable=False),
        sa.Column("resource_link_id", sa.String(length=255), nullable=True),
        _tenant("paths_enrolment"),
        _fk("paths_enrolment", "user_id", "lti_user"),
        _fk("paths_enrolment", "path_id", "paths_path"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__paths_enrolment")),
        sa.UniqueConstraint(
            "tenant_id", "user_id", name=op.f("uq__paths_enrolment__tenant_id_user_id")
        ),
    )
    with op.batch_alter_table("paths_enrolment") as batch:
        batch.create_index(batch.f("ix__paths_enrolment__path_id"), ["path_id"])
    op.create_table(
        "paths_step_evidence",
        sa.Column("id", _BIG, nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("step_key", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", _UTC, nullable=False),
        sa.Column("recorded_at", _UTC, nullable=False),
        _tenant("paths_step_evidence"),
        _fk("paths_step_evidence", "user_id", "lti_user"),
        _fk("paths_step_evidence", "path_id", "paths_path"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__paths_step_evidence")),
        sa.UniqueConstraint(
            "tenant_id",
            "user_id",
            "path_id",
            "step_key",
            "source",
            "source_ref",
            name=op.f("uq__paths_step_evidence__per_source"),
        ),
    )
    with op.batch_alter_table("paths_step_evidence") as batch:
        batch.create_index(
            batch.f("ix__paths_step_evidence__tenant_id_source_source_ref"),
            ["tenant_id", "source", "source_ref"],
        )
    op.create_table(
        "paths_reflection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", _UTC, nullable=True),
        sa.Column("updated_at", _UTC, nullable=False),
        _tenant("paths_reflection"),
        _fk("paths_reflection", "user_id", "lti_user"),
        _fk("paths_reflection", "path_id", "paths_path"),
        sa.ForeignKeyConstraint(
            ["confirmed_by"],
            ["lti_user.id"],
            name=op.f("fk__paths_reflection__confirmed_by__lti_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__paths_reflection")),
        sa.UniqueConstraint(
            "tenant_id",
            "user_id",
            "path_id",
            "question_key",
            name=op.f("uq__paths_reflection__tenant_id_user_id_path_id_question_key"),
        ),
    )
    op.create_table(
        "paths_time_entry",
        sa.Column("id", _BIG, nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("occurred_at", _UTC, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _tenant("paths_time_entry"),
        _fk("paths_time_entry", "user_id", "lti_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk__paths_time_entry")),
        sa.UniqueConstraint(
            "tenant_id",
            "user_id",
            "source",
            "source_ref",
            name=op.f("uq__paths_time_entry__tenant_id_user_id_source_source_ref"),
        ),
    )
    with op.batch_alter_table("paths_time_entry") as batch:
        batch.create_index(
            batch.f("ix__paths_time_entry__tenant_id_user_id_occurred_at"),
            ["tenant_id", "user_id", "occurred_at"],
        )
        batch.create_index(
            batch.f("ix__paths_time_entry__tenant_id_source_source_ref"),
            ["tenant_id", "source", "source_ref"],
        )


def downgrade() -> None:
    for table in (
        "paths_time_entry",
        "paths_reflection",
        "paths_step_evidence",
        "paths_enrolment",
        "paths_path_version",
        "paths_path",
        "paths_role_skill",
        "paths_skill",
        "paths_role",
    ):
        op.drop_table(table)
