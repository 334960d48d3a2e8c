"""What a designer can place in a course: the domains' answers to ``placeables_wanted``."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from lti_tool.core import signals
from lti_tool.core.placement import KINDS, Placeable

_KIND_NAMES = {
    "home": _l("My learning"),
    "path": _l("Role paths"),
    "card": _l("Resource cards"),
    "slots": _l("Peer-teaching slots"),
    "recognition": _l("Recognition board"),
}
# Why a kind offers nothing to place yet, and what a designer can do about it.
_EMPTY = {
    "home": _l("The home page cannot be placed here."),
    "path": _l("No role paths exist here yet. Once a role path is created, you can place it."),
    "card": _l("No resource cards exist here yet. Once a card is written, you can place it."),
    "slots": _l(
        "No peer-teaching slots are offered here yet. Once colleagues offer sessions on a skill, "
        "you can place that skill's slots."
    ),
    "recognition": _l(
        "The recognition board is not switched on here yet. Once it is, you can place it."
    ),
}


@dataclass(frozen=True)
class KindGroup:
    kind: str
    name: str
    items: list[Placeable]
    empty_reason: str


def placeables(tenant_id: int, context_id: int) -> list[Placeable]:
    found: list[Placeable] = []
    for _receiver, answer in signals.placeables_wanted.send(tenant_id, context_id=context_id):
        found.extend(answer or ())
    return found


def grouped(tenant_id: int, context_id: int) -> list[KindGroup]:
    """Every kind, in picker order, with its items (none: shown disabled, saying why)."""
    items = placeables(tenant_id, context_id)
    return [
        KindGroup(
            kind=kind,
            name=str(_KIND_NAMES[kind]),
            items=[item for item in items if item.kind == kind],
            empty_reason=str(_EMPTY[kind]),
        )
        for kind in KINDS
    ]


def find(tenant_id: int, context_id: int, key: str) -> Placeable | None:
    return next((item for item in placeables(tenant_id, context_id) if item.key == key), None)
