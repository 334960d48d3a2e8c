"""What Moodle's xAPI logstore sends (its own expected test outputs, read in place from
``../shared/fixtures/xapi/moodle_logstore/``; GPL data, never copied here) is accepted,
stored, read back unchanged and mapped to the person: the logstore names actors
``account{homePage: <site URL>, name: <Moodle user id>}``, Moodle's LTI issuer and sub.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from lti_tool.core.db import db
from lti_tool.lti.models import User
from tests.integration.launch_helpers import launch
from tests.integration.xapi_helpers import Lrs, new_credential, tenant_id
from tests.support.platform import TestPlatform
from tests.support.servers import LoopbackServer
from xapi import actors

FIXTURES = (
    Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "xapi" / "moodle_logstore"
)
FILES = sorted(FIXTURES.glob("*.json")) if FIXTURES.is_dir() else []
SITE = "http://www.example.org"  # the fixtures' Moodle site URL
WE_ADD = ("stored", "authority", "version")

needs_fixtures = pytest.mark.skipif(
    not FILES,
    reason=f"no Moodle logstore fixtures at {FIXTURES} (they live outside the repository)",
)


@pytest.fixture
def moodle(app: Flask) -> Iterator[TestPlatform]:
    """A Moodle at the fixtures' site URL, registered with one deployment (``dep-1``)."""
    platform = TestPlatform(issuer=SITE, client_id="moodle-client")
    with LoopbackServer(platform.wsgi_app) as server:
        platform.base_url = server.url
        platform.register_with(app, deployment_ids=("dep-1",))
        yield platform


def _batches() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for path in FILES:
        yield path.name, json.loads(path.read_text(encoding="utf-8"))


def _users_by_sub(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {user.sub: user.id for user in db.session.scalars(select(User))}


def _mapped(app: Flask, statement_ids: list[str]) -> dict[str, int | None]:
    with app.app_context():
        return actors.users_of(tenant_id(app), [i.lower() for i in statement_ids])


@needs_fixtures
def test_every_moodle_statement_is_accepted_read_back_unchanged_and_mapped_to_its_user(
    app: Flask, moodle: TestPlatform
) -> None:
    for sub in ("1", "2"):  # Moodle users 1 and 2 opened LearnLoop before
        launch(app.test_client(), moodle, sub=sub, email=f"user{sub}@example.org")
    users = _users_by_sub(app)
    lrs = Lrs(app.test_client(), new_credential(app))
    for name, batch in _batches():
        response = lrs.post(batch)
        assert response.status_code == 200, (name, response.get_data(as_text=True))
        ids = response.get_json()
        assert len(ids) == len(batch), name
        mapped = _mapped(app, ids)
        for sent, statement_id in zip(batch, ids, strict=True):
            back = lrs.get(statementId=statement_id).get_json()
            assert {key: back.pop(key) for key in WE_ADD}, name
            assert back == {**sent, "id": statement_id}, name
            expected_user = users[sent["actor"]["account"]["name"]]
            assert mapped[statement_id.lower()] == expected_user, name


@needs_fixtures
def test_moodle_re_sending_a_batch_it_never_saw_answered_stores_it_once(
    app: Flask, moodle: TestPlatform
) -> None:
    lrs = Lrs(app.test_client(), new_credential(app))
    name, batch = next(_batches())
    answers = [lrs.post(batch).get_json() for _ in range(3)]
    assert answers[0] == answers[1] == answers[2], name
    assert len(lrs.all_pages()) == len(batch)


@needs_fixtures
def test_statements_of_people_who_never_launched_are_kept_and_attached_at_their_first_launch(
    app: Flask, moodle: TestPlatform
) -> None:
    lrs = Lrs(app.test_client(), new_credential(app))
    ids_by_sub: dict[str, list[str]] = {"1": [], "2": []}
    for _, batch in _batches():
        for sent, statement_id in zip(batch, lrs.post(batch).get_json(), strict=True):
            ids_by_sub[sent["actor"]["account"]["name"]].append(statement_id)
    everything = ids_by_sub["1"] + ids_by_sub["2"]
    assert set(_mapped(app, everything).values()) == {None}  # kept, not yet anyone's

    launch(app.test_client(), moodle, sub="1")
    user_1 = _users_by_sub(app)["1"]
    assert set(_mapped(app, ids_by_sub["1"]).values()) == {user_1}
    assert set(_mapped(app, ids_by_sub["2"]).values()) == {None}

    launch(app.test_client(), moodle, sub="2", email="someone.else@example.org")
    assert set(_mapped(app, ids_by_sub["2"]).values()) == {_users_by_sub(app)["2"]}
