"""Registering platforms (manual path: CLI and, later, the admin form) and finding them again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, select, update

from lti_tool.core.cache import app_cache
from lti_tool.core.db import db
from lti_tool.lti.models import Deployment, Registration

# Login and launch read the registration and deployment on every request; each worker keeps what
# it read for this long. So a registration changed or removed with ``learnloop register`` (or the
# admin pages) in another process is seen by logins and launches within 30 s; a *new*
# registration or deployment is seen at once (misses are never cached).
_CACHE_TTL = 30.0


@dataclass(frozen=True)
class RegistrationInfo:
    """A registration as login and launch need it: plain values, safe to share across requests."""

    id: int
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    product_family: str

    @classmethod
    def of(cls, model: Registration) -> RegistrationInfo:
        return cls(
            id=model.id,
            issuer=model.issuer,
            client_id=model.client_id,
            auth_login_url=model.auth_login_url,
            auth_token_url=model.auth_token_url,
            key_set_url=model.key_set_url,
            product_family=model.product_family,
        )


@dataclass(frozen=True)
class DeploymentInfo:
    id: int  # the tenant
    deployment_id: str


def cached_registration(issuer: str, client_id: str | None) -> RegistrationInfo | None:
    def load() -> RegistrationInfo | None:
        model = find_registration(issuer, client_id)
        return RegistrationInfo.of(model) if model else None

    return app_cache("lti.registrations", _CACHE_TTL).get((issuer, client_id), load)


def cached_with_deployment(
    issuer: str, client_id: str, deployment_id: str
) -> tuple[RegistrationInfo | None, DeploymentInfo | None]:
    """The registration and its deployment by that id, as :func:`find_with_deployment`."""

    def load() -> tuple[RegistrationInfo, DeploymentInfo] | None:
        model, deployment = find_with_deployment(issuer, client_id, deployment_id)
        if model is None or deployment is None:
            return None
        return RegistrationInfo.of(model), DeploymentInfo(deployment.id, deployment.deployment_id)

    key = (issuer, client_id, deployment_id)
    found = app_cache("lti.deployments", _CACHE_TTL).get(key, load)
    if found is None:
        return cached_registration(issuer, client_id), None
    return found


def note_product_family(registration: RegistrationInfo | Registration, family: str) -> None:
    """Record which LMS a registration is (from a launch's ``tool_platform`` claim)."""
    if registration.product_family == family:
        return
    db.session.execute(
        update(Registration).where(Registration.id == registration.id).values(product_family=family)
    )
    forget_cached()  # this worker re-reads it at once


@dataclass(frozen=True)
class RegistrationInput:
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    deployment_ids: Sequence[str]
    product_family: str = "generic"


def register(data: RegistrationInput) -> tuple[Registration, list[Deployment]]:
    """Create or update a registration and add its deployments. Idempotent."""
    registration = find_registration(data.issuer, data.client_id)
    if registration is None:
        registration = Registration(issuer=data.issuer, client_id=data.client_id)
        db.session.add(registration)
    registration.auth_login_url = data.auth_login_url
    registration.auth_token_url = data.auth_token_url
    registration.key_set_url = data.key_set_url
    if data.product_family != "generic" or not registration.product_family:
        registration.product_family = data.product_family
    db.session.flush()
    deployments = [ensure_deployment(registration, dep) for dep in data.deployment_ids]
    forget_cached()
    return registration, deployments


def forget_cached() -> None:
    """Drop this worker's cached registrations (after changing one here)."""
    for name in ("lti.registrations", "lti.deployments"):
        app_cache(name, _CACHE_TTL).clear()


def ensure_deployment(registration: Registration, deployment_id: str) -> Deployment:
    deployment = find_deployment(registration, deployment_id)
    if deployment is None:
        deployment = Deployment(registration_id=registration.id, deployment_id=deployment_id)
        db.session.add(deployment)
        db.session.flush()
    return deployment


def find_registration(issuer: str, client_id: str | None) -> Registration | None:
    """By (issuer, client_id); without a client_id only when the issuer has exactly one."""
    query = select(Registration).where(Registration.issuer == issuer)
    if client_id:
        return db.session.scalars(query.where(Registration.client_id == client_id)).one_or_none()
    candidates = db.session.scalars(query.limit(2)).all()
    return candidates[0] if len(candidates) == 1 else None


def find_with_deployment(
    issuer: str, client_id: str, deployment_id: str
) -> tuple[Registration | None, Deployment | None]:
    """The registration and, if it has one by that id, the deployment: one query for a launch."""
    row = db.session.execute(
        select(Registration, Deployment)
        .outerjoin(
            Deployment,
            and_(
                Deployment.registration_id == Registration.id,
                Deployment.deployment_id == deployment_id,
            ),
        )
        .where(Registration.issuer == issuer, Registration.client_id == client_id)
    ).one_or_none()
    return (row[0], row[1]) if row else (None, None)


def find_deployment(registration: Registration, deployment_id: str) -> Deployment | None:
    return db.session.scalars(
        select(Deployment).where(
            Deployment.registration_id == registration.id,
            Deployment.deployment_id == deployment_id,
        )
    ).one_or_none()


def find_tenant(issuer: str, client_id: str, deployment_id: str) -> int | None:
    """The tenant (deployment row id) named the way an administrator knows it."""
    registration = find_registration(issuer, client_id)
    deployment = find_deployment(registration, deployment_id) if registration else None
    return deployment.id if deployment else None
