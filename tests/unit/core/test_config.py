from __future__ import annotations

from pathlib import Path

import pytest

import config
from lti_tool import create_app


def test_environment_variables_override_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNLOOP_BASE_URL", "https://learnloop.example.org/")
    monkeypatch.setenv("LEARNLOOP_LTI_CLOCK_LEEWAY", "30")
    built = config.build()
    assert built["BASE_URL"] == "https://learnloop.example.org"
    assert built["LTI_CLOCK_LEEWAY"] == 30


def test_the_embedded_default_is_sqlite_in_the_instance_folder_with_a_kept_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "BASE_URL"):
        monkeypatch.delenv("LEARNLOOP_" + name, raising=False)
    monkeypatch.chdir(tmp_path)
    first = create_app()
    second = create_app()
    assert first.config["DATABASE_URL"].startswith("sqlite:///")
    assert first.config["DATABASE_URL"].endswith("learnloop.sqlite3")
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert first.extensions["celery"].conf.task_always_eager is True


def test_https_base_url_makes_iframe_safe_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(
        {
            "BASE_URL": "https://learnloop.example.org",
            "SECRET_KEY": "x" * 32,
            "DATABASE_URL": "sqlite://",
        }
    )
    assert app.config["SESSION_COOKIE_SAMESITE"] == "None"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_PARTITIONED"] is True


def test_a_redis_url_turns_off_eager_jobs() -> None:
    app = create_app(
        {
            "REDIS_URL": "redis://127.0.0.1:6379/15",
            "SECRET_KEY": "x" * 32,
            "DATABASE_URL": "sqlite://",
        }
    )
    assert app.extensions["celery"].conf.task_always_eager is False
