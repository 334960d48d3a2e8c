"""The catalogue's forms: a job role, a skill, and a role's ranked priority skills."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from lti_tool.paths.definition import MAX_PRIORITY_SKILLS, FieldError
from lti_tool.paths.schemas import FormInvalid
from lti_tool.paths.schemas import form as f

KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
LANGUAGES = ("en", "nl")
MAX_TEXT = 2000


@dataclass(frozen=True)
class Entry:
    """A role or a skill as typed: its key and its name and description per language."""

    key: str
    name: dict[str, str]
    description: dict[str, str]


def entry(
    form: MultiDict[str, str], prefix: str, *, key: str | None = None, taken: set[str]
) -> Entry:
    """A new entry (``key`` None: from the form, or from its name) or a changed one, from the
    fields ``<prefix>.key``, ``<prefix>.name.<language>``, ``<prefix>.description.<language>``."""
    tree = f.unflatten(form).get(prefix, {})
    name = f.text(tree, "name") or {}
    description = f.text(tree, "description") or {}
    errors = []
    if not name:
        errors.append(FieldError(f"{prefix}.name", _("Enter a name in at least one language.")))
    errors += [
        FieldError(f"{prefix}.{field}.{lang}", _("At most %(n)s characters.", n=MAX_TEXT))
        for field, texts in (("name", name), ("description", description))
        for lang, value in texts.items()
        if len(value) > MAX_TEXT
    ]
    if key is None:
        key = f.value(tree, "key") or (f.slug(next(iter(name.values())), taken) if name else "")
        if not KEY.fullmatch(key):
            errors.append(FieldError(f"{prefix}.key", _KEY_WORDS()))
        elif key in taken:
            message = _("This key is already used here; choose another.")
            errors.append(FieldError(f"{prefix}.key", message))
    if errors:
        raise FormInvalid(errors)
    return Entry(key, name, description)


def prefixed(errors: list[FieldError], prefix: str) -> list[FieldError]:
    """A service's errors about an entry (``name``, ``key``…) as the form names its fields."""
    return [FieldError(f"{prefix}.{e.field}" if e.field else prefix, e.message) for e in errors]


def _KEY_WORDS() -> str:  # reads as the constant message it is
    return _(
        "Use lower-case letters, digits, - and _ only, starting with a letter or a digit "
        "(at most 64 characters)."
    )


@dataclass(frozen=True)
class Priorities:
    ranked: list[str]  # skill keys, most important first
    tracked: list[str]  # the other skills the role tracks


def priorities(form: MultiDict[str, str], skill_keys: list[str]) -> Priorities:
    """Per skill: ``track.<key>`` (a checkbox) and ``rank.<key>`` (1–5, blank: no priority)."""
    ranks: dict[str, int] = {}
    errors = []
    for key in skill_keys:
        raw = form.get(f"rank.{key}", "").strip()
        if not raw:
            continue
        if not raw.isdigit() or int(raw) < 1:
            errors.append(
                FieldError(f"rank.{key}", _("Enter a rank from 1 to 5, or leave it blank."))
            )
        else:
            ranks[key] = int(raw)
    ranked = sorted(ranks, key=lambda k: (ranks[k], skill_keys.index(k)))
    for key in ranked[MAX_PRIORITY_SKILLS:]:
        errors.append(
            FieldError(
                f"rank.{key}",
                _(
                    "A role has at most %(max)s priority skills. Leave this rank blank: the "
                    "skill is still tracked.",
                    max=MAX_PRIORITY_SKILLS,
                ),
            )
        )
    seen: dict[int, str] = {}
    for key in ranked[:MAX_PRIORITY_SKILLS]:
        if ranks[key] in seen:
            errors.append(
                FieldError(f"rank.{key}", _("Rank %(rank)s is given twice.", rank=ranks[key]))
            )
        seen[ranks[key]] = key
    if errors:
        raise FormInvalid(errors)
    tracked = [k for k in skill_keys if k not in ranks and form.get(f"track.{k}")]
    return Priorities(ranked, tracked)
