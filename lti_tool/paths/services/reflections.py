"""Reflections: a learner's answers to a stage's coaching questions, and their write-up of an
"apply" step (a real work problem). An apply step is done when written up, or — when the step
``needs_confirmation`` — once a colleague confirms it; its evidence source is "reflection".
"""

from __future__ import annotations

from sqlalchemy import delete, select

from lti_tool.core.db import db, insert_new, utcnow
from lti_tool.paths import progress_scores
from lti_tool.paths.definition import PathDefinition, Step
from lti_tool.paths.models import Reflection, StepEvidence
from lti_tool.paths.services import path_versions
from lti_tool.paths.services.enrolment import enrolment_of
from lti_tool.paths.services.errors import FieldErrors, NotFound
from lti_tool.paths.services.people import check_user

REFLECTION = "reflection"  # evidence source
MAX_ANSWER = 10_000


def answer(tenant_id: int, user_id: int, path_id: int, question_key: str, text: str) -> Reflection:
    """Save the learner's answer (again: replaces it). The learner must be on the path."""
    enrolment = enrolment_of(tenant_id, user_id)
    definition = path_versions.current(tenant_id, path_id)
    if enrolment is None or enrolment.path_id != path_id or definition is None:
        raise NotFound(f"user {user_id} is not on path {path_id}")
    step = _apply_step(definition, question_key)
    if step is None and question_key not in _questions(definition):
        raise FieldErrors.one("question_key", "this path has no such question or apply step")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_ANSWER:
        raise FieldErrors.one("text", f"write an answer of at most {MAX_ANSWER} characters")
    reflection = _find(tenant_id, user_id, path_id, question_key) or Reflection(
        tenant_id=tenant_id, user_id=user_id, path_id=path_id, question_key=question_key
    )
    if reflection.confirmed_at is not None and reflection.answer != text.strip():
        _unconfirm(reflection)  # the colleague confirmed other words
    reflection.answer, reflection.updated_at = text.strip(), utcnow()
    db.session.add(reflection)
    db.session.flush()
    if step is not None and not step.needs_confirmation:
        _evidence(reflection, step.key)
    return reflection


def _unconfirm(reflection: Reflection) -> None:
    """Clear a confirmation and the evidence it gave; the asked colleague sees it again."""
    reflection.confirmed_by = reflection.confirmed_at = None
    gone = db.session.execute(
        delete(StepEvidence)
        .where(
            StepEvidence.tenant_id == reflection.tenant_id,
            StepEvidence.source == REFLECTION,
            StepEvidence.source_ref == str(reflection.id),
        )
        .returning(StepEvidence.id)
    ).all()
    if gone:
        progress_scores.send(reflection.tenant_id, {reflection.user_id})


def confirm(tenant_id: int, confirmer_user_id: int, reflection_id: int) -> Reflection:
    """A colleague confirms a learner's write-up; an apply step then gets its evidence."""
    reflection = db.session.get(Reflection, reflection_id)
    if reflection is None or reflection.tenant_id != tenant_id:
        raise NotFound(f"no reflection {reflection_id}")
    check_user(tenant_id, confirmer_user_id)
    if confirmer_user_id == reflection.user_id:
        raise FieldErrors.one("confirmer", "a colleague confirms a write-up, not its author")
    if reflection.confirmed_at is None:
        reflection.confirmed_by, reflection.confirmed_at = confirmer_user_id, utcnow()
        db.session.flush()
    definition = path_versions.current(tenant_id, reflection.path_id)
    step = _apply_step(definition, reflection.question_key) if definition else None
    if step is not None:
        _evidence(reflection, step.key)
    return reflection


def reflections_of(tenant_id: int, user_id: int) -> list[Reflection]:
    check_user(tenant_id, user_id)
    return list(
        db.session.scalars(
            select(Reflection)
            .where(Reflection.tenant_id == tenant_id, Reflection.user_id == user_id)
            .order_by(Reflection.updated_at)
        )
    )


def _apply_step(definition: PathDefinition, key: str) -> Step | None:
    return next((s for s in definition.steps() if s.key == key and s.kind == "apply"), None)


def _questions(definition: PathDefinition) -> set[str]:
    return {key for stage in definition.stages for key, _ in stage.questions}


def _find(tenant_id: int, user_id: int, path_id: int, key: str) -> Reflection | None:
    return db.session.scalars(
        select(Reflection).where(
            Reflection.tenant_id == tenant_id,
            Reflection.user_id == user_id,
            Reflection.path_id == path_id,
            Reflection.question_key == key,
        )
    ).one_or_none()


def _evidence(reflection: Reflection, step_key: str) -> None:
    keys = ["tenant_id", "user_id", "path_id", "step_key", "source", "source_ref"]
    added = db.session.execute(
        insert_new(StepEvidence, keys).returning(StepEvidence.id),
        [
            {
                "tenant_id": reflection.tenant_id,
                "user_id": reflection.user_id,
                "path_id": reflection.path_id,
                "step_key": step_key,
                "source": REFLECTION,
                "source_ref": str(reflection.id),
                "occurred_at": reflection.confirmed_at or reflection.updated_at,
                "recorded_at": utcnow(),
            }
        ],
    ).first()
    if added is not None:
        progress_scores.send(reflection.tenant_id, {reflection.user_id})
