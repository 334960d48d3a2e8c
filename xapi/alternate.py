"""The alternate request syntax (xAPI 1.0.3 Communication 1.3), for browsers that can send only
GET and POST without headers (Internet Explorer 8 and 9's XDomainRequest), and for queries too
long for a URL: ``POST statements?method=PUT`` with a form body.

- The request is a POST whose only query parameter is ``method``: GET, HEAD, PUT or POST
  (1.3.s3.b1–b3); anything else is a 400.
- The body is a URL-encoded form (1.3.s3.b4). XDomainRequest sends it as ``text/plain`` or
  without a Content-Type, so those are read as a form too; any other Content-Type is a 400.
- Form parameter ``content`` is the body of the request meant, as UTF-8 text (1.3.s3.b5: no
  binary data, so no attachment parts). ``Authorization``, ``X-Experience-API-Version``,
  ``Content-Type``, ``Content-Length``, ``If-Match`` and ``If-None-Match`` are headers
  (1.3.s3.b6–b7; their names ignore case, as header names do), where the request has no such
  header of its own; the rest are the query parameters (1.3.s3.b13–b14). ``content`` is JSON
  unless the form's ``Content-Type`` says otherwise (the request's own describes the form).

xAPI 2.0 removed the syntax (the 2.0 conformance suite expects a 4xx for any ``?method=``):
a request whose version is 2.0 gets a 400 saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import Request
from werkzeug.datastructures import Headers, MultiDict
from werkzeug.http import parse_options_header

from xapi.errors import BadRequest

HEADER_PARAMETERS = (
    "Authorization",
    "X-Experience-API-Version",
    "Content-Type",
    "Content-Length",
    "If-Match",
    "If-None-Match",
)
METHODS = ("GET", "HEAD", "PUT", "POST")
REMOVED_IN_2_0 = (
    "xAPI 2.0 removed the alternate request syntax (?method=): send the request with its own "
    "HTTP method, and its headers as headers."
)
_FORMS = ("application/x-www-form-urlencoded", "text/plain", "")
_MAX_FIELDS = 100


@dataclass(frozen=True)
class Call:
    """A statements request as the listener handles it: as sent, or unwrapped from the
    alternate syntax."""

    method: str
    args: MultiDict[str, str]
    headers: Headers
    content: bytes | None = None  # the form's ``content``; None: the request body is the body
    alternate: bool = False

    @property
    def mimetype(self) -> str:
        return parse_options_header(self.headers.get("Content-Type", ""))[0].lower()


def asked(request: Request) -> bool:
    """Whether the request uses the alternate syntax (a ``method`` query parameter)."""
    return request.endpoint == "xapi.statements" and "method" in request.args


def as_sent(request: Request) -> Call:
    return Call(request.method, request.args, Headers(request.headers))


def unwrap(request: Request, body: bytes) -> Call:
    """The request the alternate syntax stands for, or 400 (see the module docstring)."""
    if request.method != "POST":
        raise BadRequest("The alternate request syntax (?method=) is sent as an HTTP POST.")
    if set(request.args) != {"method"} or len(request.args.getlist("method")) > 1:
        raise BadRequest(
            "The alternate request syntax takes one query parameter, method; send the others "
            "as form parameters."
        )
    method = request.args["method"]
    if method not in METHODS:
        raise BadRequest(f"method must be one of {', '.join(METHODS)} (was {method[:20]!r}).")
    if request.mimetype not in _FORMS:
        raise BadRequest(
            "The alternate request syntax sends a form (application/x-www-form-urlencoded), "
            f"not {request.mimetype}."
        )
    form = _form(body)
    headers = Headers(request.headers)
    del headers["Content-Type"], headers["Content-Length"]  # they describe the form
    for name in [name for name in form if name.lower() in _HEADER_NAMES]:
        value = form.pop(name)
        headers.setdefault(_HEADER_NAMES[name.lower()], value)
    content = form.pop("content", None)
    if content is None and method in ("PUT", "POST"):
        raise BadRequest(f"method={method} needs the statement(s) in the form parameter content.")
    headers.setdefault("Content-Type", "application/json")
    encoded = content.encode("utf-8") if content is not None else None
    return Call(method, form, headers, encoded, alternate=True)


_HEADER_NAMES = {name.lower(): name for name in HEADER_PARAMETERS}


def _form(body: bytes) -> MultiDict[str, str]:
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=True,
            errors="strict",
            max_num_fields=_MAX_FIELDS,
        )
    except ValueError as exc:  # UnicodeDecodeError too
        raise BadRequest(
            "The alternate request syntax needs a URL-encoded form body (UTF-8)."
        ) from exc
    names = [name for name, _ in pairs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise BadRequest(f"The form parameter {repeated[0]!r} is given more than once.")
    return MultiDict(pairs)
