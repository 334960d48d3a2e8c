"""What the paths views share: who may ask, "not found", field errors, localised texts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import render_template, request
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from lti_tool.core.errors import UserError
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.viewer import TOKEN_PARAM, Viewer, current_viewer
from lti_tool.paths import queries, words
from lti_tool.paths.definition import FieldError
from lti_tool.paths.schemas.messages import by_field
from lti_tool.paths.views import bp
from lti_tool.paths.words import localized


def designer(*, change: bool = False) -> Viewer:
    """The instructor or designer asking; a change must carry the page token (CSRF)."""
    viewer = person(change=change)
    if not viewer.is_designer:
        raise LaunchError("not_allowed", f"{viewer.landing} opened a designers' paths page")
    return viewer


def person(*, change: bool = False) -> Viewer:
    if change and not request.values.get(TOKEN_PARAM):
        raise LaunchError("session_expired", "paths change without the page token (CSRF?)")
    return current_viewer()


def not_found(what: str, log_reason: str) -> UserError:
    messages = {
        "role": _l("This role does not exist here."),
        "skill": _l("This skill does not exist here."),
        "path": _l("This path does not exist here."),
    }
    return UserError(messages[what], title=_l("Not found"), status=404, log_reason=log_reason)


def with_errors(template: str, errors: list[FieldError], **context: Any) -> tuple[str, int]:
    """The page again, each message next to its field and listed at the top: a 400."""
    page = render_template(template, errors=by_field(errors), error_list=errors, **context)
    return page, 400


def field_id(name: str) -> str:
    """An element id for a field name such as ``stages[0].steps[1].title.en``."""
    return "f-" + re.sub(r"[^A-Za-z0-9_]+", "-", name).strip("-")


LANGUAGES = ("en", "nl")


def errors_at(errors: Mapping[str, list[str]] | None, name: str) -> list[str]:
    """The messages for a field: at ``name`` itself, its language texts and its list items."""
    if not errors:
        return []
    return [
        message
        for field, messages in errors.items()
        if field == name or (field.startswith(name) and _OWNED.fullmatch(field[len(name) :]))
        for message in messages
    ]


_OWNED = re.compile(r"\.[a-z]{2,3}(-[A-Za-z0-9]{1,8})*|\[\d+\]")


def has_errors(errors: Mapping[str, list[str]] | None, prefix: str) -> bool:
    """Any problem inside ``prefix`` (a step or a stage): its part of the form stays open."""
    return any(f == prefix or f.startswith((prefix + ".", prefix + "[")) for f in errors or {})


def error_anchor(field: str) -> str:
    """The id to link to from the error summary: the field, or the list it is an item of."""
    while field.endswith("]") and "[" in field:
        field = field[: field.rindex("[")]
    return field_id(field) if field else "main"


def lang_text(value: Any, language: str) -> str:
    """One language of a definition text (a plain string is English)."""
    if isinstance(value, Mapping):
        return str(value.get(language, ""))
    return str(value) if isinstance(value, str) and language == "en" else ""


def other_languages(value: Any) -> list[tuple[str, str]]:
    """Languages the form does not show, kept as hidden fields so that a save keeps them."""
    if not isinstance(value, Mapping):
        return []
    return [(lang, str(text)) for lang, text in value.items() if lang not in LANGUAGES]


bp.add_app_template_filter(localized, "localized")


@bp.app_template_filter("fromjson")
def from_json(stored: str | None) -> dict[str, str]:
    """A stored language map (a role's or a skill's name) for a form."""
    return queries.texts(stored)


@bp.record_once
def _template_globals(state: Any) -> None:
    """Globals rather than a context processor: imported form macros see them too."""
    state.app.jinja_env.globals.update(
        field_id=field_id,
        errors_at=errors_at,
        has_errors=has_errors,
        error_anchor=error_anchor,
        lang_text=lang_text,
        other_languages=other_languages,
        LANGUAGES=LANGUAGES,
        words=words,
        field_label=words.field_label,
        format_date=format_date,
    )
