"""Activities: what was done (xAPI 1.0.3 Data 2.4.4.1, 2.0 §4.2.2.3).

An *interaction* is an Activity whose definition describes a question (``interactionType``,
``correctResponsesPattern``); its *components* are the listed ``choices``, ``scale``,
``source``, ``target`` or ``steps``.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from xapi.validation.fields import (
    Constant,
    Extensions,
    Iri,
    LanguageMap,
    List,
    Nested,
    OneOf,
    Str,
)
from xapi.validation.schemas.base import XapiSchema, object_rule

INTERACTION_TYPES = (
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
)
# D2.4.4.1.s13.b3: an LRS MAY reject component lists that do not fit the interaction type.
COMPONENT_LISTS: dict[str, tuple[str, ...]] = {
    "choice": ("choices",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "matching": ("source", "target"),
    "performance": ("steps",),
}
ALL_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
_INTERACTION_PARTS = ("correctResponsesPattern", *ALL_COMPONENT_LISTS)


class InteractionComponentSchema(XapiSchema):
    """D2.4.4.1.s15, XAPI-00051–00055."""

    id = Str(required=True)
    description = LanguageMap()


def _components() -> List:
    # No size limits: D2.4.4.1.s13.b4–b5, a "shall not" in 2.0 (CL:s9/s10).
    return List(Nested(InteractionComponentSchema))


class DefinitionSchema(XapiSchema):
    """D2.4.4.1.s2 and s8, XAPI-00048/00056/00057/00059–00061."""

    name = LanguageMap()
    description = LanguageMap()
    type = Iri()
    moreInfo = Iri()  # an IRL, validated like an IRI
    extensions = Extensions()
    interactionType = OneOf(INTERACTION_TYPES)
    correctResponsesPattern = List(Str())
    choices = _components()
    scale = _components()
    source = _components()
    target = _components()
    steps = _components()

    @object_rule
    def _interaction_parts_fit_the_type(self, original: dict[str, Any]) -> None:
        if not any(name in original for name in _INTERACTION_PARTS):
            return  # most activities: not an interaction, nothing to check
        errors = _misplaced_interaction_parts(original)
        for name in ALL_COMPONENT_LISTS:
            if name not in errors:
                errors.update(_repeated_component_ids(name, original.get(name)))
        if errors:
            raise ValidationError(errors)


def _misplaced_interaction_parts(original: dict[str, Any]) -> dict[str, Any]:
    """XAPI-00064 and D2.4.4.1.s13.b3: these parts belong to an interaction of a fitting type."""
    kind = original.get("interactionType")
    present = [
        name for name in ("correctResponsesPattern", *ALL_COMPONENT_LISTS) if name in original
    ]
    if kind is None:
        return {
            name: ["needs an interactionType (it describes an interaction)"] for name in present
        }
    if kind not in INTERACTION_TYPES:
        return {}  # the interactionType field reports the bad value
    allowed = COMPONENT_LISTS.get(kind, ())
    uses = f"uses {' and '.join(allowed)}" if allowed else "has no component lists"
    return {
        name: [f'does not fit interactionType "{kind}" ({kind} {uses})']
        for name in present
        if name in ALL_COMPONENT_LISTS and name not in allowed
    }


def _repeated_component_ids(name: str, components: Any) -> dict[str, Any]:
    """D2.4.4.1.s16, XAPI-00058: component ids are unique within each list."""
    if not isinstance(components, list):
        return {}
    seen: set[str] = set()
    repeated: dict[int, Any] = {}
    for index, component in enumerate(components):
        component_id = component.get("id") if isinstance(component, dict) else None
        if isinstance(component_id, str) and component_id in seen:
            repeated[index] = {"id": [f"repeats an earlier id in {name}; ids must be unique"]}
        if isinstance(component_id, str):
            seen.add(component_id)
    return {name: repeated} if repeated else {}


class ActivitySchema(XapiSchema):
    """D2.4.4.1.s1, XAPI-00047."""

    objectType = Constant("Activity")
    id = Iri(required=True)
    definition = Nested(DefinitionSchema)
