"""How a platform's LTI Advantage services want to be spoken to (*service behaviour*): the
scopes to ask a token for, the audience of the token request, the shape and timestamp of a score.

``services_for(family)`` picks it by the registration's ``product_family`` (the ``tool_platform``
claim's ``product_family_code``); this base is the spec's behaviour (LTI AGS 2.0, NRPS 2.0,
1EdTech Security Framework 1.0 §4.1). ``moodle_ags.py`` and ``canvas_ags.py`` change what those
LMSs do their own way (sources in notes/lti-advantage.md §5–6). Domain code asks the behaviour,
never "is this Moodle?".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
LINEITEM = AGS + "lineitem"
LINEITEM_READONLY = AGS + "lineitem.readonly"
RESULT_READONLY = AGS + "result.readonly"
SCORE = AGS + "score"
MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

# The AGS scopes LearnLoop uses: find or create a line item, post scores (results: never read).
USED_AGS_SCOPES = frozenset({LINEITEM, LINEITEM_READONLY, SCORE})

ACTIVITY_PROGRESS = ("Initialized", "Started", "InProgress", "Submitted", "Completed")
GRADING_PROGRESS = ("FullyGraded", "Pending", "PendingManual", "Failed", "NotReady")

# Moodle's ``type_id``, Canvas's paths: every platform's service URLs are opaque to us.
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MEMBERSHIPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


@dataclass(frozen=True)
class Score:
    """A score as the domain gave it (LTI AGS 2.0 §3.4.2 Score publish service)."""

    user_id: str  # the LTI ``sub``
    score_given: float | None
    score_maximum: float
    activity_progress: str
    grading_progress: str
    timestamp: dt.datetime
    comment: str | None = None


class ServiceBehaviour:
    """The spec's behaviour; subclasses change only what their LMS does differently."""

    family: ClassVar[str] = "generic"

    def ags_token_scopes(self, granted: Iterable[str]) -> tuple[str, ...]:
        """The scopes of the one token used for a link's AGS calls: those the launch granted
        that we use (one scope set per registration in the usual case, so one cached token)."""
        return tuple(sorted(USED_AGS_SCOPES.intersection(granted)))

    def token_audience(self, token_url: str) -> str:
        """The ``aud`` of our client assertion (Security Framework §4.1.1: the token endpoint)."""
        return token_url

    def score_timestamp(self, wanted: dt.datetime, last_sent: dt.datetime | None) -> dt.datetime:
        """The timestamp to send: never older than one sent before for this person and line
        item (AGS 2.0 §3.4.2: a platform ignores a score older than the one it holds)."""
        if last_sent is not None and wanted <= last_sent:
            return last_sent + dt.timedelta(milliseconds=1)
        return wanted

    def score_body(self, score: Score) -> dict[str, Any]:
        body: dict[str, Any] = {
            "userId": score.user_id,
            "scoreMaximum": score.score_maximum,
            "activityProgress": score.activity_progress,
            "gradingProgress": score.grading_progress,
            "timestamp": format_timestamp(score.timestamp),
        }
        if score.score_given is not None:
            body["scoreGiven"] = score.score_given
        if score.comment:
            body["comment"] = score.comment
        return body


def format_timestamp(value: dt.datetime) -> str:
    """ISO 8601 with milliseconds and an offset, e.g. ``2026-11-28T10:00:00.123+00:00``."""
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def services_for(family: str | None) -> ServiceBehaviour:
    from lti_tool.lti.products.canvas_ags import CanvasServices
    from lti_tool.lti.products.moodle_ags import MoodleServices

    known: dict[str, type[ServiceBehaviour]] = {
        "moodle": MoodleServices,
        "canvas": CanvasServices,
    }
    return known.get((family or "").strip().lower(), ServiceBehaviour)()
