"""Errors a person can act on: every rejection is a 4xx page saying what to do next.

Raise ``UserError`` (or a subclass) with a translatable message; the reason for the
administrator goes to the log, never to the page.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

log = logging.getLogger("learnloop")


class UserError(Exception):
    status = 400
    title: Any = _l("Something is not right")
    message: Any = _l("Please go back and try again.")

    def __init__(
        self,
        message: Any = None,
        *,
        title: Any = None,
        status: int | None = None,
        log_reason: str = "",
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(log_reason or str(message or self.message))
        if message is not None:
            self.message = message
        if title is not None:
            self.title = title
        if status is not None:
            self.status = status
        self.log_reason = log_reason
        self.extra = extra or {}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(status: int, title: Any, message: Any, **extra: Any) -> tuple[Any, int]:
    if _wants_json():
        return jsonify(error=str(title), message=str(message)), status
    page = render_template("core/error.html", title=title, message=message, status=status, **extra)
    return page, status


def handle_user_error(error: UserError) -> tuple[Any, int]:
    log.warning(
        "rejected %s %s (%s): %s", request.method, request.path, error.status, error.log_reason
    )
    return render_error(error.status, error.title, error.message, **error.extra)


def handle_http_exception(error: HTTPException) -> Any:
    if error.code is None or error.code < 400:
        return error
    messages = {
        404: (
            _l("Page not found"),
            _l("This page does not exist. Open LearnLoop again from your course."),
        ),
        405: (
            _l("Not allowed"),
            _l("This page cannot be opened this way. Open LearnLoop again from your course."),
        ),
        413: (_l("Too large"), _l("What you sent is too large.")),
    }
    title, message = messages.get(error.code, (_l("Something is not right"), error.description))
    if error.code >= 500:
        log.error("server error on %s %s: %s", request.method, request.path, error)
        title, message = (
            _l("Something went wrong on our side"),
            _l("Please try again in a moment. If it keeps happening, tell your LMS administrator."),
        )
    return render_error(error.code, title, message)


def handle_unexpected(error: Exception) -> tuple[Any, int]:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return render_error(
        500,
        _l("Something went wrong on our side"),
        _l("Please try again in a moment. If it keeps happening, tell your LMS administrator."),
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(UserError, handle_user_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
