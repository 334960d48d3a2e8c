"""The designers' catalogue: roles, skills and each role's three to five ranked priorities, for
designers only, within their tenant, with every refusal next to its field and nothing saved."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from lti_tool.paths.services import catalogue
from tests.integration.paths.pages_helpers import (
    counts,
    field_error,
    html,
    learner,
    role_id,
    saved_path,
    signed_in,
)
from tests.integration.xapi_helpers import tenant_id
from tests.support.platform import TestPlatform

SKILLS = ("listening", "product", "writing", "empathy", "tools", "escalation")


def _add_skills(client: FlaskClient, token: str, keys: tuple[str, ...] = SKILLS) -> None:
    for key in keys:
        response = client.post(
            "/paths/skills",
            data={"lt": token, "skill.key": key, "skill.name.en": key.title()},
        )
        assert response.status_code == 303, html(response)


def _add_role(client: FlaskClient, token: str, **fields: str) -> str:
    data = {"lt": token, "role.name.en": "Support agent", "role.name.nl": "Supportmedewerker"}
    data.update(fields)
    response = client.post("/paths/roles", data=data)
    assert response.status_code == 303, html(response)
    return response.headers["Location"]


def test_a_designer_adds_a_role_and_skills_and_ranks_its_priorities(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = signed_in(client, registered)
    _add_skills(client, token)
    role_page = _add_role(client, token, **{"role.key": "support"})
    page = html(client.get(role_page))
    assert "Support agent" in page and "role=support" in page
    response = client.post(
        f"/paths/roles/{role_id(app)}/priorities",
        data={
            "lt": token,
            "rank.product": "2",
            "rank.listening": "1",
            "rank.writing": "3",
            "track.tools": "1",
        },
    )
    assert response.status_code == 303
    tenant, role = tenant_id(app), role_id(app)
    with app.app_context():
        ranked = catalogue.role_skills(tenant, role)
    assert [(s.key, s.priority) for s in ranked] == [
        ("listening", 1),
        ("product", 2),
        ("writing", 3),
        ("tools", None),
    ]
    catalogue_page = html(client.get("/paths/", query_string={"lt": token}))
    assert "Listening" in catalogue_page and "and 1 tracked skill" in catalogue_page


def test_the_catalogue_says_why_fewer_priorities_are_better(
    client: FlaskClient, registered: TestPlatform
) -> None:
    page = html(client.get("/paths/", query_string={"lt": signed_in(client, registered)}))
    assert "Why three to five priority skills?" in page
    assert "a long list spreads their attention" in page


def test_a_sixth_priority_is_refused_next_to_its_field_and_nothing_is_saved(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = signed_in(client, registered)
    _add_skills(client, token)
    _add_role(client, token, **{"role.key": "support"})
    before = counts(app)
    ranks = {f"rank.{key}": str(n) for n, key in enumerate(SKILLS, start=1)}
    response = client.post(f"/paths/roles/{role_id(app)}/priorities", data={"lt": token, **ranks})
    assert response.status_code == 400
    message = field_error(html(response), "f-rank-escalation")
    assert message.startswith("A role has at most 5 priority skills")
    assert counts(app) == before
    assert 'value="6"' in html(response)  # what was typed stays, for correction


def test_a_rank_given_twice_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = signed_in(client, registered)
    _add_skills(client, token)
    _add_role(client, token, **{"role.key": "support"})
    response = client.post(
        f"/paths/roles/{role_id(app)}/priorities",
        data={"lt": token, "rank.product": "1", "rank.listening": "1"},
    )
    assert response.status_code == 400
    assert field_error(html(response), "f-rank-product") == "Rank 1 is given twice."


def test_a_role_without_a_name_or_with_a_bad_key_is_refused_in_english_and_dutch(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = signed_in(client, registered)
    before = counts(app)
    response = client.post("/paths/roles", data={"lt": token, "role.key": "Bad Key!"})
    assert response.status_code == 400
    page = html(response)
    assert field_error(page, "f-role-name") == "Enter a name in at least one language."
    assert field_error(page, "f-role-key").startswith("Use lower-case letters, digits")
    dutch = client.post("/paths/roles", data={"lt": token, "lang": "nl", "role.key": "x"})
    assert field_error(html(dutch), "f-role-name") == "Vul een naam in, in minstens één taal."
    assert counts(app) == before


def test_a_role_key_already_used_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = signed_in(client, registered)
    _add_role(client, token, **{"role.key": "support"})
    response = client.post(
        "/paths/roles", data={"lt": token, "role.key": "support", "role.name.en": "Other"}
    )
    assert response.status_code == 400
    assert field_error(html(response), "f-role-key").startswith("This key is already used")


def test_a_key_left_blank_is_made_from_the_name(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = signed_in(client, registered)
    _add_role(client, token, **{"role.name.en": "Team lead (EMEA)"})
    tenant = tenant_id(app)
    with app.app_context():
        assert catalogue.find_role(tenant, "team-lead-emea") is not None


def test_a_designer_renames_a_role_and_a_skill(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = signed_in(client, registered)
    _add_skills(client, token, ("listening",))
    _add_role(client, token, **{"role.key": "support"})
    response = client.post(
        f"/paths/roles/{role_id(app)}",
        data={"lt": token, "role.name.en": "Service agent", "role.name.nl": "Servicemedewerker"},
    )
    assert response.status_code == 303
    assert "Service agent" in html(client.get(response.headers["Location"]))
    tenant = tenant_id(app)
    with app.app_context():
        skill = catalogue.skills(tenant)[0]
    response = client.post(
        f"/paths/skills/{skill.id}", data={"lt": token, "skill.name.en": "Active listening"}
    )
    assert response.status_code == 303
    assert "Active listening" in html(client.get(f"/paths/skills/{skill.id}?lt={token}"))
    emptied = client.post(f"/paths/skills/{skill.id}", data={"lt": token})
    assert emptied.status_code == 400
    assert field_error(html(emptied), "f-skill-name") == "Enter a name in at least one language."


def test_learners_are_refused_every_designer_page(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    path_id = saved_path(app)
    role, token = role_id(app), learner(client, registered)
    tenant = tenant_id(app)
    with app.app_context():
        skill = catalogue.skills(tenant)[0].id
    for url in (
        "/paths/",
        f"/paths/roles/{role}",
        f"/paths/roles/{role}/path",
        f"/paths/skills/{skill}",
        f"/paths/{path_id}/export.json",
        "/paths/import",
    ):
        assert client.get(url, query_string={"lt": token}).status_code == 403, url
    before = counts(app)
    for url in (
        "/paths/roles",
        "/paths/skills",
        f"/paths/roles/{role}",
        f"/paths/roles/{role}/priorities",
        f"/paths/roles/{role}/path",
        f"/paths/skills/{skill}",
        "/paths/import",
    ):
        data = {"lt": token, "role.name.en": "X", "skill.name.en": "X", "action": "save"}
        assert client.post(url, data=data).status_code == 403, url
    assert counts(app) == before


def test_another_tenants_roles_and_skills_are_not_found(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    saved_path(app, deployment_id="dep-2")
    other_role = role_id(app, deployment_id="dep-2")
    other_tenant = tenant_id(app, "dep-2")
    with app.app_context():
        other_skill = catalogue.skills(other_tenant)[0].id
    token = signed_in(client, registered)  # a designer of dep-1
    before = counts(app)
    for url in (f"/paths/roles/{other_role}", f"/paths/skills/{other_skill}"):
        assert client.get(url, query_string={"lt": token}).status_code == 404
    posts = {
        f"/paths/roles/{other_role}": {"role.name.en": "Mine now"},
        f"/paths/roles/{other_role}/priorities": {"rank.listening": "1"},
        f"/paths/skills/{other_skill}": {"skill.name.en": "Mine now"},
    }
    for url, data in posts.items():
        assert client.post(url, data={"lt": token, **data}).status_code == 404, url
    assert counts(app) == before
    page = html(client.get("/paths/", query_string={"lt": token}))
    assert "Support agent" not in page and "Listening" not in page


def test_a_change_without_the_page_token_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    signed_in(client, registered)  # the session cookie alone must not authorise a change
    before = counts(app)
    response = client.post("/paths/roles", data={"role.name.en": "Sneaky"})
    assert response.status_code == 401
    assert counts(app) == before


def test_new_priorities_or_a_new_name_reach_the_roles_path_and_its_file(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    path_id = saved_path(app)
    token = signed_in(client, registered)
    ranks = {"rank.writing": "1", "rank.listening": "2", "rank.product": "3"}
    response = client.post(f"/paths/roles/{role_id(app)}/priorities", data={"lt": token, **ranks})
    assert response.status_code == 303
    client.post(
        f"/paths/roles/{role_id(app)}",
        data={"lt": token, "role.name.en": "Service agent", "role.name.nl": "Servicemedewerker"},
    )
    exported = client.get(f"/paths/{path_id}/export.json", query_string={"lt": token}).get_json()
    assert exported["priority_skills"] == ["writing", "listening", "product"]
    assert exported["role"]["name"] == {"en": "Service agent", "nl": "Servicemedewerker"}
    assert "version 3" in html(client.get("/paths/", query_string={"lt": token}))
