"""Links placed in the demo course by LTI Deep Linking: what a designer chose in a tool's
picker comes back as ``ltiResourceLink`` content items (LTI DL 2.0 §3.1), and the course page
lists each as a link anyone in the course can open. Kept in ``demo_lms_links.json`` in the
instance folder, like the registered tools.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from lti_tool.demo.json_list import JsonFileList

LINKS_FILE = "demo_lms_links.json"
EXTENSION = "learnloop.demo_lms.links"


@dataclass(frozen=True)
class PlacedLink:
    id: str  # the resource link id the platform sends when it is launched
    tool: str  # the client_id of the tool that made it
    title: str
    text: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    line_item: dict[str, Any] | None = None  # when the item is graded

    @classmethod
    def from_content_item(cls, tool: str, item: dict[str, Any]) -> PlacedLink:
        custom = item.get("custom") or {}
        return cls(
            id="dl-" + uuid.uuid4().hex[:12],
            tool=tool,
            title=str(item.get("title") or "LearnLoop"),
            text=str(item.get("text") or ""),
            custom={str(k): str(v) for k, v in custom.items()} if isinstance(custom, dict) else {},
            line_item=item.get("lineItem") if isinstance(item.get("lineItem"), dict) else None,
        )


class LinkStore(JsonFileList[PlacedLink]):
    def find(self, link_id: str) -> PlacedLink | None:
        return next((link for link in self.all() if link.id == link_id), None)

    def add(self, links: list[PlacedLink]) -> None:
        with self._lock:
            self._write([*self._read(), *links])

    def _record(self, row: dict[str, Any]) -> PlacedLink:
        return PlacedLink(**row)


def store() -> LinkStore:
    return current_app.extensions[EXTENSION]
