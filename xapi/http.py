"""The HTTP manners of the xAPI endpoints: version header, CORS, JSON bodies, body size.

- ``X-Experience-API-Version`` is required on every request but ``/about`` (400 otherwise) and
  sent on every response (1.0.3 Communication 3.3, XAPI-00331/00333): ``2.0.0`` to a 2.0
  request, ``1.0.3`` to a 1.0.x one, ``XAPI_VERSION_WHEN_MISSING`` when the request had none.
- CORS: browser clients may call with any origin. Nothing rides on cookies here (credentials
  travel in the ``Authorization`` header), so ``*`` is safe.
- ``X-Experience-API-Consistent-Through`` on every statements response (C2.1.3.s2.b5).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, current_app, g, request
from werkzeug.datastructures import Headers
from werkzeug.exceptions import RequestEntityTooLarge

from xapi import timestamps
from xapi.errors import BadRequest, TooLarge
from xapi.jsonbody import dumps
from xapi.validation import RULES_2_0_0, UnsupportedVersion, rules_for

VERSION_HEADER = "X-Experience-API-Version"
CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"
_ALIASES = {"2.0": "2.0.0"}  # the 2.0 shorthand (xapi-validation.md §6)
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        f"{VERSION_HEADER}, {CONSISTENT_THROUGH}, ETag, Last-Modified, WWW-Authenticate"
    ),
}
_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, PUT, POST, OPTIONS",
    "Access-Control-Allow-Headers": (
        f"Authorization, Content-Type, {VERSION_HEADER}, If-Match, If-None-Match"
    ),
    "Access-Control-Max-Age": "86400",
}


def rules_from_header(headers: Headers | None = None, *, required: bool = True) -> str | None:
    """The rule set the request (or ``headers``, an alternate-syntax request's) asks for;
    remembered for the response header.

    Not ``required`` (``/about``), a missing or unknown version is no error: the answer then
    names ``XAPI_VERSION_WHEN_MISSING``.
    """
    value = (request.headers if headers is None else headers).get(VERSION_HEADER)
    if value is None and required:
        raise BadRequest(f"The {VERSION_HEADER} header is required (1.0.3 or 2.0.0).")
    try:
        g.xapi_rules = rules_for(_ALIASES.get(value.strip(), value.strip()) if value else value)
    except UnsupportedVersion as exc:
        if required:
            raise BadRequest(str(exc)) from exc
    return g.get("xapi_rules")


def statement_version() -> str:
    """The ``version`` a statement gets when it has none (1.0.3 Data 2.4.10, 2.0 CTS 4.2.4.3)."""
    return "2.0.0" if g.get("xapi_rules") == RULES_2_0_0 else "1.0.0"


def read_body() -> bytes:
    """The request body, or 413 past ``XAPI_MAX_BODY`` (a JSON answer, not Flask's page)."""
    limit = current_app.config["XAPI_MAX_BODY"]
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(f"The body is larger than this listener accepts ({limit} bytes).")
    try:
        return request.get_data(cache=False)
    except RequestEntityTooLarge as exc:
        raise TooLarge(f"The body is larger than this listener accepts ({limit} bytes).") from exc


def json_response(body: Any, status: int = 200) -> Response:
    text = body if isinstance(body, str) else dumps(body)
    return Response(text, status=status, mimetype="application/json")


def preflight() -> Response:
    return Response(status=204, headers=_PREFLIGHT)


def add_headers(response: Response) -> Response:
    rules = g.get("xapi_rules")
    response.headers[VERSION_HEADER] = (
        "2.0.0"
        if rules == RULES_2_0_0
        else ("1.0.3" if rules else current_app.config["XAPI_VERSION_WHEN_MISSING"])
    )
    response.headers.update(_CORS)
    if request.endpoint in ("xapi.statements", "xapi.more"):
        response.headers[CONSISTENT_THROUGH] = timestamps.format_stored(_consistent_through())
    return response


def _consistent_through() -> dt.datetime:
    """Statements stored up to here are all visible: now, less the time a request may still be
    committing, but never before a statement this response returns."""
    margin = dt.timedelta(seconds=current_app.config["XAPI_CONSISTENCY_MARGIN"])
    through = dt.datetime.now(dt.UTC) - margin
    latest = g.get("xapi_latest_stored")
    return max(through, latest) if latest else through
