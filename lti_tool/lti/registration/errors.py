"""Why a Dynamic Registration did not happen, in words an LMS administrator can act on.

Each code maps to a status and a page (English and Dutch). The technical detail, and what the
platform said when it refused, are shown too: the reader is the administrator who can fix it.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from lti_tool.core.errors import UserError

_AGAIN = _l("Start the registration again from your LMS.")

MESSAGES: dict[str, tuple[int, Any, Any]] = {
    "turned_off": (
        403,
        _l("Dynamic Registration is turned off here"),
        _l(
            "This LearnLoop installation accepts new platforms only from its operator. Ask them "
            "to register your LMS, or use the manual configuration."
        ),
    ),
    "incomplete": (
        400,
        _l("The registration link is incomplete"),
        _l(
            "LearnLoop needs the address of your LMS's configuration (openid_configuration), as an "
            "http or https URL. Start the registration from your LMS, with LearnLoop's "
            "registration URL."
        ),
    ),
    "unreachable": (
        502,
        _l("LearnLoop could not reach your LMS"),
        _l(
            "LearnLoop could not read your LMS's configuration. Check that LearnLoop can reach "
            "your LMS over the network, then start the registration again."
        ),
    ),
    "not_json": (
        502,
        _l("Your LMS's answer could not be read"),
        _l(
            "Your LMS did not answer with JSON where LTI Dynamic Registration expects it. Check "
            "that LTI 1.3 Dynamic Registration is available in your LMS."
        ),
    ),
    "not_a_configuration": (
        502,
        _l("Your LMS's configuration cannot be used"),
        _l(
            "The configuration your LMS sent lacks something LearnLoop needs (see the details "
            "below). Check that your LMS supports LTI 1.3 Dynamic Registration."
        ),
    ),
    "wrong_issuer": (
        400,
        _l("Your LMS's configuration names another site"),
        _l(
            "The configuration's issuer is not on the site the configuration came from, so "
            "LearnLoop cannot trust it (LTI Dynamic Registration 1.0 §3.5.1). Ask your LMS's "
            "supplier to check its platform ID (issuer)."
        ),
    ),
    "token_rejected": (
        403,
        _l("The registration link has expired or was already used"),
        _l(
            "Your LMS accepts its registration link once, for a limited time. Start the "
            "registration again from your LMS."
        ),
    ),
    "refused": (
        502,
        _l("Your LMS refused the registration"),
        _l(
            "Your LMS did not accept LearnLoop's registration. What it said is below; nothing "
            "was stored in LearnLoop."
        ),
    ),
    "bad_response": (
        502,
        _l("Your LMS's answer could not be understood"),
        _l(
            "Your LMS answered the registration without the client ID LearnLoop needs. Nothing "
            "was stored in LearnLoop; remove the new tool in your LMS, if it shows one, and try "
            "again."
        ),
    ),
    "page_expired": (
        400,
        _l("This registration page has expired"),
        _AGAIN,
    ),
    "not_stored": (
        503,
        _l("LearnLoop could not store the registration"),
        _l(
            "Your LMS registered LearnLoop, but LearnLoop could not save it. Remove the new tool "
            "in your LMS and start the registration again in a moment."
        ),
    ),
}


class RegistrationError(UserError):
    """A Dynamic Registration that stopped; nothing of it was stored."""

    def __init__(self, code: str, detail: str = "", *, platform_text: str | None = None) -> None:
        status, title, message = MESSAGES[code]
        super().__init__(message, title=title, status=status, log_reason=f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.platform_text = platform_text
