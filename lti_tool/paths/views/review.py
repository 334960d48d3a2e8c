"""Learning in reviews: the learner's own record (skills progress, reflections, recognition)
as a printable page and a CSV file, for them to bring to a development conversation.
Nothing is shared: only the learner themself can open it.
"""

from __future__ import annotations

from flask import Response, render_template
from flask_babel import get_locale

from lti_tool.core.db import utcnow
from lti_tool.paths.services import export
from lti_tool.paths.views import bp
from lti_tool.paths.views.common import person


@bp.get("/mine/review")
def review() -> str:
    viewer = person()
    record = export.learner_record(viewer.tenant_id, viewer.user.id)
    return render_template("paths/review.html", viewer=viewer, record=record, today=utcnow().date())


@bp.get("/mine/review.csv")
def review_csv() -> Response:
    viewer = person()
    record = export.learner_record(viewer.tenant_id, viewer.user.id)
    language = str(get_locale() or "en")
    response = Response(export.to_csv(record, language), mimetype="text/csv")
    name = f"learning-record-{utcnow().date().isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"  # one person's record
    return response
