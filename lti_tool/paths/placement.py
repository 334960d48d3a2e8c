"""What the paths domain lets a designer place in a course: each role path (Deep Linking).

A graded path gets a grade column of 100 in the LMS: its progress in percent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext

from lti_tool.core import signals
from lti_tool.core.placement import Placeable
from lti_tool.paths.services import path_versions
from lti_tool.paths.words import localized


@signals.placeables_wanted.connect
def _offer_paths(tenant_id: int, **_: Any) -> Iterable[Placeable]:
    return [
        Placeable(
            key=f"path:{listing.id}",
            kind="path",
            title=localized(listing.title),
            text=gettext(
                "The role path of %(role)s: its stages, steps and priority skills.",
                role=localized(listing.role_name),
            ),
            endpoint="paths.placed",
            values={"path_id": listing.id},
            max_score=100 if listing.graded else None,
            custom={"role": listing.role_key},  # a learner opening it is enrolled on it
        )
        for listing in path_versions.paths(tenant_id)
        if listing.version
    ]
