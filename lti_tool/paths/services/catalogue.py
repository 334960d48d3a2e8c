"""The tenant's catalogue: job roles, skills, and each role's ranked priority skills.

A role has at most five priority skills (ranked 1–5): fewer is better, because a learner can
only focus on a few things at once; every other skill it names is *tracked* without a rank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select

from lti_tool.core.db import db
from lti_tool.paths.definition import MAX_PRIORITY_SKILLS, FieldError
from lti_tool.paths.models import JobRole, RoleSkill, Skill
from lti_tool.paths.services.checks import (
    clean_text,
    dump_text,
    key_errors,
    load_text,
    text_errors,
)
from lti_tool.paths.services.errors import FieldErrors, NotFound


@dataclass(frozen=True)
class RoleSkillView:
    skill_id: int
    key: str
    name: dict[str, str]
    priority: int | None  # 1–5, or None: tracked only


def save_role(
    tenant_id: int, key: str, name: Mapping[str, str], description: Mapping[str, str]
) -> JobRole:
    """Create the role ``key`` or change its name and description."""
    _check(key, name, description)
    role = find_role(tenant_id, key) or JobRole(tenant_id=tenant_id, key=key)
    role.name, role.description = dump_text(clean_text(name)), dump_text(clean_text(description))
    db.session.add(role)
    db.session.flush()
    return role


def save_skill(
    tenant_id: int, key: str, name: Mapping[str, str], description: Mapping[str, str]
) -> Skill:
    """Create the skill ``key`` or change its name and description."""
    _check(key, name, description)
    skill = _find_skill(tenant_id, key) or Skill(tenant_id=tenant_id, key=key)
    skill.name, skill.description = dump_text(clean_text(name)), dump_text(clean_text(description))
    db.session.add(skill)
    db.session.flush()
    return skill


def set_priorities(
    tenant_id: int, role_id: int, skill_keys_ranked: Sequence[str], tracked: Sequence[str]
) -> list[RoleSkillView]:
    """Replace the role's skills: ``skill_keys_ranked`` get priorities 1, 2, …; ``tracked`` no
    priority. Refuses a sixth priority, unknown skills and a skill ranked twice."""
    role = _role(tenant_id, role_id)
    by_key = {skill.key: skill for skill in skills(tenant_id)}
    _check_priorities(skill_keys_ranked, tracked, by_key)
    db.session.execute(delete(RoleSkill).where(RoleSkill.role_id == role.id))
    ranked = list(dict.fromkeys(skill_keys_ranked))
    others = [key for key in dict.fromkeys(tracked) if key not in ranked]
    db.session.add_all(
        RoleSkill(tenant_id=tenant_id, role_id=role.id, skill_id=by_key[key].id, priority=rank)
        for rank, key in [*enumerate(ranked, start=1), *((None, key) for key in others)]
    )
    db.session.flush()
    return role_skills(tenant_id, role.id)


def roles(tenant_id: int) -> list[JobRole]:
    return list(
        db.session.scalars(
            select(JobRole).where(JobRole.tenant_id == tenant_id).order_by(JobRole.key)
        )
    )


def skills(tenant_id: int) -> list[Skill]:
    return list(
        db.session.scalars(select(Skill).where(Skill.tenant_id == tenant_id).order_by(Skill.key))
    )


def role_skills(tenant_id: int, role_id: int) -> list[RoleSkillView]:
    """The role's skills: priorities first (by rank), then the tracked ones (by key)."""
    rows = db.session.execute(
        select(Skill.id, Skill.key, Skill.name, RoleSkill.priority)
        .join(RoleSkill, RoleSkill.skill_id == Skill.id)
        .where(RoleSkill.tenant_id == tenant_id, RoleSkill.role_id == role_id)
    )
    found = [RoleSkillView(i, key, load_text(name), rank) for i, key, name, rank in rows]
    return sorted(found, key=lambda s: (s.priority is None, s.priority or 0, s.key))


def find_role(tenant_id: int, key: str) -> JobRole | None:
    return db.session.scalars(
        select(JobRole).where(JobRole.tenant_id == tenant_id, JobRole.key == key)
    ).one_or_none()


def role(tenant_id: int, role_id: int) -> JobRole:
    """The role with this id in the tenant; :class:`NotFound` otherwise."""
    return _role(tenant_id, role_id)


def _role(tenant_id: int, role_id: int) -> JobRole:
    found = db.session.get(JobRole, role_id)
    if found is None or found.tenant_id != tenant_id:
        raise NotFound(f"no role {role_id}")
    return found


def _find_skill(tenant_id: int, key: str) -> Skill | None:
    return db.session.scalars(
        select(Skill).where(Skill.tenant_id == tenant_id, Skill.key == key)
    ).one_or_none()


def _check(key: str, name: Mapping[str, str], description: Mapping[str, str]) -> None:
    errors = [
        *key_errors("key", key),
        *text_errors("name", name, required=True),
        *text_errors("description", description, required=False),
    ]
    if errors:
        raise FieldErrors(errors)


def _check_priorities(
    ranked: Sequence[str], tracked: Sequence[str], known: Mapping[str, Skill]
) -> None:
    errors: list[FieldError] = []
    if len(ranked) > MAX_PRIORITY_SKILLS:
        errors.append(
            FieldError(
                "priorities",
                f"a role has at most {MAX_PRIORITY_SKILLS} priority skills ({len(ranked)} given):"
                " fewer priorities keep a learner focused; track the others without a priority",
            )
        )
    seen: set[str] = set()
    for field, keys in (("priorities", ranked), ("tracked", tracked)):
        for n, key in enumerate(keys):
            if key not in known:
                errors.append(FieldError(f"{field}[{n}]", f"there is no skill {key!r}"))
            elif field == "priorities" and key in seen:
                errors.append(FieldError(f"{field}[{n}]", f"skill {key!r} is ranked twice"))
            seen.add(key)
    if errors:
        raise FieldErrors(errors)
