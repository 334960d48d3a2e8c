"""What a designer can place in a course with LTI Deep Linking: a ``Placeable``.

Domains offer their pages (the "My learning" home, a role path, a card, the peer-teaching slots
of a skill, the recognition board) by answering the ``placeables_wanted`` signal; the LTI
domain turns a chosen one into a resource link, and a later launch of that link opens it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The kinds the picker shows, in this order; a kind no domain offers yet is shown disabled.
KINDS = ("home", "path", "card", "slots", "recognition")


@dataclass(frozen=True)
class Placeable:
    key: str  # stable within the tenant, e.g. "home" or "path:12"; a launch carries it back
    kind: str  # one of KINDS
    title: str
    endpoint: str  # the Flask endpoint that shows it
    values: dict[str, Any] = field(default_factory=dict)  # the endpoint's arguments
    text: str = ""
    max_score: float | None = None  # graded items: the LMS gets a grade column of this maximum
    # More LTI custom parameters for the placed link, e.g. a path's ``role`` so that a learner
    # launching it is enrolled on that path.
    custom: dict[str, str] = field(default_factory=dict)
