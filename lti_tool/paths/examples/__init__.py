"""Three example roles with their paths, in English and Dutch: a customer support agent, a
team lead and a software developer. Each is a path definition file (valid against the
published schema) that any LearnLoop can import; the demo LMS installs them.

Their evidence rules name activities of a Moodle at ``https://moodle.example.org`` (course
module URLs, as Moodle's xAPI logstore sends them) with ADL verbs; :func:`install` can point
them at another LMS. Card steps name LearnLoop cards as ``urn:learnloop:card:<key>``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from lti_tool.paths.models import PathVersion
from lti_tool.paths.services import path_versions

NAMES = ("customer-support-agent", "team-lead", "software-developer")
EXAMPLE_LMS = "https://moodle.example.org"


def definition(name: str, lms_url: str | None = None) -> dict[str, Any]:
    """The example path ``name`` (one of ``NAMES``); with ``lms_url``, its rules name that LMS."""
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    if lms_url:
        base = lms_url.rstrip("/")
        for stage in data["stages"]:
            for step in stage["steps"]:
                rule = step.get("evidence")
                if rule and rule["activity"].startswith(EXAMPLE_LMS + "/"):
                    rule["activity"] = base + rule["activity"][len(EXAMPLE_LMS) :]
    return data


def install(
    tenant_id: int, *, lms_url: str | None = None, user_id: int | None = None
) -> list[PathVersion]:
    """Save the example paths (with their roles, skills and priorities) that the tenant does
    not have yet: a role that already has a path keeps it, so installing again changes
    nothing. The versions saved now. Flushes; the caller commits."""
    have = {listing.role_key for listing in path_versions.paths(tenant_id) if listing.version}
    return [
        path_versions.save_definition(tenant_id, data, user_id)
        for data in (definition(name, lms_url) for name in NAMES)
        if data["role"]["key"] not in have
    ]
