"""Languages: English and Dutch, chosen by ``?lang=``, then the person's LTI locale, then the browser."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import Babel, get_locale

babel = Babel()


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    asked = request.args.get("lang") or request.form.get("lang")
    if asked and asked[:2] in supported:
        return asked[:2]
    launch_locale = getattr(g, "locale", None)
    if launch_locale and launch_locale[:2].lower() in supported:
        return launch_locale[:2].lower()
    return (
        request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def init_app(app: Flask) -> None:
    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories="translations"
    )
    app.context_processor(_locale_for_templates)


def _locale_for_templates() -> dict[str, str]:
    return {"current_locale": str(get_locale() or "en")}
