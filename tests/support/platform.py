"""A minimal platform for negative tests: it signs whatever id_token a test asks for.

The happy paths are driven by the real ``lti1p3platform`` demo LMS; this one exists so a test
can forge, tamper and replay launches by hand (LTI Core 1.3 §5.1.3 negative cases).
"""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from flask import Flask, jsonify

from lti_tool.core.db import commit_or_rollback
from lti_tool.core.security import new_rsa_private_pem, public_jwk
from lti_tool.lti.registrations import RegistrationInput, register

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator"


def new_rsa_key(kid: str = "platform-key-1") -> tuple[str, dict[str, Any]]:
    pem = new_rsa_private_pem()
    return pem.decode(), public_jwk(pem, kid)


class TestPlatform:
    __test__ = False  # not a test class

    def __init__(
        self, issuer: str = "https://lms.example.edu", client_id: str = "client-1"
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.kid = "platform-key-1"
        self.private_pem, public = new_rsa_key(self.kid)
        self.public_jwks = {"keys": [public]}
        self.base_url = ""
        self.wsgi_app = self._make_app()

    def _make_app(self) -> Flask:
        app = Flask("test-platform")
        app.add_url_rule("/jwks", "jwks", lambda: jsonify(self.public_jwks))
        return app

    @property
    def jwks_url(self) -> str:
        return self.base_url + "/jwks"

    def register_with(self, app: Flask, deployment_ids: tuple[str, ...] = ("dep-1",)) -> None:
        with app.app_context(), commit_or_rollback():
            register(
                RegistrationInput(
                    issuer=self.issuer,
                    client_id=self.client_id,
                    auth_login_url=self.issuer + "/auth",
                    auth_token_url=self.issuer + "/token",
                    key_set_url=self.jwks_url,
                    deployment_ids=deployment_ids,
                )
            )

    def claims(
        self,
        nonce: str,
        target_link_uri: str = "http://127.0.0.1:5000/lti/launch",
        *,
        sub: str = "user-1",
        roles: tuple[str, ...] = (LEARNER,),
        deployment_id: str = "dep-1",
        context_id: str = "course-1",
        **overrides: Any,
    ) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": "Ada Lovelace",
            "given_name": "Ada",
            "family_name": "Lovelace",
            "email": "ada@example.edu",
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": deployment_id,
            CLAIM + "target_link_uri": target_link_uri,
            CLAIM + "resource_link": {"id": "link-1", "title": "LearnLoop"},
            CLAIM + "roles": list(roles),
            CLAIM + "context": {"id": context_id, "label": "ONB101", "title": "Onboarding"},
            CLAIM + "tool_platform": {"product_family_code": "moodle", "guid": "lms.example.edu"},
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(
        self,
        claims: dict[str, Any],
        *,
        kid: str | None = None,
        key_pem: str | None = None,
        alg: str = "RS256",
    ) -> str:
        headers = {"kid": kid or self.kid}
        return jwt.encode(claims, key_pem or self.private_pem, algorithm=alg, headers=headers)

    def login_params(self, **overrides: str) -> dict[str, str]:
        params = {
            "iss": self.issuer,
            "client_id": self.client_id,
            "login_hint": "user-1",
            "target_link_uri": "http://127.0.0.1:5000/lti/launch",
            "lti_message_hint": "link-1",
            "lti_deployment_id": "dep-1",
        }
        params.update(overrides)
        return {k: v for k, v in params.items() if v}


def auth_request(location: str) -> dict[str, str]:
    """The query of the tool's redirect to the platform's OIDC auth endpoint."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def new_nonce() -> str:
    return uuid.uuid4().hex
