"""Reads the paths pages need beyond the services' contract: overviews joined for one page,
and single rows looked up by id within a tenant (another tenant's id finds nothing).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select

from lti_tool.core.db import db
from lti_tool.paths.models import Enrolment, JobRole, Path, RoleSkill, Skill


def texts(stored: str | None) -> dict[str, str]:
    """A stored language map (JSON); a plain string is English."""
    if not stored:
        return {}
    value = json.loads(stored)
    return dict(value) if isinstance(value, dict) else {"en": str(value)}


@dataclass(frozen=True)
class RoleRow:
    role: JobRole
    path: Path | None
    enrolled: int
    priorities: list[Skill]  # ranked
    tracked: int  # skills tracked without a priority


def roles_overview(tenant_id: int) -> list[RoleRow]:
    enrolled = (
        select(Enrolment.path_id, func.count().label("n"))
        .where(Enrolment.tenant_id == tenant_id)
        .group_by(Enrolment.path_id)
        .subquery()
    )
    rows = db.session.execute(
        select(JobRole, Path, func.coalesce(enrolled.c.n, 0))
        .outerjoin(Path, (Path.role_id == JobRole.id) & (Path.tenant_id == tenant_id))
        .outerjoin(enrolled, enrolled.c.path_id == Path.id)
        .where(JobRole.tenant_id == tenant_id)
        .order_by(JobRole.key)
    ).all()
    links = db.session.execute(
        select(RoleSkill.role_id, RoleSkill.priority, Skill)
        .join(Skill, Skill.id == RoleSkill.skill_id)
        .where(RoleSkill.tenant_id == tenant_id)
        .order_by(RoleSkill.priority)
    ).all()
    priorities: dict[int, list[Skill]] = {}
    tracked: dict[int, int] = {}
    for role_id, priority, skill in links:
        if priority is None:
            tracked[role_id] = tracked.get(role_id, 0) + 1
        else:
            priorities.setdefault(role_id, []).append(skill)
    return [
        RoleRow(role, path, int(n), priorities.get(role.id, []), tracked.get(role.id, 0))
        for role, path, n in rows
    ]


def role(tenant_id: int, role_id: int) -> JobRole | None:
    return db.session.scalar(
        select(JobRole).where(JobRole.tenant_id == tenant_id, JobRole.id == role_id)
    )


def skill(tenant_id: int, skill_id: int) -> Skill | None:
    return db.session.scalar(
        select(Skill).where(Skill.tenant_id == tenant_id, Skill.id == skill_id)
    )


def role_keys(tenant_id: int) -> set[str]:
    return set(db.session.scalars(select(JobRole.key).where(JobRole.tenant_id == tenant_id)))


def skill_keys(tenant_id: int) -> set[str]:
    return set(db.session.scalars(select(Skill.key).where(Skill.tenant_id == tenant_id)))


def role_priorities(tenant_id: int, role_id: int) -> dict[str, int | None]:
    """The skills a role tracks (by key) with their priority rank (None: tracked only)."""
    rows = db.session.execute(
        select(Skill.key, RoleSkill.priority)
        .join(Skill, Skill.id == RoleSkill.skill_id)
        .where(RoleSkill.tenant_id == tenant_id, RoleSkill.role_id == role_id)
    ).all()
    return {key: priority for key, priority in rows}


def path_of_role(tenant_id: int, role_id: int) -> Path | None:
    return db.session.scalar(
        select(Path).where(Path.tenant_id == tenant_id, Path.role_id == role_id)
    )


def path(tenant_id: int, path_id: int) -> Path | None:
    return db.session.scalar(select(Path).where(Path.tenant_id == tenant_id, Path.id == path_id))
