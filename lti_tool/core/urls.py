"""Links that keep the viewer signed in inside an LMS iframe.

The page token (``lt``) for this request is set in ``g.page_token`` by whoever authenticated
the request; ``tool_url`` carries it, and the current language, into every link and form.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request, url_for


def tool_url(endpoint: str, **values: Any) -> str:
    token = g.get("page_token")
    if token and "lt" not in values:
        values["lt"] = token
    lang = request.args.get("lang")
    if lang and "lang" not in values:
        values["lang"] = lang
    return url_for(endpoint, **values)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["tool_url"] = tool_url
