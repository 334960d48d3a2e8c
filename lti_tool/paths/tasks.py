"""Role paths jobs: progress from statements, and recomputes.

- ``paths.statements_recorded``: one per "statements recorded" batch (the receiver below
  enqueues it; without Redis the receiver runs the same job function in-process);
- ``paths.recompute_user``: after a learner is enrolled or moves path (:mod:`.progress_jobs`);
- ``paths.recompute_path``: after a path gets a new version;
- ``paths.recompute_tenant``: everything of a tenant again (by hand, e.g. after an import).

Each is its own unit of work (commits at the end) and idempotent: running one twice changes
nothing the second time. Each answers what it changed (rows added/retracted, learners moved).

Statements whose actor becomes a known person later still count: at the person's first launch
the identity side attaches their actors and the launch (custom ``role``) or their choice enrols
them, which recomputes their progress after the commit. An actor attached to someone already
enrolled (an administrator's explicit mapping, an e-mail shared at a later launch) sends
``actors_attached``, and that person is recomputed after the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from celery import shared_task
from flask import current_app
from sqlalchemy import exists, select

from lti_tool.core import signals
from lti_tool.core.cache import app_cache
from lti_tool.core.db import commit_or_rollback, db
from lti_tool.paths import progress_batch, progress_recompute
from lti_tool.paths.models import Path
from lti_tool.paths.progress_jobs import (
    NO_PATHS,
    NO_PATHS_TTL,
    RECOMPUTE_PATH,
    RECOMPUTE_USER,
    recompute_user_later,
)
from lti_tool.paths.progress_writes import Changes
from lti_tool.paths.services import enrolment  # noqa: F401  # connects the launch receiver


@shared_task(name="paths.statements_recorded")
def statements_recorded(tenant_id: int, statement_ids: list[str]) -> dict[str, int]:
    with commit_or_rollback():
        return _counts(progress_batch.apply_batch(tenant_id, statement_ids))


@shared_task(name=RECOMPUTE_USER)
def recompute_user(tenant_id: int, user_id: int) -> dict[str, int]:
    with commit_or_rollback():
        return _counts(progress_recompute.recompute_user(tenant_id, user_id))


@shared_task(name=RECOMPUTE_PATH)
def recompute_path(tenant_id: int, path_id: int) -> dict[str, int]:
    with commit_or_rollback():
        return _counts(progress_recompute.recompute_path(tenant_id, path_id))


@shared_task(name="paths.recompute_tenant")
def recompute_tenant(tenant_id: int) -> dict[str, int]:
    with commit_or_rollback():
        return _counts(progress_recompute.recompute_tenant(tenant_id))


def _counts(changes: Changes) -> dict[str, int]:
    return {
        "evidence": changes.evidence,
        "time": changes.time,
        "retracted": changes.retracted,
        "learners": len(changes.users),
    }


def has_published_paths(tenant_id: int) -> bool:
    """Whether the tenant has a published path: cached per process, so that every xAPI request
    of a tenant without paths costs no query (the listener runs this receiver in-process when
    there is no job queue)."""

    def ask() -> bool:
        found = exists().where(Path.tenant_id == tenant_id, Path.current_version > 0)
        return bool(db.session.scalar(select(found)))

    return bool(app_cache(NO_PATHS, NO_PATHS_TTL).get(tenant_id, ask))


def _on_statements_recorded(tenant_id: int, statement_ids: Sequence[str], **_: Any) -> None:
    if not has_published_paths(tenant_id):
        return
    ids = list(statement_ids)
    if current_app.extensions["celery"].conf.task_always_eager:
        # No broker: run the job right here, in the sender's app context, as the other
        # receivers run. An eager task pushes an app context of its own, and leaving it closes
        # the thread's session under the sender (a pull that goes on to save its cursor).
        statements_recorded.run(tenant_id, ids)
    else:
        statements_recorded.delay(tenant_id, ids)


def _on_actors_attached(tenant_id: int, user_id: int, **_: Any) -> None:
    if has_published_paths(tenant_id):
        recompute_user_later(tenant_id, user_id)  # after the commit that attached them


signals.statements_recorded.connect(_on_statements_recorded)
signals.actors_attached.connect(_on_actors_attached)
