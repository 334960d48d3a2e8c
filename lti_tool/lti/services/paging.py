"""Following a service's pages: ``Link: <url>; rel="next"`` (RFC 8288), as LTI AGS 2.0 §3.2.3
and NRPS 2.0 §2.4.2 page line items and members. Header names and ``rel`` values are matched
case-insensitively (Canvas writes ``link``, some platforms ``rel="Next"``)."""

from __future__ import annotations

import requests


def next_link(response: requests.Response) -> str | None:
    for rel, link in response.links.items():
        if rel.lower() == "next" and link.get("url"):
            return str(link["url"])
    return None
