"""The learner's path on "My learning" (home): a summary and a link to the whole path page,
and the colleagues' write-ups this person was asked to confirm."""

from __future__ import annotations

from typing import Any

from lti_tool.paths.services import confirmation, path_versions, progress


def my_learning_panel(tenant_id: int, user_id: int) -> dict[str, Any]:
    """``path_summary`` when the person is on a path; else whether there are paths to choose.
    ``confirm_requests``: how many write-ups wait for this person to confirm them."""
    asked = confirmation.count_requests(tenant_id, user_id)
    summary = progress.summary(tenant_id, user_id)
    if summary is not None:
        return {"path_summary": summary, "paths_to_choose": False, "confirm_requests": asked}
    choosable = any(listing.version for listing in path_versions.paths(tenant_id))
    return {"path_summary": None, "paths_to_choose": choosable, "confirm_requests": asked}
