"""LearnLoop: an LTI 1.3 tool for a learning culture at work."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import config as settings
from lti_tool.core import errors, i18n, security, urls
from lti_tool.core.db import db
from lti_tool.core.jobs import celery_init_app


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=_instance_path(),
        instance_relative_config=True,
        template_folder="core/templates",
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(_resolved(settings.build(test_config), Path(app.instance_path)))
    if proxies := app.config["TRUSTED_PROXIES"]:  # only headers set by our own proxies count
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    db.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    urls.init_app(app)
    security.init_app(app)
    celery_init_app(app)

    from lti_tool.admin.views import bp as admin_bp
    from lti_tool.home import placement as _home_placement  # noqa: F401  # offers "My learning"
    from lti_tool.home.views import bp as home_bp
    from lti_tool.home.views import template_helpers
    from lti_tool.lti import (  # noqa: F401  # register LTI jobs and the xAPI receivers
        tasks,
        xapi_actors,
        xapi_statements,
    )
    from lti_tool.lti.deep_linking.views import bp as deep_linking_bp
    from lti_tool.lti.registration.views import bp as registration_bp
    from lti_tool.lti.services.views import bp as lti_services_bp
    from lti_tool.lti.views import bp as lti_bp
    from lti_tool.operator.views import bp as operator_bp
    from lti_tool.paths import tasks as paths_tasks  # noqa: F401  # paths jobs and receivers
    from lti_tool.paths.views import bp as paths_bp  # also offers paths for Deep Linking
    from xapi import tasks as xapi_tasks  # noqa: F401  # registers the xAPI jobs
    from xapi import views as xapi_views

    app.register_blueprint(lti_bp)
    app.register_blueprint(lti_services_bp)
    app.register_blueprint(deep_linking_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(operator_bp)
    app.register_blueprint(paths_bp)
    xapi_views.init_app(app)
    app.context_processor(template_helpers)
    return app


def _resolved(config: dict[str, Any], instance: Path) -> dict[str, Any]:
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance / 'learnloop.sqlite3'}"
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _instance_secret(instance)
    secure = config["BASE_URL"].startswith("https://")
    # Inside an LMS iframe our cookies are third-party: SameSite=None needs Secure, and
    # Partitioned (CHIPS) lets Chrome keep them per LMS site. Plain HTTP (the demo) stays Lax.
    config.update(
        SESSION_COOKIE_NAME="__Host-learnloop" if secure else "learnloop",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_SAMESITE="None" if secure else "Lax",
        SESSION_COOKIE_PARTITIONED=secure,
        SESSION_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=config["SESSION_TOKEN_MAX_AGE"],
        MAX_CONTENT_LENGTH=config.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024),
    )
    return config


def _instance_path() -> str | None:
    """LEARNLOOP_INSTANCE_PATH moves the instance folder (SQLite file, secret, demo LMS key)."""
    path = os.environ.get("LEARNLOOP_INSTANCE_PATH")
    return str(Path(path).resolve()) if path else None  # Flask wants it absolute


def _instance_secret(instance: Path) -> str:
    """The embedded default keeps a generated secret in the instance folder across restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
