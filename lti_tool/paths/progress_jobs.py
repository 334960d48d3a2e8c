"""Progress jobs started by the services once their transaction has committed.

A recompute reads what the transaction wrote (a new enrolment, a published version), so it must
not start before the commit, nor at all after a rollback: the services ask for it here, and
:mod:`lti_tool.lti.services.dispatch` sends it to the worker after the commit (without Redis it
runs in a background thread of this process). The jobs themselves are in :mod:`.tasks`.
"""

from __future__ import annotations

from lti_tool.core.cache import app_cache
from lti_tool.lti.services import dispatch

RECOMPUTE_USER = "paths.recompute_user"
RECOMPUTE_PATH = "paths.recompute_path"
# The per-process cache of tasks.has_published_paths: how long a process trusts "this tenant
# has no published path" (a saved definition clears it in its own process at once). Skipping a
# batch meanwhile loses nothing: nobody can be on a path that was not published, and enrolling
# recomputes the learner from every statement already recorded.
NO_PATHS, NO_PATHS_TTL = "paths.has_published_paths", 30.0


def forget_published_paths(tenant_id: int) -> None:
    """A definition was saved: this process asks the database again (tasks.has_published_paths)."""
    app_cache(NO_PATHS, NO_PATHS_TTL).discard(tenant_id)


def recompute_user_later(tenant_id: int, user_id: int) -> None:
    dispatch.after_commit(RECOMPUTE_USER, tenant_id, user_id)


def recompute_path_later(tenant_id: int, path_id: int) -> None:
    dispatch.after_commit(RECOMPUTE_PATH, tenant_id, path_id)
