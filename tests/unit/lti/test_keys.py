from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select

from lti_tool.core.db import commit_or_rollback, db, utcnow
from lti_tool.lti import keys
from lti_tool.lti.models import ToolKey


def test_jwks_publishes_an_active_and_a_next_key_after_first_start(app: Flask) -> None:
    with app.app_context(), commit_or_rollback():
        keys.ensure_keys()
        published = keys.jwks()["keys"]
    assert len(published) == 2
    assert all(k["kty"] == "RSA" and k["alg"] == "RS256" and k["use"] == "sig" for k in published)
    assert all("d" not in k for k in published), "private parts must never be published"


def test_rotation_promotes_next_and_keeps_the_retired_key_published(app: Flask) -> None:
    with app.app_context(), commit_or_rollback():
        keys.ensure_keys()
        before = {k["kid"] for k in keys.jwks()["keys"]}
        result = keys.rotate()
        after = {k["kid"] for k in keys.jwks()["keys"]}
        assert keys.signing_key().kid == result["active"]
    assert result["active"] in before and result["retired"] in before
    assert after == before | {result["next"]}


def test_keys_retired_more_than_seven_days_ago_leave_the_jwks(app: Flask) -> None:
    with app.app_context(), commit_or_rollback():
        keys.ensure_keys()
        retired = keys.rotate()["retired"]
        key = db.session.scalars(select(ToolKey).where(ToolKey.kid == retired)).one()
        key.retired_at = utcnow() - dt.timedelta(days=8)
        db.session.flush()
        assert retired not in {k["kid"] for k in keys.jwks()["keys"]}


def test_private_keys_are_encrypted_at_rest(app: Flask) -> None:
    with app.app_context(), commit_or_rollback():
        keys.ensure_keys()
        stored = db.session.scalars(select(ToolKey)).all()
        pem = keys.signing_key().private_pem
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert all("PRIVATE KEY" not in k.private_key_encrypted for k in stored)
