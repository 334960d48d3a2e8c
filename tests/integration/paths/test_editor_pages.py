"""The path editor: a designer builds a path with form fields only; saving checks the whole
definition (each problem next to its field, a 400, nothing saved); a rule is previewed against
recent statements before saving, and one that matches nothing is a warning, not an error."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from lti_tool.paths.services import path_versions
from tests.integration.paths.pages_helpers import (
    COMPLETED,
    LMS,
    PASSED,
    QUIZ,
    counts,
    field_error,
    form_fields,
    html,
    replaced,
    role_id,
    saved_path,
    signed_in,
)
from tests.integration.xapi_helpers import Lrs, statement, tenant_id
from tests.support.platform import TestPlatform


def _catalogue(client: FlaskClient, token: str) -> int:
    """A role with three ranked skills, made on the catalogue pages; its id."""
    for key in ("listening", "product", "writing"):
        client.post("/paths/skills", data={"lt": token, "skill.key": key, "skill.name.en": key})
    response = client.post(
        "/paths/roles", data={"lt": token, "role.key": "support", "role.name.en": "Support agent"}
    )
    role = int(response.headers["Location"].split("/roles/")[1].split("?")[0])
    ranks = {"rank.listening": "1", "rank.product": "2", "rank.writing": "3"}
    assert (
        client.post(f"/paths/roles/{role}/priorities", data={"lt": token, **ranks}).status_code
        == 303
    )
    return role


def _editor(client: FlaskClient, token: str, role: int, **query: str) -> str:
    response = client.get(f"/paths/roles/{role}/path", query_string={"lt": token, **query})
    assert response.status_code == 200, html(response)
    return html(response)


def _post(
    client: FlaskClient, role: int, fields: list[tuple[str, str]], action: str = "save"
) -> Any:
    return client.post(f"/paths/roles/{role}/path", data=MultiDict([*fields, ("action", action)]))


BUILT = {
    "title.en": "Support path",
    "title.nl": "Supportpad",
    "stages[0].steps[0].title.en": "Pass the product quiz",
    "stages[0].steps[0].title.nl": "Haal de productquiz",
    "stages[0].steps[0].kind": "activity",
    "stages[0].steps[0].skills[0].skill": "product",
    "stages[0].steps[0].skills[0].weight": "2",
    "stages[0].steps[0].evidence.activity": QUIZ,
    "stages[0].steps[0].evidence.success": "true",
    "stages[0].reflection_questions[0].text.en": "Why did you choose this work?",
    "stages[1].steps[0].title.en": "Advanced course",
    "stages[1].steps[0].kind": "activity",
    "stages[1].steps[0].depends_on": "pass-the-product-quiz",
    "stages[1].steps[0].evidence.activity": LMS + "/course/view.php?id=",
    "stages[1].steps[0].evidence.match": "prefix",
    "stages[1].steps[0].evidence.min_scaled": "0,8",
}


def _built(page: str) -> list[tuple[str, str]]:
    fields = replaced(form_fields(page, "/path"), BUILT)
    return [
        *fields,
        ("stages[0].steps[0].evidence.verbs", PASSED),
        ("stages[1].steps[0].evidence.verbs", COMPLETED),
    ]


def test_a_designer_builds_a_path_with_form_fields_and_saves_it(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = signed_in(client, registered)
    role = _catalogue(client, token)
    page = _editor(client, token, role)
    assert "Stage: Core" in page and "Stage: Advanced" in page
    response = _post(client, role, _built(page))
    assert response.status_code == 303, html(response)
    assert "saved=1" in response.headers["Location"]
    tenant = tenant_id(app)
    with app.app_context():
        (listing,) = path_versions.paths(tenant)
        current = path_versions.current(tenant, listing.id)
    assert current is not None
    assert current.title == {"en": "Support path", "nl": "Supportpad"}
    assert current.priority_skills == ("listening", "product", "writing")
    quiz, course = current.stages[0].steps[0], current.stages[1].steps[0]
    assert (quiz.key, quiz.skills) == ("pass-the-product-quiz", {"product": 2.0})
    assert quiz.evidence is not None and quiz.evidence.success is True
    assert quiz.evidence.verbs == {PASSED}
    assert course.depends_on == ("pass-the-product-quiz",)
    assert course.evidence is not None and course.evidence.prefix
    assert course.evidence.min_scaled == 0.8  # a Dutch decimal comma is understood
    assert current.stages[0].questions[0][0] == "why-did-you-choose-this-work"
    saved_page = html(client.get(response.headers["Location"]))
    assert "Saved as version 1" in saved_page


def test_the_editor_round_trips_a_definition_unchanged(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    path_id = saved_path(app)
    token = signed_in(client, registered)
    tenant = tenant_id(app)
    with app.app_context():
        before = path_versions.current(tenant, path_id)
    page = _editor(client, token, role_id(app))
    response = _post(client, role_id(app), form_fields(page, "/path"))
    assert response.status_code == 303, html(response)
    with app.app_context():
        after = path_versions.current(tenant, path_id)
    assert after == before  # every field the definition has came back through the form


def test_the_editor_keeps_languages_it_does_not_show(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    from tests.integration.paths.pages_helpers import definition

    data = definition(title={"en": "Support path", "de": "Supportpfad"})
    path_id = saved_path(app, data)
    token = signed_in(client, registered)
    page = _editor(client, token, role_id(app))
    assert _post(client, role_id(app), form_fields(page, "/path")).status_code == 303
    tenant = tenant_id(app)
    with app.app_context():
        current = path_versions.current(tenant, path_id)
    assert current is not None and current.title["de"] == "Supportpfad"


def _broken(app: Flask, client: FlaskClient, token: str, changes: dict[str, str]) -> str:
    page = _editor(client, token, role_id(app))
    before = counts(app)
    response = _post(client, role_id(app), replaced(form_fields(page, "/path"), changes))
    assert response.status_code == 400, html(response)
    assert counts(app) == before  # nothing half-saved
    return html(response)


def test_a_step_that_depends_on_itself_is_refused_next_to_its_field(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = signed_in(client, registered)
    page = _broken(app, client, token, {"stages[0].steps[0].depends_on": "quiz"})
    assert field_error(page, "f-stages-0-steps-0-depends_on") == "A step cannot depend on itself."
    assert "Nothing was saved: 1 problem to fix" in page
    # the summary at the top says where, and links to the field
    assert (
        '<a href="#f-stages-0-steps-0-depends_on">'
        "Stage 1 › Step 1 › Depends on: A step cannot depend on itself.</a>"
    ) in page


def test_an_invalid_iri_and_an_unknown_dependency_are_refused_together(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = signed_in(client, registered)
    page = _broken(
        app,
        client,
        token,
        {
            "stages[0].steps[0].evidence.activity": "mod/quiz/view.php?id=7",
            "stages[1].steps[0].depends_on": "nope",
        },
    )
    assert field_error(page, "f-stages-0-steps-0-evidence-activity").startswith(
        "Enter a full address with its scheme"
    )
    assert field_error(page, "f-stages-1-steps-0-depends_on") == (
        "There is no step with the key “nope”."
    )
    assert 'value="mod/quiz/view.php?id=7"' in page  # shown back for correction


def test_an_empty_stage_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = signed_in(client, registered)
    page = _editor(client, token, role_id(app))
    fields = [(n, v) for n, v in form_fields(page, "/path") if not n.startswith("stages[1].steps")]
    before = counts(app)
    response = _post(client, role_id(app), fields)
    assert response.status_code == 400
    assert field_error(html(response), "f-stages-1-steps") == "A stage needs at least one step."
    assert counts(app) == before


def test_steps_depending_on_each_other_in_a_circle_are_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = signed_in(client, registered)
    page = _broken(app, client, token, {"stages[0].steps[0].depends_on": "course-2"})
    assert field_error(page, "f-stages").startswith("Steps depend on each other in a circle")


def test_a_missing_title_and_a_bad_number_are_refused_in_dutch(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = signed_in(client, registered, locale="nl")
    page = _broken(
        app,
        client,
        token,
        {
            "stages[0].steps[0].title.en": "",
            "stages[0].steps[0].title.nl": "",
            "stages[0].steps[0].minutes": "veel",
        },
    )
    assert field_error(page, "f-stages-0-steps-0-title") == "Vul dit in."
    assert field_error(page, "f-stages-0-steps-0-minutes") == "Vul een heel getal in."


def test_adding_and_removing_steps_and_stages_changes_the_form_only(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = signed_in(client, registered)
    role = role_id(app)
    before = counts(app)
    added = _post(client, role, form_fields(_editor(client, token, role), "/path"), "add-step:0")
    assert added.status_code == 200
    page = html(added)
    assert 'name="stages[0].steps[2].title.en"' in page
    assert "nothing is saved until you press" in page
    removed = _post(client, role, form_fields(page, "/path"), "remove-stage:3")
    assert 'name="stages[3].key"' not in html(removed)
    assert "Add the stage Specialist" in html(removed)
    assert counts(app) == before
    unknown = _post(client, role, form_fields(page, "/path"), "explode:1")
    assert unknown.status_code == 400


def test_previewing_a_rule_counts_recent_statements_and_learners_before_saving(
    app: Flask, client: FlaskClient, registered: TestPlatform, lrs: Lrs
) -> None:
    saved_path(app)
    verb = {"id": PASSED, "display": {"en-US": "passed"}}
    quiz = {"objectType": "Activity", "id": QUIZ}
    for mbox in ("mailto:a@example.edu", "mailto:a@example.edu", "mailto:b@example.edu"):
        agent = {"objectType": "Agent", "mbox": mbox}
        assert lrs.post([statement(actor=agent, verb=verb, object=quiz)]).status_code == 200
    token = signed_in(client, registered)
    before = counts(app)
    page = _editor(client, token, role_id(app))
    response = _post(client, role_id(app), form_fields(page, "/path"), "preview:0:0")
    assert response.status_code == 200
    assert "Would match 3 statements from 2 learners in the last 90 days." in html(response)
    changed = replaced(
        form_fields(page, "/path"), {"stages[0].steps[0].evidence.activity": LMS + "/new"}
    )
    nothing = _post(client, role_id(app), changed, "preview:0:0")
    assert "Would match 0 statements from 0 learners" in html(nothing)
    assert counts(app) == before


def test_a_rule_without_verbs_cannot_be_previewed(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app)
    token = signed_in(client, registered)
    page = _editor(client, token, role_id(app))
    fields = [
        (n, v) for n, v in form_fields(page, "/path") if n != "stages[0].steps[0].evidence.verbs"
    ]
    response = _post(client, role_id(app), fields, "preview:0:0")
    assert response.status_code == 400
    assert field_error(html(response), "f-stages-0-steps-0-evidence-verbs") == (
        "Choose at least one verb."
    )


def test_a_saved_rule_that_matches_no_statement_yet_is_a_warning_not_an_error(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = signed_in(client, registered)
    role = _catalogue(client, token)
    response = _post(client, role, _built(_editor(client, token, role)))
    assert response.status_code == 303
    page = html(client.get(response.headers["Location"]))
    assert "2 rules match no statement from the last 90 days yet" in page
    assert "matches no statement yet" in page


def test_another_tenants_role_cannot_be_edited(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app, deployment_id="dep-2")
    other = role_id(app, deployment_id="dep-2")
    token = signed_in(client, registered)
    before = counts(app)
    assert client.get(f"/paths/roles/{other}/path", query_string={"lt": token}).status_code == 404
    response = client.post(
        f"/paths/roles/{other}/path", data={"lt": token, "action": "save", "title.en": "Mine"}
    )
    assert response.status_code == 404
    assert counts(app) == before
