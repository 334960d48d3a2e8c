"""The learner's own record for a development conversation ("learning in reviews"): skills
progress, steps done, reflections and recognition, as a printable page and a CSV file.

Only the learner asks for it (the view makes sure), and nothing is shared by LearnLoop itself.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import func, select

from lti_tool.core.db import db, utcnow
from lti_tool.paths.models import StepEvidence
from lti_tool.paths.services import path_versions, progress, reflections
from lti_tool.paths.services.people import check_user, names

CSV_COLUMNS = ("section", "key", "name", "value", "detail")


def learner_record(tenant_id: int, user_id: int) -> dict[str, Any]:
    """Everything the learner may take to a review, as plain data (texts as language maps)."""
    check_user(tenant_id, user_id)
    summary = progress.summary(tenant_id, user_id)
    own = reflections.reflections_of(tenant_id, user_id)
    confirmers = names(tenant_id, {r.confirmed_by for r in own if r.confirmed_by})
    return {
        "learner": names(tenant_id, {user_id}).get(user_id, ""),
        "generated_at": utcnow().isoformat(timespec="seconds"),
        "path": None if summary is None else _path(summary),
        "skills": [] if summary is None else [_skill(skill) for skill in summary.skills],
        "steps_done": [] if summary is None else _steps_done(tenant_id, user_id, summary),
        "reflections": [_reflection(tenant_id, r, confirmers) for r in own],
        "time": None
        if summary is None
        else {"week_minutes": summary.week_minutes, "goal": summary.weekly_goal_minutes},
        # Badges and kudos join the record when the recognition domain exists.
        "recognition": [],
    }


def to_csv(record: dict[str, Any], language: str = "en") -> str:
    """The record as CSV rows (section, key, name, value, detail), texts in ``language``."""
    out = io.StringIO()
    writer = _SafeWriter(csv.writer(out))
    writer.writerow(CSV_COLUMNS)
    path = record.get("path")
    if path:
        title = _pick(path["title"], language)
        writer.writerow(("path", path["key"], title, f"{path['percent']}%", path["branch"] or ""))
    for skill in record["skills"]:
        name = _pick(skill["name"], language)
        writer.writerow(("skill", skill["key"], name, f"{skill['percent']}%", skill["priority"]))
    for step in record["steps_done"]:
        title = _pick(step["title"], language)
        writer.writerow(("step", step["key"], title, "done", step["completed_at"]))
    for item in record["reflections"]:
        detail = f"confirmed by {item['confirmed_by']}" if item["confirmed_by"] else ""
        question = _pick(item["question"], language)
        writer.writerow(("reflection", item["key"], question, item["answer"], detail))
    for item in record["recognition"]:
        writer.writerow(("recognition", item.get("key", ""), item.get("name", ""), "", ""))
    return out.getvalue()


def _path(summary: progress.PathProgress) -> dict[str, Any]:
    return {
        "key": summary.path_key,
        "title": summary.title,
        "version": summary.version,
        "branch": summary.branch,
        "percent": summary.percent,
        "done": summary.done,
        "total": summary.total,
    }


def _skill(skill: progress.SkillProgress) -> dict[str, Any]:
    return {
        "key": skill.key,
        "name": skill.name,
        "priority": skill.priority,
        "percent": skill.percent,
    }


def _steps_done(
    tenant_id: int, user_id: int, summary: progress.PathProgress
) -> list[dict[str, Any]]:
    first = dict(
        db.session.execute(
            select(StepEvidence.step_key, func.min(StepEvidence.occurred_at))
            .where(
                StepEvidence.tenant_id == tenant_id,
                StepEvidence.user_id == user_id,
                StepEvidence.path_id == summary.path_id,
            )
            .group_by(StepEvidence.step_key)
        ).all()
    )
    return [
        {
            "key": step.key,
            "stage": stage.key,
            "title": step.title,
            "completed_at": first[step.key].date().isoformat(),
        }
        for stage in summary.stages
        if stage.counts
        for step in stage.steps
        if step.done and step.key in first
    ]


def _reflection(tenant_id: int, reflection: Any, confirmers: dict[int, str]) -> dict[str, Any]:
    definition = path_versions.current(tenant_id, reflection.path_id)
    questions = {}
    if definition is not None:
        questions = {key: text for stage in definition.stages for key, text in stage.questions}
        questions |= {step.key: step.title for step in definition.steps()}
    return {
        "key": reflection.question_key,
        "question": questions.get(reflection.question_key, {"en": reflection.question_key}),
        "answer": reflection.answer,
        "confirmed_by": confirmers.get(reflection.confirmed_by)
        if reflection.confirmed_by
        else None,
        "updated_at": reflection.updated_at.isoformat(timespec="seconds"),
    }


def _pick(text: dict[str, str], language: str) -> str:
    return text.get(language) or text.get("en") or next(iter(text.values()), "")


class _SafeWriter:
    """Keeps a spreadsheet from running a cell as a formula (CSV injection): texts come from
    learners and designers."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    def writerow(self, row: tuple[Any, ...]) -> None:
        self.writer.writerow([_safe(cell) if isinstance(cell, str) else cell for cell in row])


def _safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
