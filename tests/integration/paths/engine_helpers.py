"""Building paths, learners and statements for the progress engine's tests."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from lti_tool.core.db import commit_or_rollback, db
from lti_tool.lti.models import Deployment, User
from lti_tool.lti.services import dispatch
from lti_tool.paths.models import StepEvidence, TimeEntry
from lti_tool.paths.services import enrolment, path_versions, progress

LMS = "https://lms.example.edu"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
BOOK = LMS + "/mod/book/view.php?id=1"
QUIZ = LMS + "/mod/quiz/"  # a prefix: every quiz
COURSE_2 = LMS + "/course/view.php?id=2"


def definition(**overrides: Any) -> dict[str, Any]:
    """A support agent's path: core (a book, any quiz passed, an apply step), advanced (a
    course, after the book), and both branches."""
    data: dict[str, Any] = {
        "role": {"key": "support", "name": {"en": "Support agent", "nl": "Supportmedewerker"}},
        "title": {"en": "Support path", "nl": "Supportpad"},
        "skills": [
            {"key": key, "name": {"en": key.title()}}
            for key in ("listening", "product", "writing", "coaching")
        ],
        "priority_skills": ["listening", "product", "writing"],
        "stages": [
            {
                "key": "core",
                "reflection_questions": [{"key": "why", "text": {"en": "Why this role?"}}],
                "steps": [
                    {
                        "key": "read-kb",
                        "kind": "card",
                        "title": {"en": "Read the knowledge base"},
                        "skills": [{"skill": "product", "weight": 2}],
                        "evidence": {"verbs": [EXPERIENCED, COMPLETED], "activity": BOOK},
                    },
                    {
                        "key": "quiz",
                        "kind": "activity",
                        "title": {"en": "Pass a product quiz"},
                        "skills": [{"skill": "product"}, {"skill": "writing"}],
                        "evidence": {
                            "verbs": [COMPLETED],
                            "activity": QUIZ,
                            "match": "prefix",
                            "success": True,
                        },
                    },
                    {
                        "key": "apply-1",
                        "kind": "apply",
                        "title": {"en": "Solve a real ticket"},
                        "skills": [{"skill": "listening"}],
                        "needs_confirmation": True,
                    },
                ],
            },
            {
                "key": "advanced",
                "reflection_questions": [{"key": "hard", "text": {"en": "What was hard?"}}],
                "steps": [
                    {
                        "key": "course-2",
                        "kind": "activity",
                        "title": {"en": "Advanced course"},
                        "skills": [{"skill": "listening"}],
                        "depends_on": ["read-kb"],
                        "evidence": {"verbs": [COMPLETED], "activity": COURSE_2},
                    }
                ],
            },
            {
                "key": "leadership",
                "steps": [
                    {
                        "key": "lead-1",
                        "kind": "checkin",
                        "title": {"en": "Talk to your lead"},
                        "skills": [{"skill": "coaching"}],
                    }
                ],
            },
            {
                "key": "specialist",
                "steps": [
                    {
                        "key": "spec-1",
                        "kind": "slot_teach",
                        "title": {"en": "Teach a colleague"},
                        "skills": [{"skill": "product"}],
                    }
                ],
            },
        ],
    }
    data.update(overrides)
    return copy.deepcopy(data)


def tenant_of(app: Flask, deployment_id: str = "dep-1") -> int:
    with app.app_context():
        return db.session.scalars(
            select(Deployment.id).where(Deployment.deployment_id == deployment_id)
        ).one()


def new_user(app: Flask, sub: str, deployment_id: str = "dep-1", email: str | None = None) -> int:
    """A person of the deployment's registration, as a launch would have made them."""
    with app.app_context(), commit_or_rollback() as session:
        deployment = session.scalars(
            select(Deployment).where(Deployment.deployment_id == deployment_id)
        ).one()
        user = User(registration_id=deployment.registration_id, sub=sub, email=email, name=sub)
        session.add(user)
        session.flush()
        return user.id


def publish(app: Flask, tenant: int, data: dict[str, Any] | None = None) -> int:
    """Save a definition (a new version); the path's id. Waits for the recompute job."""
    with app.app_context():
        with commit_or_rollback():
            version = path_versions.save_definition(tenant, data or definition(), None)
        dispatch.wait_for_background(app)
        return version.path_id


def enrol(app: Flask, tenant: int, user: int, path: int, branch: str | None = None) -> None:
    with app.app_context():
        with commit_or_rollback():
            enrolment.enrol(tenant, user, path, "learner")
            if branch:
                enrolment.choose_branch(tenant, user, branch)
        dispatch.wait_for_background(app)


def summary(app: Flask, tenant: int, user: int) -> progress.PathProgress:
    with app.app_context():
        found = progress.summary(tenant, user)
        assert found is not None
        return found


def done_steps(app: Flask, tenant: int, user: int) -> set[str]:
    found = summary(app, tenant, user)
    return {step.key for stage in found.stages for step in stage.steps if step.done}


def evidence_rows(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        rows = db.session.execute(
            select(
                StepEvidence.tenant_id,
                StepEvidence.user_id,
                StepEvidence.step_key,
                StepEvidence.source,
                StepEvidence.source_ref,
            ).order_by(StepEvidence.id)
        )
        return [tuple(row) for row in rows]


def time_seconds(app: Flask, user: int) -> int:
    with app.app_context():
        found = db.session.scalar(
            select(func.coalesce(func.sum(TimeEntry.seconds), 0)).where(TimeEntry.user_id == user)
        )
        return int(found or 0)


def account(issuer: str, sub: str) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": issuer, "name": sub}}


def said(actor: dict[str, Any], verb: str, activity: str, **result: Any) -> dict[str, Any]:
    """A statement with a fresh id; ``result`` keys go into its result."""
    made: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": activity},
        "timestamp": "2026-11-25T10:00:00Z",
    }
    if result:
        made["result"] = result
    return made


def voiding(target: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:lrs-admin@example.edu"},
        "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target},
    }


def user_id(app: Flask, sub: str) -> int:
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.sub == sub)).one()
