"""Reading the paths pages' forms: each parser answers plain values or raises ``FormInvalid``
with field-level messages (in the viewer's language) for the page to show next to each field.
"""

from __future__ import annotations

from lti_tool.paths.definition import FieldError


class FormInvalid(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors
