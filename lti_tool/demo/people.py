"""The demo course and its people: who the demo LMS can launch LearnLoop as.

A *person* here is an LMS account: the ``key`` is the OIDC ``login_hint`` the platform sends,
``sub`` the stable LTI user id in the id_token (LTI Core 1.3 §5.3.6).
"""

from __future__ import annotations

from dataclasses import dataclass

_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
_SYSTEM = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"

LOCALES = {"en": "English", "nl": "Nederlands (Dutch)"}


@dataclass(frozen=True)
class Course:
    id: str
    label: str
    title: str


@dataclass(frozen=True)
class Person:
    key: str
    sub: str
    given_name: str
    family_name: str
    email: str
    role_label: str
    roles: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


COURSE = Course(id="onboarding-101", label="ONB-101", title="Onboarding at Example Org")
RESOURCE_LINK = {"id": "learnloop-onboarding", "title": "LearnLoop"}

PEOPLE = (
    Person(
        key="learner",
        sub="demo-user-learner",
        given_name="Lena",
        family_name="Visser",
        email="lena.visser@example.org",
        role_label="Learner",
        roles=(_MEMBERSHIP + "Learner",),
    ),
    Person(
        key="instructor",
        sub="demo-user-instructor",
        given_name="Ivo",
        family_name="Jansen",
        email="ivo.jansen@example.org",
        role_label="Instructor",
        roles=(_MEMBERSHIP + "Instructor",),
    ),
    Person(
        key="admin",
        sub="demo-user-admin",
        given_name="Amira",
        family_name="Bakker",
        email="amira.bakker@example.org",
        role_label="Administrator",
        roles=(_MEMBERSHIP + "Administrator", _SYSTEM + "Administrator"),
    ),
)


def find_person(key: str | None) -> Person | None:
    return next((p for p in PEOPLE if p.key == key), None)
