"""Every domain's models, imported so that ``Base.metadata`` knows all tables (Alembic, tests)."""

from __future__ import annotations


def import_all() -> None:
    import lti_tool.lti.models  # noqa: F401
    import xapi.models  # noqa: F401
