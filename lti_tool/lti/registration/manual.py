"""A registration entered by hand (the operator console's form): the same fields and meaning as
``learnloop register``, checked so that a mistake is a clear message and stores nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from lti_tool.lti.registration.platform_http import is_http_url
from lti_tool.lti.registrations import RegistrationInput

PRODUCT_FAMILIES = ("generic", "moodle", "canvas")
URL_FIELDS = {
    "issuer": 1024,
    "auth_login_url": 2048,
    "auth_token_url": 2048,
    "jwks_url": 2048,
}
_URL_MESSAGE = _l("Enter an http or https address.")


class InvalidManualRegistration(ValueError):
    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors  # field name → what to correct (translatable)


def parse(form: Mapping[str, str]) -> RegistrationInput:
    values = {name: (form.get(name) or "").strip() for name in (*URL_FIELDS, "client_id")}
    errors: dict[str, Any] = {}
    for name, limit in URL_FIELDS.items():
        if not is_http_url(values[name]) or len(values[name]) > limit:
            errors[name] = _URL_MESSAGE
    if not 0 < len(values["client_id"]) <= 255:
        errors["client_id"] = _l("Enter the client ID your LMS gave LearnLoop.")
    deployment_ids = deployment_lines(form.get("deployment_ids") or "")
    if not deployment_ids or any(len(d) > 255 for d in deployment_ids):
        errors["deployment_ids"] = _l("Enter at least one deployment ID, one per line.")
    family = (form.get("product_family") or "generic").strip()
    if family not in PRODUCT_FAMILIES:
        errors["product_family"] = _l("Choose Moodle, Canvas or another LMS.")
    if errors:
        raise InvalidManualRegistration(errors)
    return RegistrationInput(
        issuer=values["issuer"],
        client_id=values["client_id"],
        auth_login_url=values["auth_login_url"],
        auth_token_url=values["auth_token_url"],
        key_set_url=values["jwks_url"],
        deployment_ids=deployment_ids,
        product_family=family,
    )


def deployment_lines(text: str) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
