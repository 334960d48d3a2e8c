from __future__ import annotations

import pytest

from lti_tool.lti.roles import Landing, landing_for, short_names

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INST = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
S = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"


@pytest.mark.parametrize(
    ("roles", "landing"),
    [
        ([M + "Learner"], Landing.LEARNER),
        ([M + "Instructor"], Landing.DESIGNER),
        ([M + "ContentDeveloper"], Landing.DESIGNER),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
            Landing.DESIGNER,
        ),
        ([M + "Administrator"], Landing.ADMIN),
        (["Instructor"], Landing.DESIGNER),  # simple names are context roles
        ([], Landing.LEARNER),
    ],
)
def test_context_roles_choose_the_landing_page(roles: list[str], landing: Landing) -> None:
    assert landing_for(roles) is landing


def test_institution_roles_never_outrank_course_roles() -> None:
    # Moodle sends a site admin's institution and system roles with their course role.
    roles = [INST + "Administrator", S + "Administrator", M + "Learner"]
    assert landing_for(roles) is Landing.LEARNER


def test_institution_roles_count_when_there_is_no_course_role() -> None:
    assert landing_for([INST + "Administrator"]) is Landing.ADMIN
    assert landing_for([INST + "Faculty"]) is Landing.DESIGNER
    assert landing_for([INST + "Student"]) is Landing.LEARNER


def test_short_names_prefer_course_roles() -> None:
    assert short_names([INST + "Administrator", M + "Instructor"]) == ["Instructor"]
    assert short_names([INST + "Administrator"]) == ["Administrator"]
