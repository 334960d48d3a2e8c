"""Validating an LTI 1.3 id_token launch: pylti1p3next's ``MessageLaunch``, with the checks it
gets wrong put right (LTI Core 1.3 §5.1.3 / 1EdTech Security Framework 1.0 §5.1.3):

- clock skew: ``iat``/``nbf`` up to LTI_CLOCK_LEEWAY seconds in the future are accepted; ``exp``
  in the past is not (the library decodes without leeway and so refuses a 2 s skew);
- ``aud`` as a list requires ``azp``, and ``azp`` must be our client_id (§5.1.3 steps 3–5; the
  library takes ``aud[0]`` and never looks at ``azp``);
- ``target_link_uri`` must point at our own BASE_URL and equal the one from the login;
- the nonce is ours (the one in the signed state posted with the token, for this registration)
  and single use, recorded atomically in the database (§5.1.3 step 9 — the library only checks
  that the nonce is in the session, so a replay passes); see :mod:`.oidc_state`;
- the state must match the browser (cookie, or LTI platform storage — decided by the caller).

Everything else (registration and deployment lookup, key selection, message type validators:
sub, roles, version, resource_link.id, deep linking settings) is the library's.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import jwt
import requests
from flask import current_app
from pylti1p3.deployment import Deployment as LibDeployment
from pylti1p3.exception import LtiException
from pylti1p3.message_launch import MessageLaunch
from pylti1p3.registration import Registration as LibRegistration
from pylti1p3.request import Request as LibRequest
from pylti1p3.session import SessionService
from pylti1p3.tool_config import ToolConfAbstract

from lti_tool.lti import oidc_state, registrations
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.registrations import DeploymentInfo, RegistrationInfo

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
ALLOWED_ALGORITHMS = {"RS256", "RS384", "RS512"}  # Security Framework §6.1: RSA; never none/HS*
_KEYSET_TTL = 300.0
_KEYSET_MIN_REFETCH = 10.0


class _Params(LibRequest):
    """The request as pylti1p3 sees it: posted parameters only (cookies are ours to check)."""

    def __init__(self, params: dict[str, str]) -> None:
        self._params = params

    @property
    def session(self) -> dict[str, Any]:
        return {}

    def get_param(self, key: str) -> str | None:  # type: ignore[override]
        return self._params.get(key)

    def get_cookie(self, key: str) -> str | None:
        return None

    def is_secure(self) -> bool:
        return False


class DatabaseToolConf(ToolConfAbstract[_Params]):
    """Registrations and deployments from our database. Every issuer may have many clients."""

    def __init__(self) -> None:
        self.models: dict[tuple[str, str], RegistrationInfo] = {}
        self.deployments: dict[tuple[str, str, str], DeploymentInfo] = {}

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> LibRegistration:
        raise NotImplementedError("registrations are always found by (issuer, client_id)")

    def find_deployment(self, iss: str, deployment_id: str) -> LibDeployment | None:
        raise NotImplementedError("deployments are always found by (issuer, client_id)")

    def find_registration_by_params(
        self, iss: str, client_id: str, *args: Any, **kwargs: Any
    ) -> LibRegistration | None:
        # At launch the library passes the (not yet verified) body: fetch the deployment it
        # names in the same query, for validate_deployment to check later.
        deployment_id = (kwargs.get("jwt_body") or {}).get(CLAIM + "deployment_id")
        if client_id and isinstance(deployment_id, str):
            model, deployment = registrations.cached_with_deployment(iss, client_id, deployment_id)
            if deployment is not None:
                self.deployments[(iss, client_id, deployment_id)] = deployment
        else:
            model = registrations.cached_registration(iss, client_id)
        if model is None:
            return None
        self.models[(iss, model.client_id)] = model
        return (
            LibRegistration()
            .set_issuer(model.issuer)
            .set_client_id(model.client_id)
            .set_key_set_url(model.key_set_url)
            .set_auth_login_url(model.auth_login_url)
            .set_auth_token_url(model.auth_token_url)
        )

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> LibDeployment | None:
        deployment = self.deployments.get((iss, client_id, deployment_id))
        if deployment is None:
            deployment = registrations.cached_with_deployment(iss, client_id, deployment_id)[1]
        if deployment is None and (model := self.models.get((iss, client_id))):
            deployment = registrations.learn_deployment(model, deployment_id)  # DR, e.g. Canvas
        if deployment is None:
            return None
        self.deployments[(iss, client_id, deployment_id)] = deployment
        return LibDeployment().set_deployment_id(deployment_id)


class _KeySetCache:
    """Platform JWKS per URL, shared by the threads of one process; refetched on an unknown kid."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sets: dict[str, tuple[float, dict[str, Any]]] = {}

    def get(self, url: str, *, refresh: bool = False) -> dict[str, Any]:
        now = time.monotonic()
        with self._lock:
            cached = self._sets.get(url)
        if (
            cached
            and (now - cached[0] < _KEYSET_TTL)
            and not (refresh and now - cached[0] > _KEYSET_MIN_REFETCH)
        ):
            return cached[1]
        try:
            response = requests.get(url, timeout=5)
            response.raise_for_status()
            key_set = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise LaunchError(
                "invalid_token", f"cannot fetch platform keys from {url}: {exc}"
            ) from exc
        if not isinstance(key_set, dict) or not isinstance(key_set.get("keys"), list):
            raise LaunchError("invalid_token", f"platform keys at {url} are not a JWKS")
        with self._lock:
            self._sets[url] = (now, key_set)
        return key_set

    def clear(self) -> None:
        with self._lock:
            self._sets.clear()


key_sets = _KeySetCache()


def _same_or_below(url: str, base: str) -> bool:
    target, ours = urlsplit(url), urlsplit(base)
    if (target.scheme, target.netloc.lower()) != (ours.scheme, ours.netloc.lower()):
        return False
    base_path = ours.path.rstrip("/")
    return target.path == base_path or target.path.startswith(base_path + "/")


def points_at_us(url: str | None) -> bool:
    return bool(url) and _same_or_below(str(url), current_app.config["BASE_URL"])


class LearnLoopLaunch(MessageLaunch):
    """One id_token launch. ``validate()`` raises ``LaunchError`` with a reason code."""

    def __init__(self, params: dict[str, str]) -> None:
        request = _Params(params)
        self.tool_conf = DatabaseToolConf()
        super().__init__(
            request,
            self.tool_conf,
            session_service=SessionService(request),
            cookie_service=_NoCookies(),
            requests_session=_SHARED_SESSION,
        )
        self.set_auto_validation(enable=False)
        self.login: oidc_state.OidcState | None = None
        self.registration_model: RegistrationInfo | None = None
        self.deployment_model: DeploymentInfo | None = None

    def _get_request_param(self, key: str) -> str:
        return self._request.get_param(key)  # type: ignore[return-value]

    # -- the sequence ---------------------------------------------------------------------
    def validate(self) -> LearnLoopLaunch:
        steps = (
            (self.validate_jwt_format, "invalid_token"),
            (self.validate_registration, "unknown_registration"),
            (self.validate_jwt_signature, "invalid_token"),
            (self.validate_target_link_uri, "wrong_target"),
            (self.validate_deployment, "unknown_deployment"),
            (self.validate_message, "invalid_message"),
            (self.validate_nonce, "replayed"),
        )
        for step, code in steps:
            try:
                step()
            except LaunchError:
                raise
            except (LtiException, AssertionError, KeyError, TypeError, ValueError) as exc:
                raise LaunchError(code, f"{step.__name__}: {exc}") from exc
        self._validated = True
        return self

    @property
    def claims(self) -> dict[str, Any]:
        return self._jwt["body"]

    # -- overrides --------------------------------------------------------------------------
    def _get_jwt_body(self) -> dict[str, Any]:  # type: ignore[override]
        return self._jwt.get("body", {})

    def get_client_id(self) -> str:
        aud = self.claims.get("aud")
        if isinstance(aud, list):
            # §5.1.3 steps 4–5: with a list audience the authorised party names the client.
            azp = self.claims.get("azp")
            if not azp:
                raise LaunchError("invalid_token", "aud is a list but azp is missing")
            return str(azp)
        if not isinstance(aud, str) or not aud:
            raise LaunchError("invalid_token", "aud is missing")
        return aud

    def validate_jwt_format(self) -> LearnLoopLaunch:
        if not self._get_request_param("id_token"):
            raise LaunchError("invalid_message", "no id_token posted")
        super().validate_jwt_format()
        if not isinstance(self._jwt.get("body"), dict) or not isinstance(
            self._jwt.get("header"), dict
        ):
            raise LaunchError("invalid_token", "id_token header or body is not a JSON object")
        return self

    def validate_registration(self) -> LearnLoopLaunch:
        super().validate_registration()
        self.registration_model = self.tool_conf.models[(self.get_iss(), self.get_client_id())]
        return self

    def validate_deployment(self) -> LearnLoopLaunch:
        super().validate_deployment()
        key = (self.get_iss(), self.get_client_id(), self._get_deployment_id())
        self.deployment_model = self.tool_conf.deployments[key]
        return self

    def fetch_public_key(self, key_set_url: str) -> Any:
        return key_sets.get(key_set_url)

    def validate_jwt_signature(self) -> LearnLoopLaunch:
        alg = self._jwt["header"].get("alg")
        if alg not in ALLOWED_ALGORITHMS:
            raise LaunchError("invalid_token", f"alg {alg!r} is not allowed")
        public_key, key_alg = self._public_key_refetching_once()
        client_id = self.get_client_id()
        try:
            claims = jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=[key_alg],
                audience=client_id,
                issuer=self.get_iss(),
                leeway=current_app.config["LTI_CLOCK_LEEWAY"],
                options={"require": ["exp", "iat", "iss", "aud"], "verify_exp": False},
            )
        except jwt.ImmatureSignatureError as exc:
            raise LaunchError(
                "invalid_token", f"issued in the future beyond leeway: {exc}"
            ) from exc
        except jwt.InvalidTokenError as exc:
            raise LaunchError("invalid_token", f"signature or claims invalid: {exc}") from exc
        # exp gets no leeway: a token past its expiry is refused (§5.1.3 step 7).
        if not isinstance(claims["exp"], int | float) or claims["exp"] <= time.time():
            raise LaunchError("expired", f"exp {claims['exp']} is in the past")
        azp = claims.get("azp")
        if azp is not None and azp != client_id:
            raise LaunchError("invalid_token", f"azp {azp!r} is not our client_id {client_id!r}")
        self._jwt["body"] = claims
        return self

    def _public_key_refetching_once(self) -> tuple[str, str]:
        """Find the key by kid; a platform that rotated its keys gets one refetch of its JWKS."""
        try:
            return self.get_public_key()
        except LtiException:
            assert self._registration is not None
            url = self._registration.get_key_set_url() or ""
            self._registration.set_key_set(key_sets.get(url, refresh=True))
            try:
                return self.get_public_key()
            except LtiException as exc:
                raise LaunchError("invalid_token", f"no platform key matches: {exc}") from exc

    def get_public_key(self) -> tuple[Any, str]:  # type: ignore[override]
        """The platform key named by the token's kid and alg, as a key object.

        The library converts the JWK to PEM on every launch, and PyJWT then parses that PEM;
        a key object made once per JWK saves both.
        """
        assert self._registration is not None
        if not self._registration.get_key_set():
            self._registration.set_key_set(key_sets.get(self._registration.get_key_set_url() or ""))
        header = self._jwt.get("header", {})
        kid, alg = header.get("kid"), header.get("alg")
        if not kid or not alg:
            raise LtiException("JWT KID or ALG not found")
        for key in self._registration.get_key_set().get("keys", []):
            if isinstance(key, dict) and key.get("kid") == kid and key.get("alg", "RS256") == alg:
                return _key_object(json.dumps(key, sort_keys=True)), alg
        raise LtiException("Unable to find public key")

    def validate_target_link_uri(self) -> LearnLoopLaunch:
        target = self.claims.get(CLAIM + "target_link_uri")
        if not points_at_us(target):
            raise LaunchError(
                "wrong_target", f"target_link_uri {target!r} is not under our BASE_URL"
            )
        return self

    def validate_nonce(self) -> LearnLoopLaunch:
        """The nonce must be the one our login issued with this state. Recording it as used
        (single use, §5.1.3 step 9) is part of writing the launch: ``launches.record_launch``
        or ``launches.park_for_storage_check``, so that a launch refused later (a missing state
        cookie) leaves nothing behind.
        """
        nonce = self.claims.get("nonce")
        if not nonce or not isinstance(nonce, str):
            raise LaunchError("invalid_token", "nonce claim is missing")
        login = oidc_state.read(self._get_request_param("state") or "")
        self._check_login(login, nonce)
        self.login = login
        return self

    def _check_login(self, login: oidc_state.OidcState, nonce: str) -> None:
        assert self.registration_model is not None
        if login.nonce != nonce:
            raise LaunchError("invalid_token", "nonce was not issued with this state")
        if login.registration_id != self.registration_model.id:
            raise LaunchError("invalid_token", "nonce was issued to another registration")
        login_target = login.params.get("target_link_uri")
        claim_target = self.claims.get(CLAIM + "target_link_uri")
        if login_target != claim_target:
            raise LaunchError(
                "wrong_target",
                f"target_link_uri {claim_target!r} differs from login {login_target!r}",
            )


@functools.lru_cache(maxsize=256)
def _key_object(jwk_json: str) -> Any:
    try:
        return jwt.PyJWK(json.loads(jwk_json)).key
    except (jwt.PyJWKError, ValueError, TypeError) as exc:
        raise LtiException(f"Can't use the platform's key: {exc}") from exc


# The library makes a requests.Session per launch unless given one; we fetch JWKS ourselves
# (key_sets), so one shared session is only a formality that costs nothing.
_SHARED_SESSION = requests.Session()


class _NoCookies:
    """pylti1p3 wants a cookie service; the state cookie is checked by ``launches.verify_state``."""

    def get_cookie(self, name: str) -> None:
        return None

    def set_cookie(self, name: str, value: Any, exp: int | None = 3600) -> None:
        raise NotImplementedError


def claims_json(claims: dict[str, Any]) -> str:
    return json.dumps(claims, sort_keys=True)
