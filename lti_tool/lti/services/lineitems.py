"""The line item (gradebook column) of a graded resource link (LTI AGS 2.0 §3.2).

The launch's claim names it when the platform made one for the link (``lineitem``: Moodle for
every graded activity, Canvas for an assignment, any platform for a Deep Linking item with a
``lineItem``). Otherwise LearnLoop looks in the link's line items container for one whose
``resourceLinkId`` is the link, and creates it when there is none; the URL is kept on the
``AgsEndpoint`` so that this happens once per link, by one worker.

Service URLs are opaque: Moodle's carry ``?type_id=N``, so paths are appended to the URL's
path and query parameters merged into its query, never glued to the string.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import or_, select, update

from lti_tool.core.db import db, utcnow
from lti_tool.lti.products.ags import LINEITEM, LINEITEM_TYPE, LINEITEMS_TYPE, ServiceBehaviour
from lti_tool.lti.services.http import Malformed, PlatformClient, Refused, json_of
from lti_tool.lti.services.models import AgsEndpoint
from lti_tool.lti.services.paging import next_link

TAG = "learnloop"
DEFAULT_LABEL = "LearnLoop"
MAX_PAGES = 50
LEASE = dt.timedelta(seconds=60)  # how long one worker may take to find or create it
_POLL = 0.2

Clock = Callable[[], dt.datetime]


def with_params(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode([*query, *params.items()])))


def with_path(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + suffix))


def line_item_url(
    endpoint_id: int,
    client: PlatformClient,
    behaviour: ServiceBehaviour,
    score_maximum: float,
    *,
    clock: Clock = utcnow,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """The link's line item URL: known, found, or created now (and kept).

    One worker at a time looks for it (a lease on the row, committed, so that two workers never
    create two line items and no lock is held while the platform answers); the others wait for
    its answer, and take over if its lease runs out. Commits.
    """
    while True:
        endpoint = _fresh(endpoint_id)
        if endpoint.line_item_url:
            return endpoint.line_item_url
        if _take_lease(endpoint_id, clock()):
            break
        sleep(_POLL)
    try:
        url = _resolve(endpoint, client, behaviour, score_maximum)
    finally:
        db.session.execute(
            update(AgsEndpoint).where(AgsEndpoint.id == endpoint_id).values(resolving_until=None)
        )
        db.session.commit()
    db.session.execute(
        update(AgsEndpoint).where(AgsEndpoint.id == endpoint_id).values(line_item_url=url)
    )
    db.session.commit()
    return url


def _fresh(endpoint_id: int) -> AgsEndpoint:
    db.session.commit()  # a new snapshot: another worker may have found it meanwhile
    return db.session.scalars(
        select(AgsEndpoint)
        .where(AgsEndpoint.id == endpoint_id)
        .execution_options(populate_existing=True)
    ).one()


def _take_lease(endpoint_id: int, now: dt.datetime) -> bool:
    result = db.session.execute(
        update(AgsEndpoint)
        .where(
            AgsEndpoint.id == endpoint_id,
            AgsEndpoint.line_item_url.is_(None),
            or_(AgsEndpoint.resolving_until.is_(None), AgsEndpoint.resolving_until < now),
        )
        .values(resolving_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _resolve(
    endpoint: AgsEndpoint, client: PlatformClient, behaviour: ServiceBehaviour, maximum: float
) -> str:
    if not endpoint.lineitems_url:
        raise Refused("the platform gave this link neither a line item nor a line items service")
    scopes = behaviour.ags_token_scopes(endpoint.scopes)
    return _find(endpoint, client, scopes) or _create(endpoint, client, scopes, maximum)


def forget_line_item(endpoint_id: int) -> None:
    """The platform no longer knows the line item we found or made (404): look again next time.
    A line item the claim named stays: only a new launch can name another."""
    endpoint = db.session.get(AgsEndpoint, endpoint_id)
    if endpoint is not None and endpoint.line_item_url != endpoint.lineitem_url:
        endpoint.line_item_url = endpoint.lineitem_url


def _find(endpoint: AgsEndpoint, client: PlatformClient, scopes: tuple[str, ...]) -> str | None:
    assert endpoint.lineitems_url
    url: str | None = with_params(
        endpoint.lineitems_url, {"resource_link_id": endpoint.resource_link_id}
    )
    for _ in range(MAX_PAGES):
        if url is None:
            break
        response = client.get(url, scopes, LINEITEMS_TYPE)
        items = json_of(response, f"GET {url}")
        if not isinstance(items, list):
            raise Malformed(f"GET {url}: a line items container must be a JSON array")
        for item in items:
            if _is_ours(item, endpoint.resource_link_id):
                return str(item["id"])
        url = next_link(response)
    return None


def _is_ours(item: Any, resource_link_id: str) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("id"), str)
        and item.get("resourceLinkId") == resource_link_id
    )


def _create(
    endpoint: AgsEndpoint, client: PlatformClient, scopes: tuple[str, ...], maximum: float
) -> str:
    assert endpoint.lineitems_url
    if LINEITEM not in endpoint.scopes:
        raise Refused("the platform lets LearnLoop read line items but not create this link's")
    body = {
        "scoreMaximum": maximum,
        "label": endpoint.title or DEFAULT_LABEL,
        "resourceLinkId": endpoint.resource_link_id,
        "tag": TAG,
    }
    what = f"POST {endpoint.lineitems_url}"
    response = client.post(endpoint.lineitems_url, scopes, body, LINEITEM_TYPE, LINEITEM_TYPE)
    created = json_of(response, what)
    if not isinstance(created, dict) or not isinstance(created.get("id"), str):
        raise Malformed(f"{what}: the created line item has no id")
    return created["id"]
