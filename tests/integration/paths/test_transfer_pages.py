"""Sharing paths: the published schema, a path's JSON download (designers, own tenant), and
uploading one (validated; every problem listed by field, nothing saved)."""

from __future__ import annotations

import io
import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from lti_tool.paths import definition as definitions
from lti_tool.paths.services import path_versions
from tests.integration.paths.pages_helpers import (
    counts,
    definition,
    html,
    learner,
    role_id,
    saved_path,
    signed_in,
)
from tests.integration.xapi_helpers import tenant_id
from tests.support.platform import TestPlatform


def test_the_schema_is_published_for_anyone(client: FlaskClient) -> None:
    response = client.get("/paths/schema.json")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    assert response.get_json() == definitions.SCHEMA


def test_a_designer_downloads_a_path_valid_against_the_schema(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    path_id = saved_path(app)
    token = signed_in(client, registered)
    response = client.get(f"/paths/{path_id}/export.json", query_string={"lt": token})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="support.path.json"'
    data = response.get_json()
    assert list(Draft202012Validator(definitions.SCHEMA).iter_errors(data)) == []
    assert definitions.parse(data) == definitions.parse(definition())
    catalogue = html(client.get("/paths/", query_string={"lt": token}))
    assert f"/paths/{path_id}/export.json" in catalogue


def _upload(client: FlaskClient, token: str, content: bytes, name: str = "path.json") -> Any:
    return client.post(
        "/paths/import",
        data={"lt": token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_an_exported_path_imports_into_another_organisation(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    path_id = saved_path(app, deployment_id="dep-2")
    other = app.test_client()
    exported = other.get(
        f"/paths/{path_id}/export.json",
        query_string={"lt": signed_in(other, registered, deployment_id="dep-2")},
    ).data
    token = signed_in(client, registered)
    assert "Import a path" in html(client.get("/paths/import", query_string={"lt": token}))
    response = _upload(client, token, exported)
    assert response.status_code == 303, html(response)
    assert f"/paths/roles/{role_id(app)}/path" in response.headers["Location"]
    tenant = tenant_id(app)
    with app.app_context():
        (listing,) = path_versions.paths(tenant)
        assert path_versions.current(tenant, listing.id) == definitions.parse(definition())


def test_an_invalid_file_is_refused_with_every_problem_listed_by_field(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    data = definition(priority_skills=["listening", "product", "writing", "a", "b", "c"])
    data["stages"][0]["steps"][0]["depends_on"] = ["quiz"]
    data["stages"][0]["steps"][0]["evidence"]["activity"] = "not an iri"
    token = signed_in(client, registered)
    before = counts(app)
    response = _upload(client, token, json.dumps(data).encode())
    assert response.status_code == 400
    page = html(response)
    assert "The file was not imported: 6 problems" in page
    assert "<code>stages[0].steps[0].depends_on[0]</code>" in page
    assert "A step cannot depend on itself." in page
    assert "<code>priority_skills</code>" in page
    assert "A role has at most 5 priority skills (6 given)" in page
    assert "<code>stages[0].steps[0].evidence.activity</code>" in page
    assert counts(app) == before


def test_a_file_that_breaks_the_schema_names_the_field(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    data = definition()
    del data["stages"][0]["steps"][0]["title"]
    data["stages"][0]["steps"][0]["minutes"] = 0
    token = signed_in(client, registered, locale="nl")
    page = html(_upload(client, token, json.dumps(data).encode()))
    assert "<code>stages[0].steps[0].title</code></td><td>Vul dit in." in page
    assert "<code>stages[0].steps[0].minutes</code></td><td>Vul 1 of meer in." in page


def test_a_file_that_is_not_json_or_missing_is_refused(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = signed_in(client, registered)
    response = _upload(client, token, b"\xff{not json")
    assert response.status_code == 400
    assert "This file is not JSON" in html(response)
    missing = client.post("/paths/import", data={"lt": token})
    assert missing.status_code == 400
    assert "Choose a path file (.json) to upload." in html(missing)


def test_another_tenants_path_cannot_be_downloaded(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    path_id = saved_path(app, deployment_id="dep-2")
    token = signed_in(client, registered)
    assert (
        client.get(f"/paths/{path_id}/export.json", query_string={"lt": token}).status_code == 404
    )


def test_learners_cannot_download_or_upload_paths(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    path_id = saved_path(app)
    token = learner(client, registered)
    assert (
        client.get(f"/paths/{path_id}/export.json", query_string={"lt": token}).status_code == 403
    )
    before = counts(app)
    assert _upload(client, token, json.dumps(definition("other")).encode()).status_code == 403
    assert counts(app) == before


def test_a_designer_adds_the_example_paths_once(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    token = signed_in(client, registered)
    response = client.post("/paths/examples", data={"lt": token})
    assert response.status_code == 303
    page = html(client.get(response.headers["Location"]))
    assert "3 example paths were added." in page
    assert "Customer support agent" in page and "Team lead" in page
    again = client.post("/paths/examples", data={"lt": token})
    assert "0 example paths were added." in html(client.get(again.headers["Location"]))
    assert (
        client.post(
            "/paths/examples", data={"lt": learner(app.test_client(), registered)}
        ).status_code
        == 403
    )
