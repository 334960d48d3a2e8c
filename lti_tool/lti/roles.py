"""LTI roles (LTI Core 1.3 §5.3.7 and Appendix A) and the landing page they lead to.

Context (course) roles decide; institution and system roles only count when the launch
carries no context role at all — an institution administrator who is a learner in this
course lands as a learner.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

_CONTEXT = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
_CONTEXT_SUB = "http://purl.imsglobal.org/vocab/lis/v2/membership/"
_INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
_SYSTEM = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"


class Landing(StrEnum):
    LEARNER = "learner"
    DESIGNER = "designer"
    ADMIN = "admin"


_DESIGNER_ROLES = {"Instructor", "ContentDeveloper", "TeachingAssistant", "Mentor"}


def _context_role(role: str) -> str | None:
    if role.startswith(_CONTEXT):
        return role[len(_CONTEXT) :]
    if role.startswith(_CONTEXT_SUB):  # sub-roles, e.g. membership/Instructor#TeachingAssistant
        return role[len(_CONTEXT_SUB) :].split("#", 1)[0]
    if ":" not in role and "/" not in role:  # simple names are context roles (§A.2.3, deprecated)
        return role
    return None


def _institution_role(role: str) -> str | None:
    for prefix in (_INSTITUTION, _SYSTEM):
        if role.startswith(prefix):
            return role[len(prefix) :]
    return None


def _landing_for(names: set[str]) -> Landing | None:
    if "Administrator" in names:
        return Landing.ADMIN
    if names & (_DESIGNER_ROLES | {"Faculty", "Staff"}):
        return Landing.DESIGNER
    if names:
        return Landing.LEARNER
    return None


def landing_for(roles: Iterable[str]) -> Landing:
    roles = list(roles)
    context = {name for r in roles if (name := _context_role(r))}
    if context:
        return _landing_for(context) or Landing.LEARNER
    institution = {name for r in roles if (name := _institution_role(r))}
    return _landing_for(institution) or Landing.LEARNER


def short_names(roles: Iterable[str]) -> list[str]:
    """Human-readable names of the context roles (institution roles when there are none)."""
    roles = list(roles)
    names = [n for r in roles if (n := _context_role(r))]
    return sorted(set(names or [n for r in roles if (n := _institution_role(r))]))
