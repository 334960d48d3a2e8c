"""A tenant without a published path: the xAPI listener's progress receiver costs no query
(a per-process answer, kept 30 s), and a path published in this process counts at once."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from lti_tool.core.db import db
from lti_tool.paths import tasks
from tests.integration.paths.engine_helpers import (
    BOOK,
    COMPLETED,
    EXPERIENCED,
    QUIZ,
    account,
    done_steps,
    enrol,
    new_user,
    publish,
    said,
    tenant_of,
)
from tests.integration.xapi_helpers import Lrs
from tests.support.platform import TestPlatform


def _path_queries(app: Flask, run: object) -> int:
    """How many statements touching paths tables ``run()`` executes."""
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "paths_" in statement:
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        run()  # type: ignore[operator]
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return len(seen)


def test_statements_of_a_tenant_without_paths_cost_no_paths_query_after_the_first(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    ada = account(registered.issuer, "ada")
    assert lrs.post([said(ada, EXPERIENCED, BOOK)]).status_code == 200
    queries = _path_queries(app, lambda: lrs.post([said(ada, EXPERIENCED, BOOK)]))
    assert queries == 0


def test_statements_skipped_before_a_path_existed_count_once_the_learner_is_enrolled(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    user = new_user(app, "ada")
    ada = account(registered.issuer, "ada")
    assert lrs.post([said(ada, EXPERIENCED, BOOK)]).status_code == 200  # no path yet: skipped
    enrol(app, tenant, user, publish(app, tenant))  # enrolling recomputes from every statement
    assert done_steps(app, tenant, user) == {"read-kb"}
    with app.app_context():
        assert tasks.has_published_paths(tenant)  # published here: known at once
    quiz = said(ada, COMPLETED, QUIZ + "attempt.php?id=3", success=True)
    assert lrs.post([quiz]).status_code == 200
    assert done_steps(app, tenant, user) == {"read-kb", "quiz"}
