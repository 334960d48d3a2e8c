"""Agents and Groups: who did something (xAPI 1.0.3 Data 2.4.2, 2.0 §4.2.2.2).

An *inverse functional identifier* (IFI) is one of ``mbox``, ``mbox_sha1sum``, ``openid`` or
``account``: the property that identifies a person or group.  An Agent has exactly one; a
Group with one is *identified*, a Group with none is *anonymous* and is known by its members.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from xapi.validation.fields import (
    Constant,
    Forbidden,
    Iri,
    List,
    Mailto,
    Nested,
    Sha1,
    Str,
)
from xapi.validation.schemas.base import OneSchemaOf, XapiSchema, object_rule

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
_IFI_NAMES = "mbox, mbox_sha1sum, openid or account"


class AccountSchema(XapiSchema):
    """D2.4.2.4: both keys required, nothing else (XAPI-00041–00043)."""

    homePage = Iri(required=True)  # an IRL, validated like an IRI
    name = Str(required=True)


class _IdentifiedSchema(XapiSchema):
    name = Str()
    mbox = Mailto()
    mbox_sha1sum = Sha1()
    openid = Iri()
    account = Nested(AccountSchema)


def ifis_in(original: dict[str, Any]) -> list[str]:
    return [key for key in IFIS if key in original]


class AgentSchema(_IdentifiedSchema):
    objectType = Constant("Agent")
    member = Forbidden('is not allowed on an Agent; a group needs "objectType": "Group"')

    @object_rule
    def _has_exactly_one_ifi(self, original: dict[str, Any]) -> None:
        """D2.4.2.1.s2, XAPI-00032–00034."""
        found = ifis_in(original)
        if len(found) != 1:
            listed = f"{len(found)}: {', '.join(found)}" if found else "none"
            raise ValidationError(
                f"an Agent needs exactly one identifier ({_IFI_NAMES}); found {listed}"
            )


class MemberSchema(AgentSchema):
    """A Group's member: Groups do not nest (D2.4.2.2.s4, XAPI-00037)."""

    objectType = Constant("Agent", message='must be "Agent": a Group\'s members are Agents')


class GroupSchema(_IdentifiedSchema):
    """``objectType: "Group"`` is required wherever a Group appears (D2.4.2.2)."""

    objectType = Constant("Group", required=True)
    member = List(Nested(MemberSchema))

    @object_rule
    def _is_identified_or_has_members(self, original: dict[str, Any]) -> None:
        """D2.4.2.2.s2–s5, XAPI-00035/00036."""
        found = ifis_in(original)
        if len(found) > 1:
            raise ValidationError(
                f"an identified Group has exactly one identifier; found {len(found)}: "
                f"{', '.join(found)}"
            )
        if not found and original.get("member") in (None, []):
            raise ValidationError(
                f"must list at least one Agent: a Group without {_IFI_NAMES} is anonymous "
                "and is known only by its members",
                field_name="member",
            )


class Actor(OneSchemaOf):
    """An Agent, or a Group when ``objectType`` is ``"Group"`` (D2.4.2)."""

    def schema_for(self, value: Any) -> type[XapiSchema]:
        if not isinstance(value, dict):
            raise ValidationError("must be a JSON object: an Agent or a Group")
        kind = value.get("objectType", "Agent")
        if kind == "Group":
            return GroupSchema
        if kind == "Agent":
            return AgentSchema
        raise ValidationError({"objectType": ['must be "Agent" or "Group" (exact case)']})


class Authority(Actor):
    """An Agent, or an anonymous Group of exactly two Agents (3-legged OAuth).

    D2.4.9.s3.b1, XAPI-00024/00098/00100; CTS configs/authorities.js.
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        loaded = super()._deserialize(value, attr, data, **kwargs)
        if value.get("objectType") != "Group":
            return loaded
        if ifis_in(value):
            raise ValidationError(
                "must be an Agent, or an anonymous Group of two Agents (3-legged OAuth); "
                "an identified Group cannot be an authority"
            )
        count = len(value["member"])
        if count != 2:
            message = (
                f"must hold exactly 2 Agents in an authority Group (3-legged OAuth); found {count}"
            )
            raise ValidationError({"member": [message]})
        return loaded
