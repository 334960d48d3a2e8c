"""Moodle 4.x/5.x services (notes/lti-advantage.md §5, Moodle's ``mod/lti/service/
gradebookservices``):

- reading a line item checks ``lineitem.readonly`` even for a tool that holds ``lineitem``, so
  the token asks for both;
- a score whose timestamp is not newer, **to the second**, than the last one it stored for the
  person is refused with 409, so timestamps step on by whole seconds;
- ``scoreGiven`` is dropped unless ``gradingProgress`` is ``FullyGraded``, so it is not sent
  then (``scoreMaximum`` stays: Moodle takes 1 when it is missing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from lti_tool.lti.products.ags import LINEITEM, LINEITEM_READONLY, Score, ServiceBehaviour


class MoodleServices(ServiceBehaviour):
    family = "moodle"

    def ags_token_scopes(self, granted: Iterable[str]) -> tuple[str, ...]:
        scopes = set(super().ags_token_scopes(granted))
        if LINEITEM in scopes:
            scopes.add(LINEITEM_READONLY)
        return tuple(sorted(scopes))

    def score_timestamp(self, wanted: dt.datetime, last_sent: dt.datetime | None) -> dt.datetime:
        if last_sent is None:
            return wanted
        next_second = last_sent.replace(microsecond=0) + dt.timedelta(seconds=1)
        return max(wanted, next_second)

    def score_body(self, score: Score) -> dict[str, Any]:
        body = super().score_body(score)
        if score.grading_progress != "FullyGraded":
            body.pop("scoreGiven", None)
        return body
