"""LTI jobs: expired logins; AGS score delivery and NRPS roster syncs (``lti.services``)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from sqlalchemy import delete

from lti_tool.core.db import commit_or_rollback, utcnow
from lti_tool.lti.models import LoginState
from lti_tool.lti.services import delivery, endpoints, roster  # noqa: F401  # endpoints: the launch receiver

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


# -- LTI Advantage services (lti_tool.lti.services) --------------------------------------------


@shared_task(name="lti.deliver_scores")
def deliver_scores() -> int:
    """Send the due scores of the outbox to the platforms' gradebooks; how many were sent.
    Idempotent: a sent score is never sent again, and one being sent is leased to one worker."""
    return delivery.deliver_due().sent


@shared_task(name="lti.sync_roster")
def sync_roster(source_id: int) -> str:
    """Sync one course's roster (NRPS) now; "synced", "busy", "failed" or "gone".
    Idempotent: a second run finds nothing to change, and one runs per course at a time."""
    return roster.sync(source_id).status


@shared_task(name="lti.sync_rosters")
def sync_rosters() -> dict[str, str]:
    """Sync every course whose sync was asked for, or failed and is due again."""
    return roster.sync_due()
