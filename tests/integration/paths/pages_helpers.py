"""Driving the role paths pages through the Flask test client: people launched into a tenant,
and a small path a designer could build in the editor."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lti_tool.core.db import commit_or_rollback, db
from lti_tool.paths.models import JobRole, Path, PathVersion, RoleSkill, Skill
from lti_tool.paths.services import path_versions
from tests.integration.launch_helpers import launch
from tests.integration.xapi_helpers import tenant_id
from tests.support.platform import CLAIM, INSTRUCTOR, LEARNER, TestPlatform

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
LMS = "https://lms.example.edu"
QUIZ = LMS + "/mod/quiz/view.php?id=7"


def signed_in(
    client: FlaskClient,
    platform: TestPlatform,
    *,
    sub: str = "designer",
    roles: tuple[str, ...] = (INSTRUCTOR,),
    deployment_id: str = "dep-1",
    locale: str | None = None,
    custom: dict[str, str] | None = None,
) -> str:
    """Launch as a person; return the page token."""
    claims: dict[str, Any] = {"sub": sub, "roles": roles, "deployment_id": deployment_id}
    if locale:
        claims["locale"] = locale
    if custom:
        claims[CLAIM + "custom"] = custom
    response = launch(client, platform, **claims)
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    return parse_qs(urlsplit(response.headers["Location"]).query)["lt"][0]


def learner(client: FlaskClient, platform: TestPlatform, **kwargs: Any) -> str:
    return signed_in(client, platform, sub=kwargs.pop("sub", "learner"), roles=(LEARNER,), **kwargs)


def html(response: Any) -> str:
    return response.get_data(as_text=True)


def field_error(page: str, field_id: str) -> str:
    """The first message shown next to the field with this element id."""
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error-1">(.*?)</p>', page)
    assert match, f"no error next to {field_id}"
    return re.sub(r"<[^>]+>", "", match[1]).replace("Error: ", "").replace("Fout: ", "")


def definition(role_key: str = "support", **overrides: Any) -> dict[str, Any]:
    """A small valid path: core (a quiz passed), advanced (a completed course), a branch."""
    data: dict[str, Any] = {
        "role": {"key": role_key, "name": {"en": "Support agent", "nl": "Supportmedewerker"}},
        "title": {"en": "Support path", "nl": "Supportpad"},
        "skills": [
            {"key": "listening", "name": {"en": "Listening", "nl": "Luisteren"}},
            {"key": "product", "name": {"en": "Product knowledge", "nl": "Productkennis"}},
            {"key": "writing", "name": {"en": "Writing", "nl": "Schrijven"}},
        ],
        "priority_skills": ["listening", "product", "writing"],
        "stages": [
            {
                "key": "core",
                "reflection_questions": [
                    {"key": "why", "text": {"en": "Why this role?", "nl": "Waarom deze rol?"}}
                ],
                "steps": [
                    {
                        "key": "quiz",
                        "kind": "activity",
                        "title": {"en": "Pass the product quiz", "nl": "Haal de productquiz"},
                        "skills": [{"skill": "product", "weight": 2}],
                        "evidence": {"verbs": [PASSED], "activity": QUIZ},
                    },
                    {
                        "key": "apply-1",
                        "kind": "apply",
                        "title": {"en": "Solve a real ticket", "nl": "Los een echt ticket op"},
                        "skills": [{"skill": "listening"}],
                    },
                ],
            },
            {
                "key": "advanced",
                "steps": [
                    {
                        "key": "course-2",
                        "kind": "activity",
                        "title": {"en": "Advanced course", "nl": "Vervolgcursus"},
                        "depends_on": ["quiz"],
                        "evidence": {
                            "verbs": [COMPLETED],
                            "activity": LMS + "/course/view.php?id=2",
                        },
                    }
                ],
            },
            {
                "key": "leadership",
                "steps": [
                    {
                        "key": "coach",
                        "kind": "checkin",
                        "title": {"en": "Coach a new colleague", "nl": "Coach een nieuwe collega"},
                    }
                ],
            },
            {
                "key": "specialist",
                "steps": [
                    {
                        "key": "expert",
                        "kind": "slot_teach",
                        "title": {"en": "Teach a hard case", "nl": "Leer een lastig geval"},
                    }
                ],
            },
        ],
    }
    data.update(overrides)
    return data


def saved_path(app: Flask, data: dict[str, Any] | None = None, deployment_id: str = "dep-1") -> int:
    """Save a definition in a tenant as a designer would; return the path id."""
    tenant = tenant_id(app, deployment_id)
    with app.app_context(), commit_or_rollback():
        return path_versions.save_definition(tenant, data or definition(), None).path_id


def role_id(app: Flask, key: str = "support", deployment_id: str = "dep-1") -> int:
    tenant = tenant_id(app, deployment_id)
    with app.app_context():
        return db.session.scalars(
            select(JobRole.id).where(JobRole.key == key, JobRole.tenant_id == tenant)
        ).one()


def counts(app: Flask) -> dict[str, int]:
    """How many rows the catalogue and paths hold: "nothing saved" compares these."""
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (JobRole, Skill, RoleSkill, Path, PathVersion)
        }


class _Form(HTMLParser):
    """The fields a browser would submit from the first form whose action contains ``action``
    (checked boxes only; a select's selected option, else its first)."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.fields = action, False, []
        self._textarea: str | None = None
        self._select: list[Any] | None = None  # [name, chosen, first]
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self._done:
            self.inside = self.action in a.get("action", "")
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append((self._textarea, ""))
        elif tag == "select":
            self._select = [a.get("name"), None, None]
        elif tag == "option" and self._select is not None:
            if self._select[2] is None:
                self._select[2] = a.get("value", "")
            if "selected" in a:
                self._select[1] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, chosen, first = self._select
            self.fields.append((name, chosen if chosen is not None else first or ""))
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self._done = False, True


def form_fields(page: str, action: str) -> list[tuple[str, str]]:
    parser = _Form(action)
    parser.feed(page)
    assert parser.fields, f"no form posting to {action}"
    return parser.fields


def replaced(fields: list[tuple[str, str]], changes: dict[str, str]) -> list[tuple[str, str]]:
    """The fields with some values changed, and the ones not there yet added."""
    present = {name for name, _ in fields}
    changed = [(name, changes.get(name, value)) for name, value in fields]
    return changed + [(name, value) for name, value in changes.items() if name not in present]
