"""The xAPI listener: ``/xapi/statements`` (PUT, POST, GET, HEAD) and ``/xapi/about``.

Every request but ``/about`` and CORS preflight names its xAPI version and authenticates with
a tenant's credential (:mod:`xapi.auth`); every answer is JSON (errors included), or
``multipart/mixed`` for statements with their attachments' data (:mod:`xapi.answers`).
Statements may arrive with attachment data (:mod:`xapi.attachments`), and under xAPI 1.0.x in
the alternate request syntax (:mod:`xapi.alternate`): the handlers read the request as a
:class:`~xapi.alternate.Call`, whichever way it came.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from lti_tool.core.db import db
from xapi import (
    alternate,
    answers,
    attachments,
    auth,
    credentials,
    events,
    http,
    paging,
    reading,
    schemas,
    store,
)
from xapi.errors import BadRequest, MethodNotAllowed, NotFound, Unauthorized, XapiError
from xapi.params import Query, Single, parse
from xapi.validation import RULES_2_0_0, formats

bp = Blueprint("xapi", __name__, url_prefix="/xapi")
log = logging.getLogger("learnloop.xapi")

_OPEN = ("xapi.about", "xapi.unknown")  # answer without a version header or credentials
_ALL_METHODS = ["GET", "HEAD", "PUT", "POST", "OPTIONS", "DELETE", "PATCH"]


@bp.before_request
def _version_and_caller() -> Response | None:
    request.max_content_length = current_app.config["XAPI_MAX_BODY"]
    if request.method == "OPTIONS":
        return http.preflight()
    if request.endpoint in _OPEN:
        http.rules_from_header(required=False)
        return None
    call = g.xapi_call = _call()
    if http.rules_from_header(call.headers) == RULES_2_0_0 and call.alternate:
        raise BadRequest(alternate.REMOVED_IN_2_0)
    g.xapi_caller = auth.caller(call.headers.get("Authorization"))
    return None


def _call() -> alternate.Call:
    """The request as sent, or the one the alternate syntax (xAPI 1.0.x only) stands for."""
    if not alternate.asked(request):
        return alternate.as_sent(request)
    if http.rules_from_header(required=False) == RULES_2_0_0:
        raise BadRequest(alternate.REMOVED_IN_2_0)
    return alternate.unwrap(request, http.read_body())


@bp.route("/about", methods=["GET", "HEAD", "OPTIONS"])
def about() -> Response:
    return http.json_response({"version": ["1.0.3", "2.0.0"]})


@bp.route("/statements", methods=_ALL_METHODS)
def statements() -> Response:
    handlers = {
        "GET": get_statements,
        "HEAD": get_statements,
        "PUT": put_statement,
        "POST": post_statements,
    }
    call: alternate.Call = g.xapi_call
    handler = handlers.get(call.method)
    if handler is None:
        raise MethodNotAllowed(f"{call.method} is not supported on statements.")
    response = handler()
    if call.alternate and call.method == "HEAD":
        response.set_data(b"")  # a real HEAD loses its body on the way out; this one here
    return response


def post_statements() -> Response:
    if g.xapi_call.args:
        raise BadRequest("POST takes no parameters.")
    body, parts = _statements_body(single=False)
    recorded = store.record(body.statements, _sender(), batch=body.batch, commit_alone=not parts)
    attachments.keep(g.xapi_caller.tenant_id, body.statements, parts)
    db.session.commit()  # durable before the 200 goes out
    events.announce(g.xapi_caller.tenant_id, recorded.new_ids)
    return http.json_response(recorded.ids)


def put_statement() -> Response:
    statement_id = _put_statement_id()
    body, parts = _statements_body(single=True)
    statement = body.statements[0]
    if str(statement.get("id", statement_id)).lower() != statement_id.lower():
        raise BadRequest("The statement's id differs from the statementId parameter.")
    statement.setdefault("id", statement_id)
    recorded = store.record([statement], _sender(), batch=False, commit_alone=not parts)
    attachments.keep(g.xapi_caller.tenant_id, body.statements, parts)
    db.session.commit()
    events.announce(g.xapi_caller.tenant_id, recorded.new_ids)
    return Response(status=204)


def _statements_body(*, single: bool) -> tuple[schemas.Body, dict[str, attachments.Part]]:
    """The valid statements of a PUT or POST, and their attachments' data (multipart/mixed)."""
    call: alternate.Call = g.xapi_call
    data = call.content if call.content is not None else http.read_body()
    if call.mimetype != "multipart/mixed":
        return schemas.statements_in(call.mimetype, data, g.xapi_rules, single=single), {}
    if call.alternate:
        raise BadRequest("The alternate request syntax carries no attachment data.")
    return attachments.statements_in(
        call.headers["Content-Type"], data, g.xapi_rules, single=single
    )


def get_statements() -> Response:
    config = current_app.config
    asked = parse(g.xapi_call.args, config["XAPI_PAGE_SIZE"], config["XAPI_MAX_PAGE_SIZE"])
    if isinstance(asked, Single):
        return _one(asked)
    return _page(asked, after=None)


@bp.route("/statements/more/<cursor>", methods=["GET", "HEAD", "OPTIONS"])
def more(cursor: str) -> Response:
    if request.args:
        raise BadRequest("A more link takes no other parameters.")
    query, after = paging.read(cursor, g.xapi_caller.tenant_id)
    return _page(query, after=after)


@bp.route("/", methods=_ALL_METHODS, endpoint="unknown")
@bp.route("/<path:rest>", methods=_ALL_METHODS, endpoint="unknown")
def unknown(rest: str = "") -> Response:
    raise NotFound("This listener offers /xapi/statements and /xapi/about only.")


def _one(asked: Single) -> Response:
    found = reading.find(g.xapi_caller.tenant_id, asked.statement_id, voided=asked.voided)
    if found is None:
        which = "voided statement" if asked.voided else "statement (or it was voided)"
        raise NotFound(f"No such {which}.")
    g.xapi_latest_stored = found.stored
    tenant_id = g.xapi_caller.tenant_id
    response = answers.statement(tenant_id, found.json, asked.shape, _language)
    response.last_modified = found.stored
    return response


def _page(query: Query, after: reading.Position | None) -> Response:
    tenant_id = g.xapi_caller.tenant_id
    found = reading.page(
        tenant_id, query.filters, ascending=query.ascending, limit=query.limit, after=after
    )
    g.xapi_latest_stored = found.latest_stored

    def more(next_after: reading.Position | None) -> str:
        return paging.more_url(tenant_id, query, next_after) if next_after else ""

    response = answers.statement_result(tenant_id, found, query.shape, _language, more)
    response.last_modified = found.latest_stored  # 2.0 §4.1.6.1: the latest stored returned
    return response


def _language(tags: Sequence[str]) -> str:
    """The language of a map that ``Accept-Language`` prefers (format=canonical)."""
    return request.accept_languages.best_match(tags) or tags[0]


def _put_statement_id() -> str:
    args = g.xapi_call.args
    if set(args) != {"statementId"} or len(args.getlist("statementId")) > 1:
        raise BadRequest("PUT takes exactly one parameter: statementId.")
    statement_id = args["statementId"]
    if reason := formats.check_uuid(statement_id):
        raise BadRequest(f"statementId {reason}.", [("statementId", reason)])
    return statement_id


def _sender() -> store.Sender:
    caller: credentials.Verified = g.xapi_caller
    return store.Sender(
        tenant_id=caller.tenant_id,
        authority=auth.authority(caller),
        version=http.statement_version(),
        derive_ids=bool(current_app.config["XAPI_DERIVE_MISSING_IDS"]),
    )


@bp.after_request
def _headers(response: Response) -> Response:
    return http.add_headers(response)


@bp.errorhandler(XapiError)
def _refused(error: XapiError) -> Response:
    db.session.rollback()
    response = http.json_response(error.body(), error.status)
    if isinstance(error, Unauthorized):
        response.headers["WWW-Authenticate"] = auth.CHALLENGE
    return response


@bp.errorhandler(RecursionError)
def _too_deep(error: RecursionError) -> Response:
    db.session.rollback()  # json nests deeper than Python's stack allows: the sender's problem
    return _refused(BadRequest("The JSON is nested too deeply."))


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Any:
    db.session.rollback()
    status = error.code or 500
    return http.json_response({"error": error.description or error.name}, status)


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return http.json_response({"error": "Something went wrong on our side; try again."}, 500)


def init_app(app: Flask) -> None:
    credentials.init_app(app)
    app.register_blueprint(bp)
