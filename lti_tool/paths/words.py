"""The names the paths pages show for the definition's fixed vocabularies (English, Dutch)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

STAGES = {
    "core": _l("Core"),
    "advanced": _l("Advanced"),
    "leadership": _l("Leadership"),
    "specialist": _l("Specialist"),
}
BRANCH_HINTS = {
    "leadership": _l("Lead others: coach colleagues, run the team's learning, own its results."),
    "specialist": _l("Go deep: become the person colleagues ask about the hardest cases."),
}
KINDS = {
    "card": _l("Read a resource card"),
    "activity": _l("An activity in the LMS or elsewhere (xAPI)"),
    "slot_attend": _l("Attend a peer-teaching slot"),
    "slot_teach": _l("Teach a peer-teaching slot"),
    "apply": _l("Apply it to a real work problem (written reflection)"),
    "checkin": _l("A check-in conversation"),
}
# Verbs a designer can tick in a rule; any other verb IRI can be typed.
VERBS = {
    "http://adlnet.gov/expapi/verbs/completed": _l("completed"),
    "http://adlnet.gov/expapi/verbs/passed": _l("passed"),
    "http://adlnet.gov/expapi/verbs/answered": _l("answered"),
    "http://adlnet.gov/expapi/verbs/attempted": _l("attempted"),
    "http://adlnet.gov/expapi/verbs/attended": _l("attended"),
    "http://adlnet.gov/expapi/verbs/experienced": _l("experienced"),
    "http://id.tincanapi.com/verb/viewed": _l("viewed (Moodle)"),
    "https://w3id.org/xapi/tla/verbs/scored": _l("scored (Moodle)"),
}
SOURCES = {
    "statement": _l("Activities in the LMS"),
    "learnloop": _l("LearnLoop"),
    "self": _l("Logged by you"),
}


def stage_name(key: str) -> str:
    return str(STAGES.get(key, key))


def localized(value: Any) -> str:
    """A text in the page's language: a language map, its JSON, or a plain string."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if not isinstance(value, Mapping):
        return "" if value is None else str(value)
    language = str(get_locale() or "en")
    for wanted in (language, "en"):
        if value.get(wanted):
            return str(value[wanted])
    return next((str(v) for v in value.values() if v), "")


_FIELDS = {
    "title": _l("Title"),
    "key": _l("Key"),
    "kind": _l("Kind of step"),
    "minutes": _l("Minutes"),
    "description": _l("Description"),
    "depends_on": _l("Depends on"),
    "evidence": _l("Evidence rule"),
    "activity": _l("Activity id"),
    "verbs": _l("Verbs"),
    "match": _l("The statement's activity"),
    "success": _l("Result"),
    "min_scaled": _l("Minimum scaled score"),
    "skill": _l("Skill"),
    "weight": _l("Weight"),
    "text": _l("Question"),
    "name": _l("Name"),
    "role": _l("Role"),
    "priority_skills": _l("Priority skills"),
    "priorities": _l("Priority skills"),
    "rank": _l("Priority rank"),
    "skills": _l("Skills"),
    "stages": _l("Stages"),
    "steps": _l("Steps"),
    "reflection_questions": _l("Questions"),
    "graded": _l("Gradebook"),
    "needs_confirmation": _l("Confirmation"),
    "file": _l("Path file"),
    "answer": _l("Answer"),
    "confirm": _l("Ask a colleague to confirm"),
    "branch": _l("Branch"),
    "log": _l("Log learning time"),
    "goal": _l("Your weekly goal"),
    "day": _l("Day"),
    "note": _l("Note"),
    "path": _l("My role"),
}
_ITEMS = {
    "stages": _l("Stage %(n)s"),
    "steps": _l("Step %(n)s"),
    "reflection_questions": _l("Question %(n)s"),
    "skills": _l("Skill %(n)s"),
}
_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)(?:\[(\d+)\])?")


def field_label(field: str) -> str:
    """Where a problem is, for people: ``stages[0].steps[1].title`` → "Stage 1 › Step 2 ›
    Title"; language tags and unknown names stay as they are."""
    labels: list[str] = []
    for name, index in _PART.findall(field):
        if index and name in _ITEMS:
            labels.append(str(_ITEMS[name] % {"n": int(index) + 1}))
        elif name not in ("en", "nl"):  # a list of values (verbs…) is named as the list
            labels.append(str(_FIELDS.get(name, name)))
    return " › ".join(labels)
