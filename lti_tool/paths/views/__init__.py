"""The role paths pages: the designers' catalogue and path editor, import and export, and the
learner's path with reflections, protected learning time and their record for reviews.

Every change is a POST carrying the page token (``lt``), as on the Settings page (CSRF).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("paths", __name__, url_prefix="/paths", template_folder="../templates")

from lti_tool.paths import placement as _placement  # noqa: E402, F401  # offers each path
from lti_tool.paths.views import (  # noqa: E402, F401  # each module adds its routes to bp
    catalogue,
    common,
    confirmation,
    editor,
    learner,
    review,
    transfer,
)
