"""A genuine launch lands the person on the page for their role."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.integration.launch_helpers import launch
from tests.support.platform import ADMIN, INSTRUCTOR, LEARNER, TestPlatform


def test_a_learner_launch_lands_on_my_learning(
    client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, roles=(LEARNER,))
    assert response.status_code == 303
    page = client.get(response.headers["Location"], follow_redirects=True)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "My learning" in html and "Ada Lovelace" in html and "Onboarding" in html


def test_an_instructor_launch_lands_on_course_setup(
    client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, roles=(INSTRUCTOR,))
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert "<h1>Course setup</h1>" in page.get_data(as_text=True)


def test_an_administrator_launch_lands_on_settings(
    client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, roles=(ADMIN,))
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert "<h1>Settings</h1>" in page.get_data(as_text=True)
