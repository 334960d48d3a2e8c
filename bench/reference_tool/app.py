"""The reference tool for ``bench/launch.py``: plain pylti1p3 on Flask, nothing of LearnLoop.

A benchmark fixture, not product code. It follows pylti1p3's own Flask example
(``pylti1p3-flask-example``): ``FlaskOIDCLogin`` / ``FlaskMessageLaunch`` / ``FlaskRequest``,
launch data in ``FlaskCacheDataStorage`` on a Flask-Caching ``Cache``, and the library's
defaults everywhere else. Two deliberate differences, both so the tools can be compared:

- The example's cache is ``CACHE_TYPE="simple"``, which lives in one process. Under gunicorn
  with 2 workers a launch that lands on the other worker than its login finds no nonce and is
  refused, so the cache is a Redis server both workers share (``RedisCache``; pylti1p3's README
  names Memcache/Redis for its caches).
- The login does not call ``enable_check_cookies()``: that inserts an extra HTML page and
  request, and the benchmark measures the same two requests (login, launch) for both tools.

``tool_conf`` is a ``ToolConfDict`` built once from the JSON file that ``REFERENCE_CONFIG``
names (written by ``bench/launch.py``). With ``"public_key_cache": true`` the platform JWKS is
cached via ``set_public_key_caching`` (off by default in the library and the example, which
therefore fetch the JWKS on every launch).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from flask import Flask, redirect
from flask_caching import Cache
from pylti1p3.contrib.flask import (
    FlaskCacheDataStorage,
    FlaskMessageLaunch,
    FlaskOIDCLogin,
    FlaskRequest,
)
from pylti1p3.tool_config import ToolConfDict

settings: dict[str, Any] = json.loads(Path(os.environ["REFERENCE_CONFIG"]).read_text())

app = Flask(__name__)
app.config.from_mapping(
    SECRET_KEY=settings["secret_key"],
    CACHE_TYPE="RedisCache",
    CACHE_REDIS_URL=settings["cache_url"],
    CACHE_KEY_PREFIX=settings.get("cache_prefix", "reference-"),
    CACHE_DEFAULT_TIMEOUT=600,  # as in the example
    SESSION_COOKIE_HTTPONLY=True,
)
cache = Cache(app)

tool_conf = ToolConfDict(settings["tool_conf"])
_private_key = Path(settings["private_key_file"]).read_text()
for _issuer, _clients in settings["tool_conf"].items():
    for _client in _clients:
        tool_conf.set_private_key(_issuer, _private_key, client_id=_client["client_id"])


def get_launch_data_storage() -> FlaskCacheDataStorage:
    return FlaskCacheDataStorage(cache)


@app.route("/lti/login", methods=["GET", "POST"])
def login() -> Any:
    flask_request = FlaskRequest()
    target_link_uri = flask_request.get_param("target_link_uri")
    if not target_link_uri:
        return "Missing target_link_uri", 400
    oidc_login = FlaskOIDCLogin(
        flask_request, tool_conf, launch_data_storage=get_launch_data_storage()
    )
    return oidc_login.redirect(target_link_uri)


@app.post("/lti/launch")
def launch() -> Any:
    launch_data_storage = get_launch_data_storage()
    message_launch = FlaskMessageLaunch(
        FlaskRequest(), tool_conf, launch_data_storage=launch_data_storage
    )
    if settings.get("public_key_cache"):
        message_launch.set_public_key_caching(launch_data_storage, cache_lifetime=7200)
    message_launch.get_launch_data()  # validates, then stores the launch under its launch id
    return redirect(f"/home?launch_id={message_launch.get_launch_id()}", code=303)


@app.get("/health")
def health() -> str:
    return "ok"
