"""The learner's own record for a review: skills progress, steps done, reflections, as data and
as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask

from lti_tool.core.db import commit_or_rollback
from lti_tool.paths.services import NotFound, export, reflections
from tests.integration.paths.engine_helpers import (
    BOOK,
    COMPLETED,
    account,
    enrol,
    new_user,
    publish,
    said,
    tenant_of,
)
from tests.integration.xapi_helpers import Lrs
from tests.support.platform import TestPlatform


def test_the_record_holds_skills_steps_done_and_reflections_and_reads_as_csv(
    app: Flask, lrs: Lrs, registered: TestPlatform
) -> None:
    tenant = tenant_of(app)
    path = publish(app, tenant)
    user, colleague = new_user(app, "ada"), new_user(app, "bea")
    enrol(app, tenant, user, path)
    lrs.post(said(account(registered.issuer, "ada"), COMPLETED, BOOK))
    with app.app_context(), commit_or_rollback():
        written = reflections.answer(tenant, user, path, "apply-1", '=HYPERLINK("x")')
        reflections.confirm(tenant, colleague, written.id)
    with app.app_context():
        record = export.learner_record(tenant, user)
    assert record["learner"] == "ada"
    assert record["path"]["key"] == "support" and record["path"]["done"] == 2
    assert [(s["key"], s["percent"]) for s in record["skills"]] == [
        ("listening", 50),
        ("product", 66),
        ("writing", 0),
    ]
    assert [(s["key"], s["completed_at"]) for s in record["steps_done"]] == [
        ("read-kb", "2026-11-25"),
        ("apply-1", written.confirmed_at.date().isoformat()),
    ]
    assert record["reflections"][0]["confirmed_by"] == "bea"
    assert record["recognition"] == []
    rows = list(csv.reader(io.StringIO(export.to_csv(record))))
    assert rows[0] == ["section", "key", "name", "value", "detail"]
    assert ["skill", "product", "Product", "66%", "2"] in rows
    reflection = next(row for row in rows if row[0] == "reflection")
    assert reflection[3] == '\'=HYPERLINK("x")'  # never a formula in a spreadsheet


def test_a_learner_on_no_path_has_an_empty_record(app: Flask, registered: TestPlatform) -> None:
    user = new_user(app, "ada")
    with app.app_context():
        record = export.learner_record(tenant_of(app), user)
    assert (record["path"], record["skills"], record["reflections"]) == (None, [], [])
    assert export.to_csv(record).splitlines() == ["section,key,name,value,detail"]


def test_nobody_of_the_tenant_has_no_record(app: Flask, registered: TestPlatform) -> None:
    with app.app_context(), pytest.raises(NotFound):
        export.learner_record(tenant_of(app), 10_000)
