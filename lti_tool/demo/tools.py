"""The tools the demo LMS knows: LearnLoop registered by hand (always there), and every tool
registered with it by LTI Dynamic Registration (kept in ``demo_lms_tools.json`` in the instance
folder, so they survive a restart of ``learnloop demo``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from lti_tool.demo.json_list import JsonFileList

TOOLS_FILE = "demo_lms_tools.json"
EXTENSION = "learnloop.demo_lms.tools"


@dataclass(frozen=True)
class DemoTool:
    """One tool registration in the platform: what it launches and how it signs."""

    client_id: str
    deployment_id: str
    name: str
    login_url: str
    launch_url: str  # the target_link_uri
    jwks_url: str
    redirect_uris: tuple[str, ...]
    registered_by: str = "hand"  # or "dynamic"
    deep_linking_url: str | None = None
    scopes: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.registered_by == "hand":
            return f"{self.name} (registered by hand)"
        return f"{self.name} (Dynamic Registration, client {self.client_id})"


class ToolStore(JsonFileList[DemoTool]):
    """Dynamically registered tools, in a JSON file."""

    def find(self, client_id: str) -> DemoTool | None:
        return next((t for t in self.all() if t.client_id == client_id), None)

    def add(self, tool: DemoTool) -> bool:
        """Store a new tool; ``False`` if its client_id is taken (a registration token reused)."""
        with self._lock:
            tools = self._read()
            if any(t.client_id == tool.client_id for t in tools):
                return False
            self._write([*tools, tool])
            return True

    def _record(self, row: dict[str, Any]) -> DemoTool:
        return DemoTool(
            **{
                **row,
                "redirect_uris": tuple(row["redirect_uris"]),
                "scopes": tuple(row.get("scopes", ())),
                "claims": tuple(row.get("claims", ())),
            }
        )


def store() -> ToolStore:
    return current_app.extensions[EXTENSION]
