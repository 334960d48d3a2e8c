"""WSGI entry point: ``gunicorn wsgi:app``; Celery worker: ``celery -A wsgi:celery_app worker``."""

import gc

from lti_tool import create_app

app = create_app()
celery_app = app.extensions["celery"]
# Everything loaded so far lives as long as the process: keep it out of the garbage collector's
# full passes, which a batch of statements (thousands of new objects) sets off otherwise.
gc.freeze()
