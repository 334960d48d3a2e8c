"""Who is calling the xAPI endpoints: HTTP Basic auth with a tenant's credential.

1.0.3 Communication 4.0 (XAPI-00334/00335): missing or wrong credentials get 401 with a
``WWW-Authenticate`` challenge. The credential fixes the tenant, and with it every row the
request can read or write.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from werkzeug.datastructures import Authorization

from xapi import credentials
from xapi.errors import Unauthorized

REALM = "LearnLoop xAPI"
CHALLENGE = f'Basic realm="{REALM}"'


def caller(header: str | None) -> credentials.Verified:
    """The credential the ``Authorization`` header (or its alternate-syntax form field) names."""
    auth = Authorization.from_header(header)
    if auth is None or auth.type != "basic" or not auth.username or auth.password is None:
        raise Unauthorized("Send the key and secret of an xAPI credential with HTTP Basic auth.")
    verified = credentials.verify(auth.username, auth.password)
    if verified is None:
        raise Unauthorized("Unknown key, wrong secret, or a revoked credential.")
    return verified


def authority(verified: credentials.Verified) -> dict[str, Any]:
    """The Agent we put in ``authority``: the credential, as an account of this LearnLoop."""
    home_page = current_app.config["BASE_URL"]
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": verified.key}}
