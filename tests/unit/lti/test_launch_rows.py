"""``launch_rows``: both ways of writing a launch give the same rows, on the test database.

The one-statement way is PostgreSQL's; on SQLite those cases are skipped, saying why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from lti_tool.core.db import db, utcnow
from lti_tool.lti import launch_rows, oidc_state, registrations
from lti_tool.lti.launch_rows import LaunchRows, WrittenLaunch
from lti_tool.lti.models import Context, LoginState, Membership, User
from tests.support.platform import TestPlatform

Writer = Callable[[LaunchRows], WrittenLaunch | None]


@pytest.fixture(params=["one statement", "statement by statement"])
def write(request: pytest.FixtureRequest, app: Flask) -> Iterator[Writer]:
    with app.app_context():
        one_statement = request.param == "one statement"
        if one_statement and db.engine.dialect.name != "postgresql":
            pytest.skip(
                "the one-statement launch is PostgreSQL's (set LEARNLOOP_TEST_DATABASE_URL)"
            )

    def commit_after(rows: LaunchRows) -> WrittenLaunch | None:
        if one_statement:
            return launch_rows.write_in_one_statement(rows)
        written = launch_rows.write_statement_by_statement(rows)
        db.session.commit()  # as the request does
        return written

    yield commit_after


@pytest.fixture
def tenant(app: Flask, registered: TestPlatform) -> tuple[int, int]:
    """(registration id, tenant id) of deployment dep-1."""
    with app.app_context():
        registration = registrations.find_registration(registered.issuer, registered.client_id)
        assert registration is not None
        deployment = registrations.find_deployment(registration, "dep-1")
        assert deployment is not None
        return registration.id, deployment.id


def rows(tenant: tuple[int, int], **changes: Any) -> LaunchRows:
    registration_id, tenant_id = tenant
    values: dict[str, Any] = {
        "login": oidc_state.issue(registration_id, {"target_link_uri": "x"}, None),
        "registration_id": registration_id,
        "tenant_id": tenant_id,
        "sub": "learner-1",
        "user": {
            "name": "Lena Visser",
            "given_name": "Lena",
            "family_name": "Visser",
            "email": "lena@example.edu",
            "locale": "nl-NL",
        },
        "context_key": "course-1",
        "label": "C1",
        "title": "Course one",
        "roles_json": '["Learner"]',
        "now": utcnow(),
    }
    return LaunchRows(**{**values, **changes})


def count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_first_launch_creates_the_person_the_course_and_the_membership(
    app: Flask, write: Writer, tenant: tuple[int, int]
) -> None:
    with app.test_request_context():
        written = write(rows(tenant))
        assert written is not None
        user = db.session.get(User, written.user_id)
        context = db.session.get(Context, written.context_id)
        membership = db.session.get(Membership, written.membership_id)
        assert user is not None and context is not None and membership is not None
        assert (user.sub, user.name, user.email, written.locale) == (
            "learner-1",
            "Lena Visser",
            "lena@example.edu",
            "nl-NL",
        )
        assert (context.tenant_id, context.context_id, context.title) == (
            tenant[1],
            "course-1",
            "Course one",
        )
        assert (membership.user_id, membership.context_id) == (user.id, context.id)
        assert membership.roles_json == '["Learner"]'
        assert count(LoginState) == 1


def test_a_later_launch_updates_what_was_sent_and_keeps_what_was_not(
    app: Flask, write: Writer, tenant: tuple[int, int]
) -> None:
    with app.test_request_context():
        first = write(rows(tenant))
        later = dt.datetime(2030, 1, 2, tzinfo=dt.UTC)
        second = write(
            rows(
                tenant,
                user={"name": None, "email": "new@example.edu", "locale": None},
                label=None,
                title="Course one, renamed",
                roles_json='["Instructor"]',
                now=later,
            )
        )
        assert first is not None and second is not None
        assert (second.user_id, second.context_id, second.membership_id) == (
            first.user_id,
            first.context_id,
            first.membership_id,
        )
        db.session.expire_all()
        user = db.session.get(User, first.user_id)
        context = db.session.get(Context, first.context_id)
        membership = db.session.get(Membership, first.membership_id)
        assert user is not None and context is not None and membership is not None
        assert (user.name, user.email, second.locale) == ("Lena Visser", "new@example.edu", "nl-NL")
        assert user.last_launch_at == later
        assert (context.label, context.title) == ("C1", "Course one, renamed")
        assert (membership.roles_json, membership.last_launch_at) == ('["Instructor"]', later)
        assert (count(User), count(Context), count(Membership)) == (1, 1, 1)


def test_a_replayed_nonce_writes_nothing(
    app: Flask, write: Writer, tenant: tuple[int, int]
) -> None:
    with app.test_request_context():
        first = rows(tenant)
        assert write(first) is not None
        replay = rows(tenant, login=first.login, sub="someone-else", context_key="course-2")
        assert write(replay) is None
        db.session.rollback()
        assert (count(User), count(Context), count(Membership), count(LoginState)) == (1, 1, 1, 1)


def test_launches_without_a_course_share_one_row_and_keep_people_apart(
    app: Flask, write: Writer, tenant: tuple[int, int]
) -> None:
    with app.test_request_context():
        one = write(rows(tenant, context_key="", label=None, title=None))
        two = write(rows(tenant, sub="learner-2", context_key="", label=None, title=None))
        assert one is not None and two is not None
        assert one.context_id == two.context_id
        assert one.user_id != two.user_id and one.membership_id != two.membership_id
        assert (count(Context), count(Membership)) == (1, 2)


def test_a_person_in_two_courses_has_two_memberships(
    app: Flask, write: Writer, tenant: tuple[int, int]
) -> None:
    with app.test_request_context():
        one = write(rows(tenant))
        two = write(rows(tenant, context_key="course-2", title="Course two"))
        assert one is not None and two is not None
        assert one.user_id == two.user_id
        assert one.membership_id != two.membership_id
        assert (count(User), count(Context), count(Membership)) == (1, 2, 2)
