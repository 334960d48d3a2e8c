"""LearnLoop's own xAPI statements about LTI events: a person launched LearnLoop.

Where this lives: the statement is made of LTI facts (the platform's issuer and the person's
``sub``, the course, the resource link) that only this package reads, and xapi/ must not know
LTI. So the LTI side listens to its own ``user_launched`` signal here and hands a finished
statement to xapi's :func:`~xapi.emitter.emit` — the same direction as :mod:`.xapi_actors`.
The signal is sent before the launch request commits, so the statement's outbox row is
committed with the launch, or not at all.

The actor is ``account{homePage: issuer, name: sub}``, the shape Moodle's xAPI logstore uses,
so the statement maps back to the person wherever it is read (our listener included). No name
or e-mail is sent: the account is enough to know who it is, and nothing more leaves.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import current_app

from lti_tool.core import signals
from lti_tool.core.cache import app_cache
from lti_tool.core.db import db
from lti_tool.lti.models import Context, User
from xapi import emitter

LAUNCHED = {"id": "http://adlnet.gov/expapi/verbs/launched", "display": {"en-US": "launched"}}
COURSE = "http://adlnet.gov/expapi/activities/course"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"


def launched_statement(launch: Any) -> dict[str, Any]:
    """The "launched" statement of a launch."""
    user = db.session.get(User, launch.user_id)
    context = db.session.get(Context, launch.context_id)
    assert user is not None and context is not None
    base = f"{current_app.config['BASE_URL']}/activities/{launch.tenant_id}"
    link = launch.resource_link_id or ""
    statement: dict[str, Any] = {
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": user.registration.issuer, "name": user.sub},
        },
        "verb": LAUNCHED,
        "object": {
            "objectType": "Activity",
            "id": f"{base}/resource-link/{quote(link, safe='')}",
            "definition": {"name": {"en": "LearnLoop"}},
        },
        "context": {"platform": "LearnLoop"},
    }
    if context.context_id:
        course: dict[str, Any] = {"type": COURSE}
        if context.title:
            course["name"] = {"und": context.title}
        statement["context"]["contextActivities"] = {
            "parent": [
                {
                    "objectType": "Activity",
                    "id": f"{base}/context/{quote(context.context_id, safe='')}",
                    "definition": course,
                }
            ]
        }
    return statement


# Every launch asks whether the tenant sends statements anywhere. The answer is kept per worker
# process for this long, so a connection added or switched off by an administrator starts or
# stops getting "launched" statements within that delay.
_WANTED_TTL = 30.0


def _wanted(tenant_id: int) -> bool:
    cache = app_cache("xapi.launched_wanted", _WANTED_TTL)
    return bool(cache.get(tenant_id, lambda: emitter.wanted(tenant_id)))


def _on_user_launched(launch: Any, **_: Any) -> None:
    # Resource-link launches only: a Deep Linking launch is a teacher choosing content.
    if launch.message_type == RESOURCE_LINK_REQUEST and _wanted(launch.tenant_id):
        emitter.emit(launch.tenant_id, launched_statement(launch))


signals.user_launched.connect(_on_user_launched)
