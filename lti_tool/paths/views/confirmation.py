"""Confirming an "apply" step's write-up: the learner asks a colleague from their path page;
the colleague answers on their requests page (linked from "My learning"). Only the asked
colleague may answer, never the learner themself.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request
from flask_babel import lazy_gettext as _l

from lti_tool.core.db import db
from lti_tool.core.errors import UserError
from lti_tool.core.urls import tool_url
from lti_tool.lti.viewer import Viewer
from lti_tool.paths.definition import FieldError
from lti_tool.paths.services import FieldErrors, NotAllowed, NotFound
from lti_tool.paths.services import confirmation as confirmations
from lti_tool.paths.views import bp
from lti_tool.paths.views.common import person, with_errors
from lti_tool.paths.views.learner import MINE, page_with_errors

REQUESTS = "paths.confirmation_requests"
TEMPLATE = "paths/confirmations.html"

_ASK_WORDS = {
    "step": _l("This step does not need a colleague's confirmation."),
    "write_up": _l("Save your write-up before asking a colleague to confirm it."),
    "confirmed": _l("A colleague confirmed this write-up already."),
    "colleague": _l("Choose a colleague from the list."),
}


@bp.post("/mine/confirmation")
def ask_colleague() -> Any:
    viewer = person(change=True)
    step = request.form.get("step", "")
    colleague = request.form.get("colleague", "")
    try:
        if not colleague.isdigit():
            raise FieldErrors.one("colleague", "no colleague chosen")
        confirmations.ask(viewer.tenant_id, viewer.user.id, viewer.context.id, step, int(colleague))
    except FieldErrors as exc:
        db.session.rollback()
        errors = [FieldError(f"confirm.{step}", str(_ASK_WORDS[e.field])) for e in exc.errors]
        return page_with_errors(viewer, errors, failed=f"confirm:{step}")
    except NotFound as exc:
        raise UserError(
            _l("You are not on a role path yet. Open your path page to choose your role."),
            status=409,
            log_reason=str(exc),
        ) from exc
    db.session.commit()
    return redirect(tool_url(MINE, asked=step, _anchor="stages"), code=303)


@bp.get("/confirmations")
def confirmation_requests() -> Any:
    return _requests_page(person())


@bp.post("/confirmations/<int:reflection_id>/confirm")
def confirm_write_up(reflection_id: int) -> Any:
    viewer = person(change=True)
    try:
        confirmations.confirm(viewer.tenant_id, viewer.user.id, reflection_id)
    except (NotFound, NotAllowed) as exc:
        raise _refused(exc, reflection_id) from exc
    db.session.commit()
    return redirect(tool_url(REQUESTS, answered="confirmed"), code=303)


@bp.post("/confirmations/<int:reflection_id>/decline")
def decline_write_up(reflection_id: int) -> Any:
    viewer = person(change=True)
    field = f"note.{reflection_id}"
    note = request.form.get("note", "")
    if len(note.strip()) > confirmations.MAX_NOTE:
        message = _l("At most %(n)s characters.", n=confirmations.MAX_NOTE)
        return _requests_page(viewer, [FieldError(field, str(message))])
    try:
        confirmations.decline(viewer.tenant_id, viewer.user.id, reflection_id, note)
    except (NotFound, NotAllowed) as exc:
        raise _refused(exc, reflection_id) from exc
    except FieldErrors as exc:
        db.session.rollback()
        raise UserError(
            _l("This write-up is confirmed already."), status=409, log_reason=str(exc)
        ) from exc
    db.session.commit()
    return redirect(tool_url(REQUESTS, answered="declined"), code=303)


def _requests_page(viewer: Viewer, errors: list[FieldError] | None = None) -> Any:
    requests = confirmations.requests_for(viewer.tenant_id, viewer.user.id)
    context = {"viewer": viewer, "requests": requests}
    if errors:
        return with_errors(TEMPLATE, errors, **context)
    return render_template(TEMPLATE, errors={}, error_list=[], **context)


def _refused(exc: Exception, reflection_id: int) -> UserError:
    reason = f"reflection {reflection_id}: {exc}"
    if isinstance(exc, confirmations.OwnWriteUp):
        message = _l("You cannot confirm your own write-up. Ask a colleague to confirm it.")
        return UserError(message, title=_l("Not allowed"), status=403, log_reason=reason)
    if isinstance(exc, NotAllowed):
        message = _l("Only the colleague the learner asked can confirm or decline this write-up.")
        return UserError(message, title=_l("Not allowed"), status=403, log_reason=reason)
    message = _l("This request to confirm does not exist here. Open your requests again.")
    return UserError(message, title=_l("Not found"), status=404, log_reason=reason)
