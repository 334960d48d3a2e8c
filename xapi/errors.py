"""Refusals the xAPI endpoints answer with, as JSON: ``{"error": "...", "errors": [...]}``.

Only the status codes the spec lists are used (1.0.3 Communication 3.2.s3): a wrong content
type is a 400, since xAPI knows no 415.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MAX_LISTED = 100  # a garbage batch of 10,000 statements should not echo 10,000 errors


class XapiError(Exception):
    status = 400

    def __init__(self, message: str, errors: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.message}
        if self.errors:
            listed = self.errors[:MAX_LISTED]
            body["errors"] = [{"path": path, "message": message} for path, message in listed]
            if len(self.errors) > MAX_LISTED:
                body["more_errors"] = len(self.errors) - MAX_LISTED
        return body


class BadRequest(XapiError):
    status = 400


class Unauthorized(XapiError):
    status = 401


class NotFound(XapiError):
    status = 404


class MethodNotAllowed(XapiError):
    status = 405


class Conflict(XapiError):
    status = 409


class TooLarge(XapiError):
    status = 413
