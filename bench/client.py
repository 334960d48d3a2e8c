"""The benchmark's platform side: a signing key, its JWKS on loopback, and one round trip.

A *round trip* is what a browser does between the LMS and a tool when a person clicks the
link: POST the OIDC third-party initiated login to the tool, read state and nonce from the
tool's redirect to the platform, get an id_token signed with that nonce (here: sign it
ourselves, as the platform would), and POST id_token + state to the tool's launch URL with
the cookies the login set. The tool's answer to the launch (a redirect) ends the round trip;
it is not followed.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
USERS = 500  # distinct people; launches cycle through them, as a class does during a day
COURSES = 20


def new_private_pem(bits: int = 2048) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@dataclass(frozen=True)
class Platform:
    """The bench LMS: one registration (issuer, client_id, deployment) and its signing key."""

    issuer: str
    client_id: str
    deployment_id: str
    kid: str
    private_pem: str

    @property
    def jwks(self) -> dict[str, Any]:
        public = JWK.from_pem(self.private_pem.encode()).export_public(as_dict=True)
        public.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return {"keys": [public]}

    def login_params(self, target: Target, person: int) -> dict[str, str]:
        return {
            "iss": self.issuer,
            "client_id": self.client_id,
            "login_hint": f"bench-user-{person}",
            "target_link_uri": target.launch_url,
            "lti_message_hint": "bench-link",
            "lti_deployment_id": self.deployment_id,
        }

    def id_token(self, target: Target, person: int, nonce: str) -> str:
        now = int(time.time())
        course = person % COURSES
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": f"bench-user-{person}",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": f"Bench User {person}",
            "given_name": "Bench",
            "family_name": f"User {person}",
            "email": f"bench-user-{person}@example.edu",
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": self.deployment_id,
            CLAIM + "target_link_uri": target.launch_url,
            CLAIM + "resource_link": {"id": "bench-link", "title": "LearnLoop"},
            CLAIM + "roles": [INSTRUCTOR if person % 25 == 0 else LEARNER],
            CLAIM + "context": {
                "id": f"bench-course-{course}",
                "label": f"BENCH{course}",
                "title": f"Bench course {course}",
            },
            CLAIM + "tool_platform": {"product_family_code": "moodle", "guid": "bench-lms"},
        }
        key = _loaded_key(self.private_pem)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})


@functools.cache
def _loaded_key(pem: str) -> rsa.RSAPrivateKey:
    # Loading a PEM checks the RSA key (~50 ms with cryptography ≥ 42): once per process, not
    # per launch, or the client's signing would dwarf the tools' own time.
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@dataclass(frozen=True)
class Target:
    name: str
    base_url: str

    @property
    def login_url(self) -> str:
        return self.base_url + "/lti/login"

    @property
    def launch_url(self) -> str:
        return self.base_url + "/lti/launch"


@dataclass(frozen=True)
class Sample:
    """One round trip, client-side wall times in seconds; ``error`` is empty when it worked."""

    total: float
    login: float
    launch: float
    error: str = ""


def round_trip(platform: Platform, target: Target, person: int) -> Sample:
    # A fresh Session per round trip: each click is a browser with only its own cookies.
    with requests.Session() as browser:
        started = time.perf_counter()
        login = browser.post(
            target.login_url,
            data=platform.login_params(target, person),
            allow_redirects=False,
            timeout=30,
        )
        logged_in = time.perf_counter()
        if login.status_code != 302:
            return _failed(started, logged_in, f"login {login.status_code}: {login.text[:200]}")
        query = parse_qs(urlsplit(login.headers["Location"]).query)
        state, nonce = query["state"][0], query["nonce"][0]
        token = platform.id_token(target, person, nonce)
        signed = time.perf_counter()
        launch = browser.post(
            target.launch_url,
            data={"id_token": token, "state": state},
            allow_redirects=False,
            timeout=30,
        )
        done = time.perf_counter()
    if launch.status_code not in (302, 303):
        return _failed(started, logged_in, f"launch {launch.status_code}: {launch.text[:200]}")
    return Sample(total=done - started, login=logged_in - started, launch=done - signed)


def _failed(started: float, logged_in: float, error: str) -> Sample:
    return Sample(time.perf_counter() - started, logged_in - started, 0.0, error)


@dataclass(frozen=True)
class Job:
    """One virtual user's share of a phase: ``count`` round trips, starting at ``start_at``."""

    platform: Platform
    target: Target
    first_person: int
    count: int
    start_at: float  # time.time(): all virtual users start together
    stop_at: float  # time.time(): the bench stops by itself, finished or not


def run_job(job: Job) -> tuple[float, float, list[Sample]]:
    """Run in a worker process; returns (started, finished) wall-clock times and the samples."""
    time.sleep(max(0.0, job.start_at - time.time()))
    started = time.time()
    samples: list[Sample] = []
    for i in range(job.count):
        if time.time() >= job.stop_at:
            break
        samples.append(round_trip(job.platform, job.target, (job.first_person + i) % USERS))
    return started, time.time(), samples


class JwksServer:
    """The platform's public keyset on loopback; a tool without a JWKS cache calls it per launch."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        body = json.dumps(jwks).encode()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/jwks"

    def __enter__(self) -> JwksServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
