"""Telling other domains that statements were recorded (``statements_recorded`` in
:mod:`lti_tool.core.signals`), after they were committed.

Each receiver runs on its own: one that raises is logged, its unfinished work rolled back, and
the others still run. The statements are stored either way, so the sender gets its 200; the
``xapi.statements_recorded`` job can announce them again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from lti_tool.core.db import db
from lti_tool.core.signals import statements_recorded

log = logging.getLogger("learnloop.xapi")


def announce(tenant_id: int, statement_ids: Sequence[str]) -> None:
    if not statement_ids:
        return
    for receiver in statements_recorded.receivers_for(tenant_id):
        try:
            receiver(tenant_id, statement_ids=list(statement_ids))
        except Exception:
            log.exception("statements_recorded receiver %r failed (tenant %s)", receiver, tenant_id)
            db.session.rollback()
