"""Serving a WSGI app on loopback in a background thread (real HTTP, a free port)."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from werkzeug.serving import make_server


class LoopbackServer:
    def __init__(self, wsgi_app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = make_server(host, port, wsgi_app, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
