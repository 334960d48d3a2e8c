"""What ``GET statements`` answers (1.0.3 Communication 2.1.3; 2.0 §4.1.6.1): a Statement or a
StatementResult, in the ``format`` asked (:mod:`xapi.result_formats`), as ``application/json``;
or, with ``attachments=true``, as ``multipart/mixed``: that JSON first, then the data of the
statements' attachments, each once (C1.5.2.s3.b1, XAPI-00161/00167).

A StatementResult page carries at most ``XAPI_MAX_BODY`` bytes of attachment data (and at least
one statement): past that it ends early, and its ``more`` link goes on from there.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Response, current_app

from xapi import attachments, http, reading, result_formats
from xapi.attachments import Outgoing, multipart
from xapi.jsonbody import dumps
from xapi.params import Shape
from xapi.result_formats import Choose

MoreLink = Callable[[reading.Position | None], str]  # "" when there is no next page


def statement(tenant_id: int, text: str, shape: Shape, choose: Choose) -> Response:
    """One statement (``statementId`` or ``voidedStatementId``)."""
    [shaped] = result_formats.shaped([text], shape.format, choose)
    carried: list[Outgoing] = []
    if shape.attachments:
        _, carried = attachments.for_response(tenant_id, [json.loads(text)], _budget())
    return _answer(shaped, carried, shape)


def statement_result(
    tenant_id: int, found: reading.Page, shape: Shape, choose: Choose, more: MoreLink
) -> Response:
    """A page of a query: ``{"statements": [...], "more": "..."}``."""
    texts, next_after = found.statements, found.next_after
    carried: list[Outgoing] = []
    if shape.attachments:
        parsed = [json.loads(text) for text in texts]
        count, carried = attachments.for_response(tenant_id, parsed, _budget())
        if count < len(texts):
            texts, next_after = texts[:count], found.positions[count - 1]
    shaped = result_formats.shaped(texts, shape.format, choose)
    body = '{"statements":[' + ",".join(shaped) + '],"more":' + dumps(more(next_after)) + "}"
    return _answer(body, carried, shape)


def _answer(text: str, carried: list[Outgoing], shape: Shape) -> Response:
    if not shape.attachments:
        return http.json_response(text)
    data, content_type = multipart.write(text, carried)
    return Response(data, content_type=content_type)


def _budget() -> int:
    return int(current_app.config["XAPI_MAX_BODY"])
