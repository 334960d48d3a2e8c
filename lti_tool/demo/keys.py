"""The demo LMS's signing key: an RSA key pair kept in the instance folder.

Generated on first start and reused afterwards, so the tool's cached copy of the platform
JWKS (and launches already in flight) stay valid across restarts of ``learnloop demo``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from jwcrypto.jwk import JWK

from lti_tool.core.security import new_rsa_private_pem, public_jwk

KEY_FILE = "demo_lms_key.pem"


@dataclass(frozen=True)
class PlatformKey:
    private_pem: str
    public_pem: str
    kid: str

    @property
    def public_jwk(self) -> dict[str, Any]:
        return public_jwk(self.public_pem.encode(), self.kid)


def load_or_create(instance_path: str | Path) -> PlatformKey:
    path = Path(instance_path) / KEY_FILE
    if not path.exists():
        _write_new_key(path)
    return _from_pem(path.read_bytes())


def _write_new_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = new_rsa_private_pem()
    try:  # O_EXCL: a second process starting at the same moment keeps the first one's key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as file:
        file.write(pem)


def _from_pem(pem: bytes) -> PlatformKey:
    private = serialization.load_pem_private_key(pem, password=None)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # The kid is the RFC 7638 thumbprint: stable for the key, no extra state to keep.
    kid = JWK.from_pem(public_pem).thumbprint()
    return PlatformKey(private_pem=pem.decode(), public_pem=public_pem.decode(), kid=kid)
