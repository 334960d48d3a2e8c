"""LTI jobs."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from sqlalchemy import delete

from lti_tool.core.db import commit_or_rollback, utcnow
from lti_tool.lti.models import LoginState

# Used nonces must outlive every id_token that could carry them; platforms sign for minutes.
KEEP_USED_LOGINS = dt.timedelta(days=1)


@shared_task(name="lti.purge_expired_logins")
def purge_expired_logins() -> int:
    """Delete OIDC logins that expired more than a day ago. Idempotent."""
    with commit_or_rollback() as session:
        result = session.execute(
            delete(LoginState).where(LoginState.expires_at < utcnow() - KEEP_USED_LOGINS)
        )
    return int(result.rowcount or 0)
