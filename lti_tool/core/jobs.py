"""Background jobs: one Celery app per Flask app, every task run inside an app context.

With ``REDIS_URL`` set, tasks go through Redis to ``celery -A wsgi:celery_app worker``.
Without it (the embedded default) the same tasks run eagerly, in-process, on the same code path.
Tasks are idempotent: running one twice never doubles an effect.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    redis_url = app.config.get("REDIS_URL")
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=redis_url or "memory://",
        result_backend=redis_url or "cache+memory://",
        task_always_eager=not redis_url,
        task_eager_propagates=True,
        task_acks_late=True,  # a worker that dies mid-task leaves it for another
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        task_serializer="json",
        accept_content=["json"],
        beat_schedule={
            "purge-expired-logins": {"task": "lti.purge_expired_logins", "schedule": 3600.0},
            # xAPI: read the tenants' LRSs, and send them LearnLoop's own statements.
            "xapi-pull": {"task": "xapi.pull", "schedule": 300.0},
            "xapi-deliver": {"task": "xapi.deliver", "schedule": 30.0},
            # LTI Advantage: scores waiting for the LMS, rosters asked for or due again.
            "lti-deliver-scores": {"task": "lti.deliver_scores", "schedule": 30.0},
            "lti-sync-rosters": {"task": "lti.sync_rosters", "schedule": 300.0},
        },
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
