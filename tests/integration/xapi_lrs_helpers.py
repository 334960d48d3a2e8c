"""An LRS played by ``responses`` for the connector and emitter tests, and LRS connections."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
import responses
from flask import Flask

from lti_tool.core.db import commit_or_rollback, db
from tests.integration.xapi_helpers import statement, tenant_id
from xapi import connections
from xapi.models import LrsConnection

ENDPOINT = "https://lrs.example.org/xapi/"
STATEMENTS = ENDPOINT + "statements"
NO_SLEEP: Any = lambda seconds: None  # noqa: E731  # a Backoff that never waits


def add_connection(
    app: Flask,
    deployment_id: str = "dep-1",
    *,
    endpoint: str = ENDPOINT,
    pull: bool = True,
    send: bool = False,
    version: str = "1.0.3",
    key: str = "lrs-key",
    secret: str = "lrs-secret",
) -> int:
    tenant = tenant_id(app, deployment_id)
    data = connections.ConnectionInput(endpoint, key, secret, version, "LRS", pull, send)
    with app.app_context(), commit_or_rollback():
        return connections.create(tenant, data).id


def connection(app: Flask, connection_id: int) -> LrsConnection:
    with app.app_context():
        found = db.session.get(LrsConnection, connection_id)
        assert found is not None
        return found


class FakeLrs:
    """Statements with ``stored`` times, served as pages: ``since``, ``limit``, ``ascending``
    (unless ``ignores_ascending``: newest first, whatever is asked), ``more`` links; as JSON
    whatever ``attachments`` asks (or a 400 to ``attachments=true`` if ``refuses_attachments``).
    """

    def __init__(
        self,
        mock: responses.RequestsMock,
        *,
        page_size: int = 2,
        ignores_ascending: bool = False,
        consistent_through: str | None = None,
        refuses_attachments: bool = False,
    ) -> None:
        self.statements: list[dict[str, Any]] = []
        self.refuses_attachments = refuses_attachments
        self.page_size = page_size
        self.ignores_ascending = ignores_ascending
        self.consistent_through = consistent_through
        self.failing: Exception | int | None = None  # what every GET gets instead, when set
        self.before_answer: Callable[[dict[str, str]], None] | None = None  # sees each query
        self.queries: list[dict[str, str]] = []
        self.walks = 0  # queries without a more link: each starts a walk its links name
        self.oldest_known_walk = 1
        self._clock = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        mock.add_callback(responses.GET, re.compile(re.escape(STATEMENTS) + r".*"), self._get)

    def add(self, count: int, **properties: Any) -> list[dict[str, Any]]:
        added = []
        for _ in range(count):
            self._clock += dt.timedelta(milliseconds=1500)
            stored = self._clock.isoformat().replace("+00:00", "Z")
            authority = {"objectType": "Agent", "mbox": "mailto:lrs@example.org"}
            added.append(statement(stored=stored, authority=authority, **properties))
        self.statements += added
        return added

    def _get(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.url or "").query).items()}
        self.queries.append(query)
        if self.before_answer:
            self.before_answer(query)
        if isinstance(self.failing, Exception):
            raise self.failing
        if isinstance(self.failing, int):
            return self.failing, {}, "{}"
        if self.refuses_attachments and query.get("attachments") == "true":
            return 400, {}, json.dumps({"error": "unknown parameter: attachments"})
        if "offset" not in query:
            self.walks += 1
        walk = int(query.get("walk", self.walks))
        if walk < self.oldest_known_walk:
            return 404, {}, json.dumps({"error": "unknown more link"})
        chosen = self._chosen(query)
        start = int(query.get("offset", "0"))
        limit = int(query.get("limit", str(self.page_size)))
        page = chosen[start : start + limit]
        more = ""
        if start + limit < len(chosen):
            more = "/xapi/statements?" + urlencode({**query, "offset": start + limit, "walk": walk})
        headers = {"X-Experience-API-Version": "1.0.3"}
        if self.consistent_through:
            headers["X-Experience-API-Consistent-Through"] = self.consistent_through
        return 200, headers, json.dumps({"statements": page, "more": more})

    def forget_links(self) -> None:
        """From now on, the more links given so far answer 404."""
        self.oldest_known_walk = self.walks + 1

    def _chosen(self, query: dict[str, str]) -> list[dict[str, Any]]:
        since = query.get("since")
        chosen = [
            s for s in self.statements if since is None or _instant(s["stored"]) > _instant(since)
        ]
        chosen.sort(key=lambda s: s["stored"])
        if self.ignores_ascending or query.get("ascending") != "true":
            chosen.reverse()
        return chosen


def _instant(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def new_id() -> str:
    return str(uuid.uuid4())
