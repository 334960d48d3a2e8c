"""Driving the built-in demo LMS from tests.

``demo_servers`` serves LearnLoop and the demo LMS on loopback and registers one with the
other (browser tests can point Chromium at ``course_page_url``); ``authorize`` and
``open_learnloop`` walk a launch over plain HTTP: LMS login initiation → tool ``/lti/login`` →
LMS ``/auth`` → the auto-post form → tool ``/lti/launch`` → the landing page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

import requests
from flask import Flask

from lti_tool.core.db import commit_or_rollback
from lti_tool.demo import create_demo_lms
from lti_tool.demo.tool_setup import register_demo_lms
from lti_tool.lti.keys import ensure_keys
from tests.support.servers import LoopbackServer


@dataclass(frozen=True)
class DemoServers:
    tool_url: str
    lms_url: str
    tool_app: Flask
    lms_app: Flask

    def course_page_url(
        self, person: str | None = None, *, locale: str = "en", storage: bool = False
    ) -> str:
        """The course page; with ``person`` it shows LearnLoop in an iframe, launched as them."""
        return f"{self.lms_url}/?{_choice_query(person, locale, storage)}"

    def launch_url(
        self,
        person: str,
        *,
        locale: str = "en",
        storage: bool = False,
        tool: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> str:
        """The iframe's src: the demo LMS starts the OIDC login at the tool from here.

        ``tool``: the client_id of a tool registered by Dynamic Registration (default: LearnLoop
        as registered by hand). ``extra``: ``{"deep_link": "1"}`` for a Deep Linking request,
        ``{"link": id}`` to open a link placed by Deep Linking."""
        query = _choice_query(person, locale, storage, tool, extra)
        return f"{self.lms_url}/launch?{query}"


def _choice_query(
    person: str | None,
    locale: str,
    storage: bool,
    tool: str | None = None,
    extra: dict[str, str] | None = None,
) -> str:
    query = {"as": person, "lang": locale, "storage": "1" if storage else None, "tool": tool}
    query.update(extra or {})
    return urlencode({k: v for k, v in query.items() if v})


@contextmanager
def demo_servers(app: Flask, *, lms_host: str = "127.0.0.1") -> Iterator[DemoServers]:
    """LearnLoop (``app``, already migrated) and the demo LMS on loopback, registered.

    ``lms_host="localhost"`` puts the LMS on another *site* than the tool (127.0.0.1), so a
    browser treats LearnLoop in the iframe as third-party, as it would inside a real LMS.
    """
    with LoopbackServer(app) as tool:
        app.config["BASE_URL"] = tool.url
        lms_app = create_demo_lms(tool.url, app.instance_path)
        with LoopbackServer(lms_app) as lms:
            lms_url = lms.url.replace("127.0.0.1", lms_host)
            lms_app.config["DEMO_LMS_URL"] = lms_url
            with app.app_context(), commit_or_rollback():
                ensure_keys()
                register_demo_lms(lms_url)
            yield DemoServers(tool.url, lms_url, app, lms_app)


@dataclass
class PageForm:
    action: str = ""
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    """The first form on a page with its hidden and submitted fields, and any data-auth-url."""

    def __init__(self) -> None:
        super().__init__()
        self.form: PageForm | None = None
        self.auth_url: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "data-auth-url" in values:
            self.auth_url = values["data-auth-url"]
        if tag == "form" and self.form is None:
            self.form = PageForm(action=values.get("action", ""))
        elif tag == "input" and self.form is not None and values.get("name"):
            self.form.fields[values["name"]] = values.get("value", "")


def parse_page(html: str, base_url: str) -> _FormParser:
    parser = _FormParser()
    parser.feed(html)
    if parser.form is not None:
        parser.form.action = urljoin(base_url, parser.form.action)
    return parser


def authorize(
    session: requests.Session,
    servers: DemoServers,
    person: str,
    *,
    locale: str = "en",
    storage: bool = False,
    tool: str | None = None,
    extra: dict[str, str] | None = None,
) -> PageForm:
    """Run the OIDC login up to the demo LMS's auto-post form (``id_token`` and ``state``)."""
    url = servers.launch_url(person, locale=locale, storage=storage, tool=tool, extra=extra)
    response = session.get(url)
    page = parse_page(response.text, response.url)
    if page.auth_url:  # platform storage: the tool's page would put_data, then go on (no JS here)
        response = session.get(urljoin(response.url, page.auth_url))
        page = parse_page(response.text, response.url)
    assert response.status_code == 200, response.text
    assert page.form is not None and "id_token" in page.form.fields, response.text
    return page.form


def open_learnloop(
    session: requests.Session,
    servers: DemoServers,
    person: str,
    *,
    locale: str = "en",
    storage: bool = False,
    tool: str | None = None,
    extra: dict[str, str] | None = None,
) -> requests.Response:
    """A whole launch; returns the landing page LearnLoop sends the person to."""
    form = authorize(
        session, servers, person, locale=locale, storage=storage, tool=tool, extra=extra
    )
    return session.post(form.action, data=form.fields)


class _FrameParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.src: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "iframe" and self.src is None:
            self.src = dict(attrs).get("src")


def register_by_dynamic_registration(
    session: requests.Session, servers: DemoServers, *, names_deployment: bool = True
) -> requests.Response:
    """The demo LMS's admin registers LearnLoop by LTI Dynamic Registration: its page opens
    LearnLoop's registration URL (here followed by hand, as the iframe would), the admin
    confirms, LearnLoop registers. Returns LearnLoop's last page."""
    query = {"url": servers.tool_url + "/lti/register"}
    if names_deployment:
        query["deployment"] = "1"
    admin_page = session.get(f"{servers.lms_url}/admin/tools/register", params=query)
    assert admin_page.status_code == 200, admin_page.text
    frame = _FrameParser()
    frame.feed(admin_page.text)
    assert frame.src, admin_page.text
    proposal = session.get(frame.src)
    assert proposal.status_code == 200, proposal.text
    form = parse_page(proposal.text, proposal.url).form
    assert form is not None and "proposal" in form.fields, proposal.text
    return session.post(form.action, data=form.fields)
