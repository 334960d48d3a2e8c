"""Enrolment: a learner on their role's path (one per person and tenant), their branch for the
third stage and their weekly goal of protected learning time.

A learner is enrolled by the launch (the LTI custom parameter ``role`` names a job role, or a
placed path link names a path) or by choosing once. Enrolling, or moving to another path, starts
a recompute of their progress from the statements already recorded (a job, after the commit):
statements sent before they ever opened LearnLoop count as soon as they are enrolled.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, literal, select

from lti_tool.core import signals
from lti_tool.core.cache import app_cache
from lti_tool.core.db import db, dialect_insert, utcnow
from lti_tool.paths import progress_scores
from lti_tool.paths.models import Enrolment, JobRole, Path
from lti_tool.paths.progress_jobs import recompute_user_later
from lti_tool.paths.services import path_versions
from lti_tool.paths.services.errors import FieldErrors, NotFound
from lti_tool.paths.services.people import check_user

ROLE_PARAMETER = "role"  # LTI custom parameter: a JobRole.key
ITEM_PARAMETER = "learnloop_item"  # a placed link's item (lti.deep_linking): "path:<id>"
CHOSEN_BY = ("launch", "learner")
DEFAULT_GOAL = 60
MAX_GOAL = 40 * 60  # minutes a week
# How long a worker remembers what a person's last launch named (role, placed path, link): a
# next launch naming the same costs nothing. A path published in between (for a role that had
# none) reaches them at a launch after that delay, or when they choose it.
_LAUNCH_SEEN_TTL = 60.0


def enrol(tenant_id: int, user_id: int, path_id: int, chosen_by: str) -> Enrolment:
    """Put the learner on this path (moving them from another; their evidence there is kept)."""
    if chosen_by not in CHOSEN_BY:
        raise FieldErrors.one("chosen_by", f"one of {', '.join(CHOSEN_BY)}")
    path = path_versions.path(tenant_id, path_id)
    if not path.current_version:
        raise FieldErrors.one("path", "this path has no published version yet")
    check_user(tenant_id, user_id)
    enrolment = enrolment_of(tenant_id, user_id)
    if enrolment is not None and enrolment.path_id == path.id:
        return enrolment
    if enrolment is None:
        enrolment = Enrolment(tenant_id=tenant_id, user_id=user_id, enrolled_at=utcnow())
        enrolment.weekly_goal_minutes = DEFAULT_GOAL
        db.session.add(enrolment)
    enrolment.path_id, enrolment.branch, enrolment.chosen_by = path.id, None, chosen_by
    db.session.flush()
    recompute_user_later(tenant_id, user_id)
    return enrolment


def choose_branch(tenant_id: int, user_id: int, branch: str) -> Enrolment:
    """The learner's branch for the third stage: one their path has."""
    enrolment = _enrolment(tenant_id, user_id)
    definition = path_versions.current(tenant_id, enrolment.path_id)
    branches = definition.branches if definition is not None else ()
    if branch not in branches:
        offered = ", ".join(branches) or "none"
        raise FieldErrors.one("branch", f"choose one of this path's branches ({offered})")
    enrolment.branch = branch
    db.session.flush()
    progress_scores.send(tenant_id, {user_id})  # what counts changed
    return enrolment


def set_weekly_goal(tenant_id: int, user_id: int, minutes: int) -> Enrolment:
    enrolment = _enrolment(tenant_id, user_id)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_GOAL:
        raise FieldErrors.one("minutes", f"give a whole number of minutes from 1 to {MAX_GOAL}")
    enrolment.weekly_goal_minutes = minutes
    db.session.flush()
    return enrolment


def enrolment_of(tenant_id: int, user_id: int) -> Enrolment | None:
    return db.session.scalars(
        select(Enrolment).where(Enrolment.tenant_id == tenant_id, Enrolment.user_id == user_id)
    ).one_or_none()


def _enrolment(tenant_id: int, user_id: int) -> Enrolment:
    found = enrolment_of(tenant_id, user_id)
    if found is None:
        raise NotFound(f"user {user_id} is on no path")
    return found


# -- the launch --------------------------------------------------------------------------------


def enrol_from_launch(launch: Any) -> bool:
    """Enrol the launching learner on the path the launch names (custom ``role``, or a placed
    path link), remembering the link for a graded path's score. Costs nothing when it names
    none, and one indexed statement otherwise (none when this worker saw the same launch
    lately). Whether an enrolment was made or changed."""
    role = launch.custom.get(ROLE_PARAMETER) if launch.custom else None
    item = launch.custom.get(ITEM_PARAMETER) if launch.custom else None
    path_id = _placed_path(item)
    if not role and path_id is None:
        return False
    seen = app_cache("paths.launch_enrolled", _LAUNCH_SEEN_TTL)
    person, named = (launch.tenant_id, launch.user_id), (role, path_id, launch.resource_link_id)
    if seen.get(person, lambda: None) == named:
        return False
    changed = _upsert_from_launch(launch, role, path_id)
    seen.discard(person)
    seen.get(person, lambda: named)
    if changed:
        recompute_user_later(launch.tenant_id, launch.user_id)
    return changed


def _placed_path(item: Any) -> int | None:
    if isinstance(item, str) and item.startswith("path:") and item[5:].isdigit():
        return int(item[5:])
    return None


def _upsert_from_launch(launch: Any, role: str | None, path_id: int | None) -> bool:
    """One ``INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE`` (both indexed lookups): a new
    enrolment; a named role moves the learner to its path; a placed link of their own path
    remembers the link (for AGS)."""
    table = Enrolment.__table__
    paths = select(
        literal(launch.tenant_id),
        literal(launch.user_id),
        Path.id,
        literal("launch"),
        literal(DEFAULT_GOAL),
        literal(utcnow(), type_=table.c.enrolled_at.type),
        literal(launch.resource_link_id, type_=table.c.resource_link_id.type),
    ).where(Path.tenant_id == launch.tenant_id, Path.current_version > 0)
    if role:
        paths = paths.join(JobRole, JobRole.id == Path.role_id).where(
            JobRole.tenant_id == launch.tenant_id, JobRole.key == str(role)[:64]
        )
    else:
        paths = paths.where(Path.id == path_id)
    columns = ["tenant_id", "user_id", "path_id", "chosen_by", "weekly_goal_minutes"]
    statement = dialect_insert(table).from_select(
        [*columns, "enrolled_at", "resource_link_id"], paths
    )
    new = statement.excluded
    moved = table.c.path_id != new.path_id
    if role:
        link = case(
            (moved, new.resource_link_id),
            else_=func.coalesce(table.c.resource_link_id, new.resource_link_id),
        )
        statement = statement.on_conflict_do_update(
            index_elements=["tenant_id", "user_id"],
            set_={
                "path_id": new.path_id,
                "branch": case((moved, None), else_=table.c.branch),
                "chosen_by": case((moved, "launch"), else_=table.c.chosen_by),
                "resource_link_id": link,
            },
            where=moved
            | and_(table.c.resource_link_id.is_(None), new.resource_link_id.is_not(None)),
        )
    else:
        statement = statement.on_conflict_do_update(
            index_elements=["tenant_id", "user_id"],
            set_={"resource_link_id": new.resource_link_id},
            where=~moved & table.c.resource_link_id.is_distinct_from(new.resource_link_id),
        )
    written = db.session.execute(statement.returning(table.c.path_id)).first()
    return written is not None


def _on_user_launched(launch: Any, **_: Any) -> None:
    enrol_from_launch(launch)  # the launch request commits


signals.user_launched.connect(_on_user_launched)
