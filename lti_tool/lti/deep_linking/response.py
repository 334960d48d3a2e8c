"""The signed ``LtiDeepLinkingResponse`` (LTI DL 2.0 §4.5) that returns the designer's choice.

It is a JWT signed with the tool's active key: ``iss`` is our client_id, ``aud`` the platform's
issuer (§4.5; Security Framework §5.2). It is built when the designer submits, so its ``iat``
is fresh however long they took to choose.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
from flask import current_app, url_for

from lti_tool.core.placement import Placeable
from lti_tool.lti import keys
from lti_tool.lti.deep_linking.request import DeepLinkRequest
from lti_tool.lti.models import Registration

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
ITEM_PARAMETER = "learnloop_item"  # the custom parameter a placed link carries back
LIFETIME = 300  # seconds; the platform reads it at once


def content_item(item: Placeable, *, with_line_item: bool) -> dict[str, Any]:
    """An ``ltiResourceLink`` content item (§3.1) that opens ``item`` when launched."""
    content: dict[str, Any] = {
        "type": "ltiResourceLink",
        "title": item.title,
        "url": current_app.config["BASE_URL"] + url_for("lti.launch"),
        "custom": {**item.custom, ITEM_PARAMETER: item.key},
    }
    if item.text:
        content["text"] = item.text
    if item.max_score is not None and with_line_item:
        content["lineItem"] = {
            "scoreMaximum": item.max_score,
            "label": item.title,
            "resourceId": item.key,
            "tag": "learnloop",
        }
    return content


def signed(
    request: DeepLinkRequest,
    registration: Registration,
    deployment_id: str,
    items: list[Placeable],
    message: str | None,
) -> str:
    """The response JWT for ``items`` (none: the designer cancelled)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": registration.client_id,
        "aud": registration.issuer,
        "iat": now,
        "exp": now + LIFETIME,
        "nonce": uuid.uuid4().hex,
        CLAIM + "message_type": "LtiDeepLinkingResponse",
        CLAIM + "version": "1.3.0",
        CLAIM + "deployment_id": deployment_id,
        DL_CLAIM + "content_items": [
            content_item(item, with_line_item=request.accept_lineitem) for item in items
        ],
    }
    if request.data is not None:
        claims[DL_CLAIM + "data"] = request.data
    if message:
        claims[DL_CLAIM + "msg"] = message
    key = keys.signing_key()
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})
