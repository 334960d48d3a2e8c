"""What the paths services raise for input they refuse."""

from __future__ import annotations

from lti_tool.paths.definition import FieldError


class FieldErrors(ValueError):
    """Input refused, with a message per field (a 400 at the view); nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field or 'input'}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def one(cls, field: str, message: str) -> FieldErrors:
        return cls([FieldError(field, message)])


class NotFound(LookupError):
    """No such row in this tenant (another tenant's ids included): a 404 at the view."""


class NotAllowed(PermissionError):
    """A person acting on a row that is not theirs to act on: a 403 at the view."""
