"""Alembic migrations (the same files for SQLite and PostgreSQL). Run ``learnloop db upgrade``."""
