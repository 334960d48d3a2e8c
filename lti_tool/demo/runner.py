"""``learnloop demo``: LearnLoop and the demo LMS, served on loopback in one process.

LearnLoop runs on its embedded default (SQLite in the instance folder unless
LEARNLOOP_DATABASE_URL is set; jobs in-process, no Redis). Each app gets a threaded werkzeug
server; the sockets are bound first, so ``--port 0`` works and the printed URLs are real.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import click
from flask import Flask
from sqlalchemy.engine import make_url
from werkzeug.serving import BaseWSGIServer, make_server

from lti_tool import create_app
from lti_tool.demo import create_demo_lms
from lti_tool.demo.platform import CLIENT_ID, DEPLOYMENT_ID
from lti_tool.demo.tool_setup import prepare_tool

Echo = Callable[[str], Any]


def url_for_host(host: str, port: int) -> str:
    """The URL a browser on this machine uses; a wildcard address is reached via loopback."""
    shown = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104  # mapping a wildcard away, not binding to it
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def _bind(host: str, port: int, app: Flask, option: str) -> BaseWSGIServer:
    try:
        return make_server(host, port, app, threaded=True)
    except SystemExit as exc:  # werkzeug has printed why (e.g. port in use) and exits
        raise click.ClickException(
            f"the demo cannot listen on {host}:{port}; choose another port with {option}"
        ) from exc


def run(
    host: str = "127.0.0.1", port: int = 5000, lms_port: int = 5001, echo: Echo = click.echo
) -> None:
    """Serve both apps until Ctrl-C (or SIGTERM)."""
    tool_app = create_app({"BASE_URL": url_for_host(host, port), "REDIS_URL": None})
    with ExitStack() as stack:
        tool_server = _bind(host, port, tool_app, "--port")
        stack.callback(tool_server.server_close)
        tool_app.config["BASE_URL"] = tool_url = url_for_host(host, tool_server.server_port)
        lms_app = create_demo_lms(tool_url, tool_app.instance_path)
        lms_server = _bind(host, lms_port, lms_app, "--lms-port")
        stack.callback(lms_server.server_close)
        lms_app.config["DEMO_LMS_URL"] = lms_url = url_for_host(host, lms_server.server_port)
        prepare_tool(tool_app, lms_url)
        for server in (tool_server, lms_server):
            _serve_in_thread(server, stack)
        _announce(echo, lms_url, tool_url, tool_app.config["DATABASE_URL"])
        _wait_for_stop()
    echo("LearnLoop demo stopped.")


def _serve_in_thread(server: BaseWSGIServer, stack: ExitStack) -> None:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stack.callback(thread.join, 5)
    stack.callback(server.shutdown)


def _announce(echo: Echo, lms_url: str, tool_url: str, database_url: str) -> None:
    # A checker takes the first http URL printed here and opens it: the demo LMS comes first.
    echo(f"LearnLoop demo LMS: open {lms_url}/ in your browser")
    echo(f"LearnLoop runs at {tool_url}, registered with the demo LMS as")
    echo(f"  issuer {lms_url}, client_id {CLIENT_ID}, deployment_id {DEPLOYMENT_ID}")
    echo(f"Try LTI Dynamic Registration from the demo LMS's {lms_url}/admin/tools page")
    echo(f"Database: {make_url(database_url).render_as_string(hide_password=True)}")
    echo("Press Ctrl-C to stop.")


def _wait_for_stop() -> None:
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
