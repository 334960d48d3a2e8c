"""Canvas's LTI 1.3 developer key configuration, served at ``GET /lti/canvas.json``."""

from __future__ import annotations

from typing import Any

from lti_tool.lti.products.base import (
    DEEP_LINKING,
    RESOURCE_LINK,
    SCOPES,
    TOOL_DESCRIPTION,
    TOOL_NAME,
    ToolSite,
)
from lti_tool.lti.products.canvas import DEEP_LINKING_PLACEMENTS, PRIVACY_LEVEL, TOOL_ID


def developer_key_json(site: ToolSite) -> dict[str, Any]:
    """Canvas's LTI 1.3 developer key configuration (Admin → Developer Keys → + LTI Key →
    Enter URL or Paste JSON). Redirect URIs are entered on the key itself."""
    placements: list[dict[str, Any]] = [
        {
            "placement": "course_navigation",
            "message_type": RESOURCE_LINK,
            "target_link_uri": site.launch_url,
            "text": TOOL_NAME,
            "default": "disabled",
            "visibility": "members",
        },
        *(
            {
                "placement": placement,
                "message_type": DEEP_LINKING,
                "target_link_uri": site.deep_linking_url,
                "text": TOOL_NAME,
            }
            for placement in DEEP_LINKING_PLACEMENTS
        ),
    ]
    return {
        "title": TOOL_NAME,
        "description": TOOL_DESCRIPTION,
        "oidc_initiation_url": site.login_url,
        "target_link_uri": site.launch_url,
        "public_jwk_url": site.jwks_url,
        "scopes": list(SCOPES),
        "extensions": [
            {
                "platform": "canvas.instructure.com",
                "domain": site.domain,
                "tool_id": TOOL_ID,
                "privacy_level": PRIVACY_LEVEL,
                "settings": {"text": TOOL_NAME, "placements": placements},
            }
        ],
    }
