"""Why a login or launch was refused, in words the person can act on (English and Dutch).

Each code maps to a page; the technical reason goes to the log for the administrator.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from lti_tool.core.errors import UserError

_AGAIN = _l("Open LearnLoop again from your course.")

MESSAGES: dict[str, tuple[int, Any, Any]] = {
    "incomplete_login": (
        400,
        _l("The login request is incomplete"),
        _l(
            "Your LMS did not send everything LearnLoop needs to sign you in. Open LearnLoop again "
            "from your course; if this keeps happening, tell your LMS administrator."
        ),
    ),
    "unknown_registration": (
        400,
        _l("LearnLoop is not set up for this LMS yet"),
        _l("Your LMS administrator needs to register LearnLoop for this platform first."),
    ),
    "unknown_deployment": (
        403,
        _l("This LearnLoop installation is not known"),
        _l(
            "Your LMS administrator needs to add this deployment of LearnLoop before it can be used."
        ),
    ),
    "wrong_target": (
        400,
        _l("This link points somewhere else"),
        _l(
            "The launch was meant for a different address than this LearnLoop. Ask your LMS "
            "administrator to check the tool's launch URL."
        ),
    ),
    "invalid_token": (
        403,
        _l("We could not verify this launch"),
        _l(
            "The launch did not carry a valid signature from your LMS. Open LearnLoop again from "
            "your course; if this keeps happening, tell your LMS administrator."
        ),
    ),
    "expired": (
        400,
        _l("This launch has expired"),
        _l("The launch took too long to arrive. Open LearnLoop again from your course."),
    ),
    "replayed": (
        403,
        _l("This launch link was already used"),
        _AGAIN,
    ),
    "state_mismatch": (
        403,
        _l("This launch does not belong to this browser window"),
        _l("Open LearnLoop again from your course, in the same browser."),
    ),
    "invalid_message": (
        400,
        _l("The launch is missing information"),
        _l(
            "Your LMS sent a launch LearnLoop cannot use. Open LearnLoop again from your course; if "
            "this keeps happening, tell your LMS administrator."
        ),
    ),
    "session_expired": (
        401,
        _l("Your LearnLoop session has ended"),
        _AGAIN,
    ),
    "not_allowed": (
        403,
        _l("This page is not for your role"),
        _l("Your role in this course does not give access to this page."),
    ),
}


class LaunchError(UserError):
    """A refused login or launch; ``code`` picks the page text from ``MESSAGES``."""

    def __init__(self, code: str, log_reason: str, **extra: Any) -> None:
        status, title, message = MESSAGES[code]
        super().__init__(
            message, title=title, status=status, log_reason=f"{code}: {log_reason}", extra=extra
        )
        self.code = code
