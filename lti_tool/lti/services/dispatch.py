"""Starting a service job once the current transaction has committed.

A job that reads what the transaction wrote (a score in the outbox, a roster sync asked for) must
not start before the commit, nor at all if it rolls back. ``after_commit`` queues the job with
:func:`lti_tool.core.db.after_commit`; when the transaction commits, each distinct job goes to
the broker (Celery on Redis), once.

Without a broker (the embedded default, jobs eager) the job runs in a background thread with an
app context of its own, so the request that asked for it (a launch, a page) does not wait for
the platform. ``wait_for_background`` joins those threads (CLI commands and tests).
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Any

from flask import Flask, current_app

from lti_tool.core.db import after_commit as db_after_commit

log = logging.getLogger("learnloop.lti")
_KEY = "lti.services.after_commit"


def after_commit(task_name: str, *args: Any) -> None:
    """Run the job ``task_name(*args)`` after the session's next commit (once per commit)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    db_after_commit(functools.partial(_start, app, task_name, args), key=(_KEY, task_name, args))


def _start(app: Flask, name: str, args: tuple[Any, ...]) -> None:
    celery = app.extensions["celery"]
    if celery.conf.task_always_eager:
        _in_background(app, name, args)
    else:
        celery.send_task(name, args=list(args))


def _in_background(app: Flask, name: str, args: tuple[Any, ...]) -> None:
    """Run the job in a thread; if it is running already, once more when it ends (so that a
    burst of commits makes one or two runs, not one thread each)."""
    runs: dict[tuple[str, tuple[Any, ...]], list[bool]] = app.extensions.setdefault(
        "lti.background_runs", {}
    )
    lock: threading.Lock = app.extensions.setdefault("lti.background_lock", threading.Lock())
    key = (name, args)
    with lock:
        if key in runs:
            runs[key][0] = True  # run again
            return
        again = runs[key] = [False]

    def run() -> None:
        while True:
            try:
                with app.app_context():
                    app.extensions["celery"].tasks[name].run(*args)
            except Exception:  # a thread has nobody to raise to: log; the job's rows say the rest
                log.exception("background job %s%r failed", name, args)
            with lock:
                if not again[0]:
                    del runs[key]
                    return
                again[0] = False

    thread = threading.Thread(target=run, name=f"learnloop-{name}", daemon=True)
    app.extensions.setdefault("lti.background", []).append(thread)
    thread.start()


def wait_for_background(app: Flask | None = None, timeout: float = 60.0) -> None:
    """Join the background jobs started so far (and any they started)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    threads: list[threading.Thread] = app.extensions.setdefault("lti.background", [])
    while threads:
        threads.pop(0).join(timeout)
