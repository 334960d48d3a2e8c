"""Deep Linking: each role path with a saved version can be placed in a course (a graded path
with a grade column of 100); a placed path's link puts the learner on it and opens their path."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from tests.integration.launch_helpers import launch
from tests.integration.paths.pages_helpers import definition, html, saved_path
from tests.integration.test_deep_linking import DL, open_picker, returned_jwt
from tests.support.platform import CLAIM, LEARNER, TestPlatform


def test_a_designer_can_place_each_path_of_their_tenant(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    path_id = saved_path(app)
    graded = saved_path(app, definition("lead", graded=True))
    other = saved_path(app, definition("elsewhere"), deployment_id="dep-2")
    page, token, dl_token = open_picker(client, registered)
    assert f'value="path:{path_id}"' in page and "Support path" in page
    assert f'value="path:{graded}"' in page
    assert f'value="path:{other}"' not in page
    response = client.post(
        "/lti/deep-linking",
        query_string={"lt": token},
        data={"dl": dl_token, "item": [f"path:{path_id}", f"path:{graded}"]},
    )
    ungraded_item, graded_item = returned_jwt(app, response)[DL + "content_items"]
    # The role enrols a learner who opens the link on that path.
    assert ungraded_item["custom"] == {"learnloop_item": f"path:{path_id}", "role": "support"}
    assert "lineItem" not in ungraded_item
    assert graded_item["lineItem"]["scoreMaximum"] == 100


def test_a_placed_path_puts_the_learner_on_it_and_opens_their_path(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    path_id = saved_path(app)
    response = launch(
        client,
        registered,
        sub="placed",
        roles=(LEARNER,),
        **{CLAIM + "custom": {"learnloop_item": f"path:{path_id}"}},
    )
    assert response.status_code == 303
    opened = client.get(response.headers["Location"])
    assert opened.status_code == 303
    assert urlsplit(opened.headers["Location"]).path == "/paths/mine"
    assert "<h1>Support path</h1>" in html(client.get(opened.headers["Location"]))
