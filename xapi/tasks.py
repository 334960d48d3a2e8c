"""xAPI jobs.

``xapi.statements_recorded`` is the job-side twin of the ``statements_recorded`` signal: the
listener sends the signal itself, in-process, right after its commit (so actor mapping is done
by the time the next batch arrives, with no broker in the way). The job re-sends the signal for
statements already stored: from a worker, for a replay after a receiver failed, or later from
the pull connector and the importer, which run as jobs anyway. Receivers are idempotent, so
running it twice changes nothing the second time.
"""

from __future__ import annotations

from celery import shared_task

from xapi import events, reading


@shared_task(name="xapi.statements_recorded")
def statements_recorded(tenant_id: int, statement_ids: list[str]) -> int:
    """Announce these statements again (those that exist in the tenant); how many were announced."""
    known = reading.existing_ids(tenant_id, [i.lower() for i in statement_ids])
    events.announce(tenant_id, known)
    return len(known)
