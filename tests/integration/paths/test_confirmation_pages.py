"""A colleague confirms an "apply" step's write-up: the learner asks someone of their course on
their path page; the colleague sees the request on "My learning" and confirms or declines it on
their requests page. Only the asked colleague may answer, never the learner, never across
tenants."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from lti_tool.core.db import db
from lti_tool.paths.models import Reflection, StepEvidence
from tests.integration.launch_helpers import launch
from tests.integration.paths.pages_helpers import (
    definition,
    field_error,
    form_fields,
    html,
    replaced,
    saved_path,
)
from tests.support.platform import CLAIM, LEARNER, TestPlatform

SUPPORT = {"role": "support"}
_CUSTOM = CLAIM + "custom"
WRITE_UP = "Solved a refund ticket by calling the customer back."


def _confirmed_path(app: Flask, deployment_id: str = "dep-1") -> int:
    data = definition()
    data["stages"][0]["steps"][1]["needs_confirmation"] = True
    return saved_path(app, data, deployment_id)


def _person(client: FlaskClient, platform: TestPlatform, sub: str, name: str, **claims: Any) -> str:
    """Launch as a learner with a name; return the page token."""
    response = launch(client, platform, sub=sub, name=name, roles=(LEARNER,), **claims)
    assert response.status_code in (302, 303), html(response)
    return parse_qs(urlsplit(response.headers["Location"]).query)["lt"][0]


def _get(client: FlaskClient, url: str, token: str) -> str:
    response = client.get(url, query_string={"lt": token})
    assert response.status_code == 200, html(response)
    return html(response)


def _written(client: FlaskClient, token: str, text: str = WRITE_UP) -> None:
    data = {"lt": token, "question": "apply-1", "answer": text}
    assert client.post("/paths/mine/reflections", data=data).status_code == 303


def _ask(client: FlaskClient, token: str, colleague: str) -> Any:
    return client.post(
        "/paths/mine/confirmation", data={"lt": token, "step": "apply-1", "colleague": colleague}
    )


def _reflection(app: Flask) -> Reflection:
    with app.app_context():
        found = db.session.scalars(select(Reflection).where(Reflection.question_key == "apply-1"))
        reflection = found.one()
        db.session.expunge(reflection)
        return reflection


def _evidence_sources(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(StepEvidence.source)))


def _user_id(page: str, name: str) -> str:
    fields = form_fields(page, "/paths/mine/confirmation")
    assert ("colleague", "") in fields
    start = page.index('name="colleague"')
    option = page[start:].split(f">{name}</option>")[0].rsplit('value="', 1)[1]
    return option.split('"')[0]


def _two_learners(app: Flask, client: FlaskClient, platform: TestPlatform) -> tuple[str, str]:
    _confirmed_path(app)
    ada = _person(client, platform, "ada", "Ada Lovelace", **{_CUSTOM: SUPPORT})
    bea = _person(client, platform, "bea", "Bea Bakker")
    return ada, bea


def _asked(app: Flask, client: FlaskClient, platform: TestPlatform) -> tuple[str, str, int]:
    """Ada wrote up the step and asked Bea; the tokens and the reflection id."""
    ada, bea = _two_learners(app, client, platform)
    _written(client, ada)
    page = _get(client, "/paths/mine", ada)
    assert _ask(client, ada, _user_id(page, "Bea Bakker")).status_code == 303
    return ada, bea, _reflection(app).id


def test_a_colleague_confirms_a_write_up_and_the_step_is_done(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    ada, bea = _two_learners(app, client, registered)
    assert "A colleague confirms this step" in _get(client, "/paths/mine", ada)
    _written(client, ada)
    page = _get(client, "/paths/mine", ada)
    assert "0 of 3 steps done" in page and WRITE_UP in page  # waits for a colleague
    assert ">Bea Bakker</option>" in page and ">Ada Lovelace</option>" not in page
    fields = replaced(
        form_fields(page, "/paths/mine/confirmation"), {"colleague": _user_id(page, "Bea Bakker")}
    )
    asked = client.post("/paths/mine/confirmation", data=MultiDict(fields))
    assert asked.status_code == 303
    page = html(client.get(asked.headers["Location"]))
    assert "Your colleague is asked to confirm your write-up." in page
    assert "Waiting for Bea Bakker to confirm it" in page

    home = _get(client, "/learn", bea)
    assert "Asked to confirm" in home and "1 write-up of a colleague waits" in home
    requests = _get(client, "/paths/confirmations", bea)
    assert "Ada Lovelace: Solve a real ticket" in requests and WRITE_UP in requests
    confirm = form_fields(requests, "/confirm")
    confirmed = client.post(
        f"/paths/confirmations/{_reflection(app).id}/confirm", data=MultiDict(confirm)
    )
    assert confirmed.status_code == 303
    assert "Confirmed." in html(client.get(confirmed.headers["Location"]))

    assert "1 of 3 steps done" in _get(client, "/paths/mine", ada)
    assert _evidence_sources(app) == ["reflection"]
    reflection = _reflection(app)
    assert reflection.confirmed_by is not None and reflection.confirmed_at is not None
    assert "Nobody is waiting for you" in _get(client, "/paths/confirmations", bea)
    assert "Asked to confirm" not in _get(client, "/learn", bea)


def test_changing_a_confirmed_write_up_clears_its_confirmation(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    ada, bea, reflection_id = _asked(app, client, registered)
    client.post(f"/paths/confirmations/{reflection_id}/confirm", data={"lt": bea})
    _written(client, ada, WRITE_UP)  # the same words: still confirmed
    assert "1 of 3 steps done" in _get(client, "/paths/mine", ada)
    _written(client, ada, "In fact I escalated it.")
    assert "0 of 3 steps done" in _get(client, "/paths/mine", ada)
    assert _reflection(app).confirmed_at is None and _evidence_sources(app) == []
    assert "In fact I escalated it." in _get(client, "/paths/confirmations", bea)


def test_a_colleague_declines_with_a_note_and_the_learner_asks_again(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    ada, bea, reflection_id = _asked(app, client, registered)
    url = f"/paths/confirmations/{reflection_id}/decline"
    too_long = client.post(url, data={"lt": bea, "note": "x" * 501})
    assert too_long.status_code == 400
    assert field_error(html(too_long), f"f-note-{reflection_id}") == "At most 500 characters."
    assert _reflection(app).confirmation_declined_at is None
    declined = client.post(url, data={"lt": bea, "note": "I was not there that day."})
    assert declined.status_code == 303
    page = _get(client, "/paths/mine", ada)
    assert "Bea Bakker did not confirm it." in page and "I was not there that day." in page
    assert "0 of 3 steps done" in page
    assert "Nobody is waiting for you" in _get(client, "/paths/confirmations", bea)
    assert _ask(client, ada, _user_id(page, "Bea Bakker")).status_code == 303
    assert "Ada Lovelace: Solve a real ticket" in _get(client, "/paths/confirmations", bea)


def test_only_the_asked_colleague_of_the_tenant_can_answer(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    ada, bea, reflection_id = _asked(app, client, registered)
    carl = _person(client, registered, "carl", "Carl Claes")
    bea_elsewhere = _person(client, registered, "bea", "Bea Bakker", deployment_id="dep-2")
    before = _reflection(app)
    for token, target, status, words in (
        (carl, reflection_id, 403, "Only the colleague the learner asked"),
        (ada, reflection_id, 403, "You cannot confirm your own write-up"),
        (bea_elsewhere, reflection_id, 404, "This request to confirm does not exist here"),
        (bea, 999_999, 404, "This request to confirm does not exist here"),
    ):
        for action in ("confirm", "decline"):
            url = f"/paths/confirmations/{target}/{action}"
            response = client.post(url, data={"lt": token, "note": "no"})
            assert response.status_code == status, (url, html(response))
            assert words in html(response)
    assert "Nobody is waiting" in _get(client, "/paths/confirmations", bea_elsewhere)
    assert "Asked to confirm" not in _get(client, "/learn", bea_elsewhere)
    after = _reflection(app)
    assert (after.confirmed_at, after.confirmation_declined_at) == (None, None)
    assert after.confirmation_asked_at == before.confirmation_asked_at
    assert _evidence_sources(app) == []


def test_asking_is_refused_without_a_write_up_or_a_colleague_of_the_course(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    ada, bea = _two_learners(app, client, registered)
    _person(client, registered, "dora", "Dora Dekker", deployment_id="dep-2")
    no_write_up = _ask(client, ada, "1")
    assert no_write_up.status_code == 400
    message = field_error(html(no_write_up), "f-confirm-apply-1")
    assert message == "Save your write-up before asking a colleague to confirm it."
    _written(client, ada)
    page = _get(client, "/paths/mine", ada)
    assert ">Dora Dekker</option>" not in page  # someone of another tenant
    with app.app_context():
        ada_id = db.session.scalar(select(Reflection.user_id))
    for colleague in ("", "abc", str(ada_id), "999999"):
        refused = _ask(client, ada, colleague)
        assert refused.status_code == 400, colleague
        assert (
            field_error(html(refused), "f-confirm-apply-1") == "Choose a colleague from the list."
        )
    assert _reflection(app).confirmation_asked_of is None
    not_confirmed = client.post(
        "/paths/mine/confirmation", data={"lt": ada, "step": "quiz", "colleague": "1"}
    )
    assert not_confirmed.status_code == 400
    assert "does not need a colleague" in html(not_confirmed)
    assert "Nobody is waiting" in _get(client, "/paths/confirmations", bea)


def test_asking_and_answering_need_the_page_token(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    _ada, _bea, reflection_id = _asked(app, client, registered)
    for url, data in (
        ("/paths/mine/confirmation", {"step": "apply-1", "colleague": "1"}),
        (f"/paths/confirmations/{reflection_id}/confirm", {}),
        (f"/paths/confirmations/{reflection_id}/decline", {"note": "x"}),
    ):
        assert client.post(url, data=data).status_code == 401, url
    assert _reflection(app).confirmed_at is None


def test_an_apply_step_without_confirmation_is_done_on_writing_with_nobody_to_ask(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    ada = _person(client, registered, "ada", "Ada Lovelace", **{_CUSTOM: SUPPORT})
    _person(client, registered, "bea", "Bea Bakker")
    page = _get(client, "/paths/mine", ada)
    assert "A colleague confirms this step" not in page
    _written(client, ada)
    page = _get(client, "/paths/mine", ada)
    assert "1 of 3 steps done" in page and "/paths/mine/confirmation" not in page
    assert _evidence_sources(app) == ["reflection"]


def test_the_confirmation_pages_are_in_dutch(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    _confirmed_path(app)
    ada = _person(client, registered, "ada", "Ada Lovelace", locale="nl", **{_CUSTOM: SUPPORT})
    bea = _person(client, registered, "bea", "Bea Bakker", locale="nl")
    _written(client, ada)
    page = _get(client, "/paths/mine", ada)
    assert "Vraag een collega om te bevestigen" in page
    no_one = _ask(client, ada, "")
    assert field_error(html(no_one), "f-confirm-apply-1") == "Kies een collega uit de lijst."
    assert _ask(client, ada, _user_id(page, "Bea Bakker")).status_code == 303
    assert "Wacht op Bea Bakker" in _get(client, "/paths/mine", ada)
    assert "Gevraagd om te bevestigen" in _get(client, "/learn", bea)
    requests = _get(client, "/paths/confirmations", bea)
    assert "Ada Lovelace: Los een echt ticket op" in requests and "Bevestigen" in requests
    own = client.post(f"/paths/confirmations/{_reflection(app).id}/confirm", data={"lt": ada})
    assert own.status_code == 403 and "Je kunt je eigen verslag niet bevestigen" in html(own)
