"""Canvas: what it does differently (notes/lti-advantage.md §3, "Canvas manual JSON").

- Dynamic Registration: the privacy level is a Canvas extension of the tool configuration
  (``public`` sends names and e-mail); placements use Canvas's names (``course_navigation``,
  ``link_selection``, ``assignment_selection``); the response carries **no** deployment_id, so
  the registration learns its deployments at their first launch; an administrator must still
  enable the new developer key and may narrow its scopes and placements.
- The manual path: the developer key's JSON configuration (``GET /lti/canvas.json``,
  :mod:`.developer_key`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from lti_tool.lti.products.base import RESOURCE_LINK, Product

if TYPE_CHECKING:
    from lti_tool.lti.registration.platform_config import PlatformConfiguration

EXTENSION = "https://canvas.instructure.com/lti/"
PRIVACY_LEVEL = "public"  # names and e-mail: people are shown by name, xAPI matched by e-mail
TOOL_ID = "learnloop"
# Deep Linking from a module's "add item" (link_selection) and from a new assignment
# (assignment_selection), where a graded item gets its line item.
DEEP_LINKING_PLACEMENTS = ("link_selection", "assignment_selection")
RESOURCE_LINK_PLACEMENTS = ("course_navigation",)


class CanvasProduct(Product):
    family = "canvas"
    label = "Canvas"
    resource_link_placements = RESOURCE_LINK_PLACEMENTS
    deep_linking_placements = DEEP_LINKING_PLACEMENTS

    def usable_placements(
        self, platform: PlatformConfiguration, message_type: str, wanted: tuple[str, ...]
    ) -> list[str]:
        # Canvas lists bare names, or https://canvas.instructure.com/lti/<name> (notes §3).
        offered = {p.removeprefix(EXTENSION) for p in platform.placements_for(message_type)}
        return [p for p in wanted if not offered or p in offered]

    def message_extensions(self, message_type: str) -> dict:
        if message_type != RESOURCE_LINK:
            return {}
        # In course navigation only where a teacher turns it on; visible to the course's members.
        return {
            EXTENSION + "course_navigation/default_enabled": False,
            EXTENSION + "visibility": "members",
        }

    def tool_extensions(self, platform: PlatformConfiguration) -> dict:
        return {EXTENSION + "privacy_level": PRIVACY_LEVEL, EXTENSION + "tool_id": TOOL_ID}

    def after_registration(self, learns_deployments: bool) -> list[Any]:
        return [
            _l(
                "In Canvas, review the new developer key and turn it on, then add LearnLoop to "
                "an account or course with its client ID (Settings → Apps → + App → By Client ID)."
            ),
            *super().after_registration(learns_deployments),
        ]
