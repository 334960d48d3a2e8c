"""Canvas services (notes/lti-advantage.md §5, Canvas's ``scores_controller.rb``):

- a score may carry the submission extension; LearnLoop sends ``new_submission: false``, so a
  learner's progress updates one submission instead of piling up attempts (as hypothesis/lms
  does), with ``submitted_at`` once the activity is submitted or completed;
- the token's ``aud`` is the token URL we post to (the ``authorization_server`` Canvas
  advertises is not accepted there), which is the base behaviour.
"""

from __future__ import annotations

from typing import Any

from lti_tool.lti.products.ags import Score, ServiceBehaviour, format_timestamp

SUBMISSION = "https://canvas.instructure.com/lti/submission"


class CanvasServices(ServiceBehaviour):
    family = "canvas"

    def score_body(self, score: Score) -> dict[str, Any]:
        body = super().score_body(score)
        submission: dict[str, Any] = {"new_submission": False}
        if score.activity_progress in ("Submitted", "Completed"):
            submission["submitted_at"] = format_timestamp(score.timestamp)
        body[SUBMISSION] = submission
        return body
