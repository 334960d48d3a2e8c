"""xAPI jobs.

``xapi.statements_recorded`` is the job-side twin of the ``statements_recorded`` signal: the
listener sends the signal itself, in-process, right after its commit (so actor mapping is done
by the time the next batch arrives, with no broker in the way). The job re-sends the signal for
statements already stored: from a worker, or for a replay after a receiver failed. (The pull
connector and the importer send the signal per committed page or batch, as the listener does.)
Receivers are idempotent, so running it twice changes nothing the second time.

``xapi.pull`` reads the tenants' LRSs (:mod:`xapi.pulling`) and ``xapi.deliver`` sends the
outbox to them (:mod:`xapi.delivery`); both are on the beat schedule (``lti_tool.core.jobs``).
Without a worker (no Redis), run ``learnloop xapi pull`` and ``learnloop xapi deliver`` from
cron instead.
"""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app

from lti_tool.core.db import db
from xapi import connections, delivery, events, pulling, reading
from xapi.models import LrsConnection

log = logging.getLogger("learnloop.xapi")


@shared_task(name="xapi.statements_recorded")
def statements_recorded(tenant_id: int, statement_ids: list[str]) -> int:
    """Announce these statements again (those that exist in the tenant); how many were announced."""
    known = reading.existing_ids(tenant_id, [i.lower() for i in statement_ids])
    events.announce(tenant_id, known)
    return len(known)


@shared_task(name="xapi.pull")
def pull(connection_id: int | None = None) -> dict[str, int | str]:
    """Pull one connection, or every enabled pulling one; per connection, the new statements
    or why it failed. A run takes at most ``XAPI_PULL_MAX_PAGES`` pages per connection: the
    cursor is saved, and the next run goes on from there."""
    ids = connections.pulling() if connection_id is None else [connection_id]
    outcome: dict[str, int | str] = {}
    for one in ids:
        connection = db.session.get(LrsConnection, one)
        if connection is None or not (connection.enabled and connection.pull):
            continue
        try:
            progress = pulling.pull(one, max_pages=current_app.config["XAPI_PULL_MAX_PAGES"])
        except pulling.PullFailed as exc:
            log.warning("pulling LRS connection %s failed: %s", one, exc)
            outcome[str(one)] = str(exc)
        else:
            outcome[str(one)] = progress.new
    return outcome


@shared_task(name="xapi.deliver")
def deliver() -> int:
    """Send the outbox's due statements to their LRSs; how many were delivered."""
    return delivery.deliver_due().delivered
