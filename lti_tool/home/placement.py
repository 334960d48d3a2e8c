"""What the home domain lets a designer place in a course: the "My learning" page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext

from lti_tool.core import signals
from lti_tool.core.placement import Placeable


@signals.placeables_wanted.connect
def _offer_home(_tenant_id: int, **_: Any) -> Iterable[Placeable]:
    return [
        Placeable(
            key="home",
            kind="home",
            title=gettext("LearnLoop: my learning"),
            text=gettext("Each person's own page: their path, what to do next and recognition."),
            endpoint="home.landing",
        )
    ]
