"""Every domain's models, imported so that ``Base.metadata`` knows all tables (Alembic, tests)."""

from __future__ import annotations


def import_all() -> None:
    import lti_tool.lti.models
    import lti_tool.lti.services.models
    import lti_tool.operator.models
    import lti_tool.paths.models  # noqa: F401
    import xapi.models  # noqa: F401
