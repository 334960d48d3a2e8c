"""WSGI entry point: ``gunicorn wsgi:app``; Celery worker: ``celery -A wsgi:celery_app worker``."""

from lti_tool import create_app

app = create_app()
celery_app = app.extensions["celery"]
