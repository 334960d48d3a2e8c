"""Who is the operator on this request: a signed page token, as LTI pages use.

The console may be opened inside an LMS iframe too, where cookies may be withheld; so, like
the viewer's, the operator's session is a short-lived signed token carried in every link and
form (``lt``). A form on another site cannot know it, so it also guards every change (CSRF).
It names the credential's session generation: a sign-out or a new password ends it.
"""

from __future__ import annotations

from flask import g, request
from flask_babel import lazy_gettext as _l

from lti_tool.core.errors import UserError
from lti_tool.core.security import TokenError, sign, unsign
from lti_tool.operator import passwords

_SALT = "learnloop-operator"
TOKEN_PARAM = "lt"  # noqa: S105  # a parameter name, not a secret
MAX_AGE = 30 * 60  # sliding: renewed on every page


class SignInRequired(UserError):
    status = 401
    title = _l("Sign in to the operator console")
    message = _l("Enter the operator password to continue.")


def token_for(generation: int) -> str:
    return sign({"op": generation}, _SALT)


def require_operator() -> int:
    """The session generation of a signed-in operator; ``SignInRequired`` (401) otherwise."""
    token = request.args.get(TOKEN_PARAM) or request.form.get(TOKEN_PARAM)
    if not token:
        raise SignInRequired(log_reason="no operator token")
    try:
        data = unsign(token, _SALT, MAX_AGE)
        generation = int(data["op"])
    except (TokenError, KeyError, TypeError, ValueError) as exc:
        raise SignInRequired(log_reason=f"operator token rejected: {exc}") from exc
    if generation != passwords.session_generation():
        raise SignInRequired(log_reason="operator token of an ended session")
    g.page_token = token_for(generation)  # tool_url carries it into links and forms
    return generation
