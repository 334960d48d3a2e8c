"""Getting LearnLoop ready for the demo LMS: schema, signing keys, the registration an LMS
admin would otherwise make with ``learnloop register``, and the example role paths."""

from __future__ import annotations

from flask import Flask

from lti_tool.core import migrate
from lti_tool.core.db import commit_or_rollback
from lti_tool.demo.platform import CLIENT_ID, DEPLOYMENT_ID
from lti_tool.lti.keys import ensure_keys
from lti_tool.lti.models import Registration
from lti_tool.lti.registrations import RegistrationInput, register
from lti_tool.paths import examples


def registration_input(lms_url: str) -> RegistrationInput:
    return RegistrationInput(
        issuer=lms_url,
        client_id=CLIENT_ID,
        auth_login_url=lms_url + "/auth",
        auth_token_url=lms_url + "/token",
        key_set_url=lms_url + "/jwks",
        deployment_ids=(DEPLOYMENT_ID,),
    )


def register_demo_lms(lms_url: str) -> Registration:
    """Register the demo LMS with the tool (idempotent). Needs the tool's app context; flushes."""
    registration, _ = register(registration_input(lms_url))
    return registration


def install_example_paths(lms_url: str) -> None:
    """The three example role paths (EN and NL) in the demo course's tenant, their evidence
    rules naming the demo LMS's activities. Idempotent; flushes."""
    registration = register_demo_lms(lms_url)
    for deployment in registration.deployments:
        examples.install(deployment.id, lms_url=lms_url)


def prepare_tool(app: Flask, lms_url: str) -> None:
    """Migrate the database, make sure the tool has keys, register the demo LMS with the
    example role paths; commit."""
    with app.app_context():
        migrate.upgrade()
        with commit_or_rollback():
            ensure_keys()
            install_example_paths(lms_url)
