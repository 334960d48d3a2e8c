"""Where a launch goes: the picker for a Deep Linking request, the placed item for a link made
by Deep Linking (its ``learnloop_item`` custom parameter), else ``None`` (the role's landing).
"""

from __future__ import annotations

import logging

from flask import url_for

from lti_tool.lti.deep_linking import catalogue
from lti_tool.lti.deep_linking import request as dl_request
from lti_tool.lti.deep_linking.response import ITEM_PARAMETER
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.launches import Launch
from lti_tool.lti.roles import Landing

DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
log = logging.getLogger("learnloop")


def destination(launch: Launch, token: str) -> str | None:
    if launch.message_type == DEEP_LINKING_REQUEST:
        if launch.landing not in (Landing.DESIGNER, Landing.ADMIN):
            raise LaunchError("not_allowed", f"{launch.landing} sent a deep linking request")
        wanted = dl_request.from_settings(launch.tenant_id, launch.deep_linking_settings)
        return url_for("deep_linking.picker", lt=token, dl=wanted.to_token())
    key = launch.custom.get(ITEM_PARAMETER)
    if not key:
        return None
    item = catalogue.find(launch.tenant_id, launch.context_id, key)
    if item is None:
        log.warning("placed item %r not found in tenant %s", key, launch.tenant_id)
        return url_for("home.landing", lt=token, missing="1")
    return url_for(item.endpoint, lt=token, **item.values)
