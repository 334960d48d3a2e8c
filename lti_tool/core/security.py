"""Security helpers: encryption at rest and signed, short-lived tokens.

Private keys and LRS credentials are encrypted with a key derived from ``SECRET_KEY``
(HKDF-SHA256 → Fernet, i.e. AES-128-CBC + HMAC-SHA256).
"""

from __future__ import annotations

import base64
import functools
import secrets
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, Response, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from jwcrypto.jwk import JWK


def _fernet(secret_key: str, purpose: bytes) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(plaintext: bytes, purpose: str) -> str:
    return _fernet(current_app.config["SECRET_KEY"], purpose.encode()).encrypt(plaintext).decode()


def decrypt(ciphertext: str, purpose: str) -> bytes:
    try:
        return _fernet(current_app.config["SECRET_KEY"], purpose.encode()).decrypt(
            ciphertext.encode()
        )
    except InvalidToken as exc:
        raise ValueError(
            f"cannot decrypt {purpose}: was LEARNLOOP_SECRET_KEY changed since it was stored?"
        ) from exc


def random_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


class TokenError(Exception):
    """A signed token was missing, forged or expired."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"], salt)


@functools.lru_cache(maxsize=64)
def _serializer_for(secret: str, salt: str) -> URLSafeTimedSerializer:
    # Built once per secret and salt: a launch signs and checks four tokens.
    return URLSafeTimedSerializer(secret, salt=salt)


def sign(payload: Any, salt: str) -> str:
    return _serializer(salt).dumps(payload)


def unsign(token: str, salt: str, max_age: int) -> Any:
    try:
        return _serializer(salt).loads(token, max_age=max_age)
    except BadSignature as exc:  # SignatureExpired is a BadSignature
        raise TokenError(str(exc)) from exc


def add_security_headers(response: Response) -> Response:
    # Page tokens travel in our URLs: never leak them to other sites through the Referer.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def new_rsa_private_pem() -> bytes:
    """A fresh 2048-bit RSA private key, PKCS#8 PEM (for RS256 signing)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_jwk(pem: bytes, kid: str) -> dict[str, Any]:
    """The public half of a PEM key (private or public) as a JWK for a JWKS, RS256 signing."""
    jwk = JWK.from_pem(pem).export_public(as_dict=True)
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return jwk
