"""Reading an HTTP answer's body up to a limit: for answers from servers we do not control (a
platform during registration, an LRS we pull from), which must not fill a worker's memory."""

from __future__ import annotations

import requests

_CHUNK = 64 * 1024


class TooLarge(Exception):
    """The body is larger than the limit (said by its Content-Length, or found reading it)."""


def read_at_most(response: requests.Response, limit: int) -> bytes:
    """The body of a streamed answer (``stream=True``); :class:`TooLarge` beyond ``limit`` bytes,
    before reading when the answer declares its length. A broken-off answer raises what
    ``requests`` raises."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge
    content = bytearray()
    for chunk in response.iter_content(_CHUNK):
        content += chunk
        if len(content) > limit:
            raise TooLarge
    return bytes(content)
