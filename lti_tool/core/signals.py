"""Signals between domains. Each signal's docstring names its sender and arguments."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

user_launched = _signals.signal("user-launched")
"""Sent after a genuine LTI launch has been recorded (before the request commits).

:sender: the ``lti_tool.lti.launch.Launch`` object (plain data: tenant id, user id,
    context id, membership id, roles, custom parameters)
"""

statements_recorded = _signals.signal("statements-recorded")
"""Sent once per xAPI request (or ``xapi.statements_recorded`` job) after new statements were
committed: they are durable, so a receiver may read them, and what it changes it commits itself.

:sender: the tenant id (``int``) the statements belong to
:statement_ids: ``list[str]``, the lower-case ids of the statements newly stored by this request,
    in request order. Re-sent duplicates are left out; a request that stored nothing new sends
    nothing.

Receivers must be idempotent: the job re-sends the signal for statements already announced.
A receiver that raises is logged and does not stop the others, nor fail the request.
"""

actors_seen = _signals.signal("actors-seen")
"""Sent by :mod:`xapi.actors` while statements are being stored, inside that transaction, for
actor keys this process has not settled yet: who are they? A receiver answers for the keys it
can judge, and the answers are written with the actors' rows, in the same transaction (so a
new person's first statement costs no second transaction).

:sender: the tenant id (``int``)
:keys: ``list[str]``, actor keys (:mod:`xapi.keys`), sorted
:returns: ``dict[str, tuple[int | None, str | None]]``: key → (user id, how it matched), or
    ``(None, None)`` for "nobody known, for now". Keys left out stay unlooked-at.

Receivers only read. One that raises is logged and its answers left out: the statements are
stored all the same, and their keys are looked at again after the commit (``statements_recorded``).
"""

actors_attached = _signals.signal("actors-attached")
"""Sent by :mod:`xapi.actors` when actor keys are given to a person after their statements may
have been stored (the person's launch shares the address they used, or an administrator maps
the actor explicitly), inside that transaction: what depends on a person's statements should
look at that person again once it commits.

:sender: the tenant id (``int``)
:user_id: ``int``, the person the keys now belong to
"""

placeables_wanted = _signals.signal("placeables-wanted")
"""Sent by the Deep Linking picker (``lti_tool.lti.deep_linking``) to learn what a designer can
place in a course, and by a launch of a placed link to find the item it opens.

:sender: the tenant id (``int``)
:context_id: ``int``, the course the designer works in (``lti_context.id``)

Each receiver returns an iterable of ``lti_tool.core.placement.Placeable`` belonging to that
tenant: every item its domain can show, of one or more ``kind``s. Receivers only read.
"""
