"""A lean HTTP client for the benchmarks that POST: one connection per client thread, kept for as
long as the server keeps it (gunicorn's sync workers close it after every answer, Ralph's
uvicorn keeps it), ``http.client`` and nothing else between the bench and the socket.

``requests`` spends a few hundred microseconds of Python on every request (hooks, cookie jars,
adapters, header merging). That time is the client's, not the server's, yet at one client it
lands in every latency and slows every system alike, which squeezes a fast server's lead over a
slow one. This client sends the same bodies with the same xAPI headers; what the bench measures is
then the servers.
"""

from __future__ import annotations

import base64
import http.client
from types import TracebackType
from urllib.parse import urlsplit

# What a dropped keep-alive connection looks like; the POST is sent again once, on a new one.
_DROPPED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Poster:
    """POSTs bodies to one URL over one connection, opened again when the server closed it."""

    def __init__(
        self, url: str, auth: tuple[str, str], headers: dict[str, str], timeout: float = 60.0
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname is None:
            raise ValueError(f"not a plain http URL: {url}")
        self._address = (parts.hostname, parts.port or 80)
        self._path = parts.path + (f"?{parts.query}" if parts.query else "")
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        self._headers = {**headers, "Authorization": f"Basic {token}"}
        self._timeout = timeout
        self._connection: http.client.HTTPConnection | None = None

    def post(self, body: bytes) -> tuple[int, bytes]:
        """The status and body of the answer; OSError if the server cannot be reached."""
        for attempt in range(2):
            if self._connection is None:
                host, port = self._address
                self._connection = http.client.HTTPConnection(host, port, timeout=self._timeout)
            try:
                self._connection.request("POST", self._path, body, self._headers)
                response = self._connection.getresponse()
                data = response.read()
            except _DROPPED:
                self.close()
                if attempt:
                    raise
                continue
            except OSError:
                self.close()
                raise
            if response.will_close:
                self.close()
            return response.status, data
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> Poster:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
