"""A learner's progress on their path, as the learner page shows it; rule previews for the
editor; and evidence from LearnLoop's own events.

:func:`summary` is all the learner page renders: a few indexed queries, and the parsed
definition comes from the per-process cache (versions never change).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from lti_tool.core.db import db, insert_new, utcnow
from lti_tool.paths import progress_scores
from lti_tool.paths.definition import EvidenceRule, PathDefinition, Step
from lti_tool.paths.models import (
    Enrolment,
    Path,
    PathVersion,
    Reflection,
    RoleSkill,
    Skill,
    StepEvidence,
)
from lti_tool.paths.progress_math import (
    counted_stages,
    counted_steps,
    effective_branch,
    percent,
    skill_percent,
)
from lti_tool.paths.services.checks import load_text
from lti_tool.paths.services.path_versions import definition_of
from lti_tool.paths.services.rule_preview import RulePreview, preview
from lti_tool.paths.services.time import week_minutes

LEARNLOOP = "learnloop"  # evidence source of LearnLoop's own events

__all__ = [
    "PathProgress",
    "RulePreview",
    "preview_rule",
    "record_learnloop_evidence",
    "summary",
]


@dataclass(frozen=True)
class StepProgress:
    key: str
    kind: str
    title: dict[str, str]
    description: dict[str, str]
    minutes: int | None
    done: bool
    evidence_count: int
    blocked_by: tuple[str, ...]  # keys of the steps it depends on that are not done yet
    answered: bool  # an "apply" step: the learner wrote it up
    needs_confirmation: bool  # … and it is done only once a colleague confirms it
    confirmed: bool  # … and a colleague confirmed it


@dataclass(frozen=True)
class StageProgress:
    key: str
    title: dict[str, str]
    done: int
    total: int
    counts: bool  # False: a branch stage the learner has not chosen
    steps: tuple[StepProgress, ...]


@dataclass(frozen=True)
class SkillProgress:
    key: str
    name: dict[str, str]
    priority: int
    percent: int


@dataclass(frozen=True)
class ReflectionDue:
    key: str
    stage: str
    text: dict[str, str]


@dataclass(frozen=True)
class PathProgress:
    path_id: int
    path_key: str
    version: int
    title: dict[str, str]
    branch: str | None  # chosen, or the only one there is
    branches: tuple[str, ...]  # what the path offers for the third stage
    needs_branch: bool  # core and advanced… done or not, a choice is still open
    stages: tuple[StageProgress, ...]
    done: int
    total: int
    percent: int
    skills: tuple[SkillProgress, ...]  # the role's priority skills, by rank
    next_step: StepProgress | None
    reflections_due: tuple[ReflectionDue, ...]
    week_minutes: int
    weekly_goal_minutes: int


def summary(tenant_id: int, user_id: int, today: dt.date | None = None) -> PathProgress | None:
    """The learner's progress, or ``None`` when they are on no published path."""
    row = db.session.execute(
        select(Enrolment, Path.key, Path.role_id, PathVersion)
        .join(Path, Path.id == Enrolment.path_id)
        .join(
            PathVersion,
            (PathVersion.path_id == Path.id) & (PathVersion.number == Path.current_version),
        )
        .where(Enrolment.tenant_id == tenant_id, Enrolment.user_id == user_id)
    ).one_or_none()
    if row is None:
        return None
    enrolment, path_key, role_id, version = row
    definition = definition_of(version)
    evidence = _evidence_counts(tenant_id, user_id, enrolment.path_id)
    reflections = _reflections(tenant_id, user_id, enrolment.path_id)
    stages = _stages(definition, enrolment.branch, evidence, reflections)
    counted = [step for stage in stages if stage.counts for step in stage.steps]
    steps = counted_steps(definition, enrolment.branch)
    return PathProgress(
        path_id=enrolment.path_id,
        path_key=path_key,
        version=version.number,
        title=definition.title,
        branch=effective_branch(definition, enrolment.branch),
        branches=definition.branches,
        needs_branch=effective_branch(definition, enrolment.branch) is None
        and bool(definition.branches),
        stages=stages,
        done=sum(step.done for step in counted),
        total=len(counted),
        percent=percent(set(evidence), steps),
        skills=_skills(tenant_id, role_id, set(evidence), steps),
        next_step=next((s for s in counted if not s.done and not s.blocked_by), None),
        reflections_due=_due(definition, stages, reflections),
        week_minutes=week_minutes(tenant_id, user_id, today or utcnow().date()),
        weekly_goal_minutes=enrolment.weekly_goal_minutes,
    )


def preview_rule(
    tenant_id: int, rule: EvidenceRule, days: int = 90, now: dt.datetime | None = None
) -> RulePreview:
    """How many of the tenant's statements of the last ``days`` days the rule matches, from
    how many learners (actors): "would match 12 statements from 4 learners"."""
    return preview(tenant_id, rule, days, now)


def record_learnloop_evidence(
    tenant_id: int, user_id: int, step_key: str, source_ref: str, occurred_at: dt.datetime
) -> bool:
    """Evidence from LearnLoop's own events (a card read, a slot attended or taught) for a step
    of the learner's path; once per ``source_ref``. Whether it was new (False also when the
    learner is on no path or the path has no such step)."""
    row = db.session.execute(
        select(Enrolment.path_id, PathVersion)
        .join(Path, Path.id == Enrolment.path_id)
        .join(
            PathVersion,
            (PathVersion.path_id == Path.id) & (PathVersion.number == Path.current_version),
        )
        .where(Enrolment.tenant_id == tenant_id, Enrolment.user_id == user_id)
    ).one_or_none()
    if row is None or step_key not in {s.key for s in definition_of(row[1]).steps()}:
        return False
    keys = ["tenant_id", "user_id", "path_id", "step_key", "source", "source_ref"]
    added = db.session.execute(
        insert_new(StepEvidence, keys).returning(StepEvidence.id),
        [
            {
                "tenant_id": tenant_id,
                "user_id": user_id,
                "path_id": row[0],
                "step_key": step_key,
                "source": LEARNLOOP,
                "source_ref": str(source_ref)[:64],
                "occurred_at": occurred_at,
                "recorded_at": utcnow(),
            }
        ],
    ).first()
    if added is not None:
        progress_scores.send(tenant_id, {user_id})
    return added is not None


def _evidence_counts(tenant_id: int, user_id: int, path_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(StepEvidence.step_key, func.count())
        .where(
            StepEvidence.tenant_id == tenant_id,
            StepEvidence.user_id == user_id,
            StepEvidence.path_id == path_id,
        )
        .group_by(StepEvidence.step_key)
    )
    return {key: count for key, count in rows}


def _reflections(tenant_id: int, user_id: int, path_id: int) -> dict[str, bool]:
    """Answered question (or apply step) key → confirmed by a colleague."""
    rows = db.session.execute(
        select(Reflection.question_key, Reflection.confirmed_at).where(
            Reflection.tenant_id == tenant_id,
            Reflection.user_id == user_id,
            Reflection.path_id == path_id,
        )
    )
    return {key: confirmed_at is not None for key, confirmed_at in rows}


def _stages(
    definition: PathDefinition,
    branch: str | None,
    evidence: dict[str, int],
    reflections: dict[str, bool],
) -> tuple[StageProgress, ...]:
    counted = counted_stages(definition, branch)
    stages = []
    for stage in definition.stages:
        steps = tuple(_step(step, evidence, reflections) for step in stage.steps)
        stages.append(
            StageProgress(
                key=stage.key,
                title=stage.title,
                done=sum(step.done for step in steps),
                total=len(steps),
                counts=stage.key in counted,
                steps=steps,
            )
        )
    return tuple(stages)


def _step(step: Step, evidence: dict[str, int], reflections: dict[str, bool]) -> StepProgress:
    return StepProgress(
        key=step.key,
        kind=step.kind,
        title=step.title,
        description=step.description,
        minutes=step.minutes,
        done=evidence.get(step.key, 0) > 0,
        evidence_count=evidence.get(step.key, 0),
        blocked_by=tuple(key for key in step.depends_on if not evidence.get(key)),
        answered=step.key in reflections,
        needs_confirmation=step.needs_confirmation,
        confirmed=reflections.get(step.key, False),
    )


def _skills(
    tenant_id: int, role_id: int, done: set[str], steps: list[Step]
) -> tuple[SkillProgress, ...]:
    rows = db.session.execute(
        select(Skill.key, Skill.name, RoleSkill.priority)
        .join(RoleSkill, RoleSkill.skill_id == Skill.id)
        .where(
            RoleSkill.tenant_id == tenant_id,
            RoleSkill.role_id == role_id,
            RoleSkill.priority.is_not(None),
        )
        .order_by(RoleSkill.priority)
    )
    return tuple(
        SkillProgress(key, load_text(name), priority, skill_percent(done, steps, key))
        for key, name, priority in rows
    )


def _due(
    definition: PathDefinition, stages: tuple[StageProgress, ...], answered: dict[str, bool]
) -> tuple[ReflectionDue, ...]:
    """Unanswered questions of the stages reached: every counted stage up to and including
    the first one not finished."""
    due: list[ReflectionDue] = []
    progress = {stage.key: stage for stage in stages}
    for stage in definition.stages:
        if not progress[stage.key].counts:
            continue
        due += [
            ReflectionDue(key, stage.key, text)
            for key, text in stage.questions
            if key not in answered
        ]
        if progress[stage.key].done < progress[stage.key].total:
            break
    return tuple(due)
