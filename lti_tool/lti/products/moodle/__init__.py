"""Moodle 4.x/5.x (also 3.10+): what it does differently (notes/lti-advantage.md §3, §7).

- Dynamic Registration: names and e-mail are sent **only** when the registration's ``claims``
  list them (``registration_to_config``); only the ``LtiDeepLinkingRequest`` message is read
  (it turns on "content selection"); the response carries the ``deployment_id`` (the tool type
  id); the new tool is *pending* until an administrator activates it.
- Moodle 3.10's configuration lacks ``authorization_endpoint``: it is always ``/mod/lti/auth.php``.
- The manual path: the values for "Configure a tool manually" (:mod:`.manual`).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from lti_tool.lti.products.base import Product


class MoodleProduct(Product):
    family = "moodle"
    label = "Moodle"

    def default_authorization_endpoint(self, issuer: str) -> str | None:
        return issuer.rstrip("/") + "/mod/lti/auth.php"

    def after_registration(self, learns_deployments: bool) -> list[Any]:
        return [
            _l(
                "Moodle keeps the new tool pending: in Site administration → Plugins → Activity "
                "modules → External tool → Manage tools, activate LearnLoop."
            ),
            *super().after_registration(learns_deployments),
        ]
