"""The instructor's roster and grades pages inside the demo LMS's iframe, in real Chromium:
no serious axe (WCAG 2.1 AA) violations, in English and Dutch, with their tables filled."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from lti_tool.core.db import commit_or_rollback, utcnow
from lti_tool.lti.models import Membership
from lti_tool.lti.services.models import AgsEndpoint, ScoreDelivery
from tests.browser.conftest import serious_violations
from tests.support.demo import demo_servers

pytestmark = pytest.mark.browser


def _waiting_grade(app: Flask) -> None:
    """A grade the LMS refused, for the instructor's own course (the demo LMS offers no AGS)."""
    with app.app_context(), commit_or_rollback() as session:
        membership = session.scalars(select(Membership)).first()
        assert membership is not None
        endpoint = AgsEndpoint(
            tenant_id=membership.tenant_id,
            context_id=membership.context_id,
            resource_link_id="demo-link",
            title="Onboarding path",
            lineitems_url="http://127.0.0.1:9/lineitems",
            scopes_json="[]",
            fingerprint="demo",
        )
        session.add(endpoint)
        session.flush()
        session.add(
            ScoreDelivery(
                tenant_id=membership.tenant_id,
                endpoint_id=endpoint.id,
                user_id=membership.user_id,
                score_given=4,
                score_maximum=5,
                activity_progress="Completed",
                grading_progress="FullyGraded",
                timestamp=utcnow(),
                next_attempt_at=utcnow(),
                attempts=2,
                last_error="POST http://127.0.0.1:9/lineitems/1/scores: the platform answered 503",
            )
        )


@pytest.mark.parametrize(
    ("lang", "roster", "grades"),
    [("en", "Roster", "Grades sent to the LMS"), ("nl", "Deelnemerslijst", "Cijfers naar de LMS")],
)
def test_the_roster_and_grades_pages_are_accessible_inside_the_lms_iframe(
    app: Flask, page: Any, lang: str, roster: str, grades: str
) -> None:
    with demo_servers(app) as servers:
        page.goto(servers.lms_url + "/")
        page.get_by_label("Language sent to LearnLoop").select_option(lang)
        page.get_by_role("button", name="Open LearnLoop as Ivo Jansen (instructor)").click()
        page.frame_locator("iframe[title^='LearnLoop']").locator("h1").wait_for(timeout=10_000)
        frame = next(f for f in page.frames if f != page.main_frame and "/lti/" not in f.url)
        token = parse_qs(urlsplit(frame.url).query)["lt"][0]
        _waiting_grade(app)
        frame.goto(f"{servers.tool_url}/course/roster?lt={token}")
        assert frame.locator("h1").inner_text() == roster
        assert serious_violations(frame) == []
        frame.get_by_role("link", name=grades).click()
        frame.locator("h1", has_text=grades).wait_for(timeout=10_000)
        assert frame.locator("table caption").count() == 1
        assert serious_violations(frame) == []
