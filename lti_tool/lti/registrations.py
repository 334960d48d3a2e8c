"""Registering platforms and finding them again.

Registrations are made by hand (``learnloop register``, the operator console) or by LTI Dynamic
Registration (:mod:`lti_tool.lti.registration`); all go through :func:`register`. A registration
that *learns its deployments* (Canvas's Dynamic Registration returns no deployment_id) gets a
deployment from the first valid launch that names it (:func:`learn_deployment`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import selectinload

from lti_tool.core.cache import app_cache
from lti_tool.core.db import db, insert_new
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
    learns_deployments: bool = False

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
            learns_deployments=bool(model.learns_deployments),
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
    registered_via: str = "manual"  # or "dynamic"
    # Only for a Dynamic Registration that returned no deployment_id (Canvas).
    learns_deployments: bool = False


def register(data: RegistrationInput) -> tuple[Registration, list[Deployment]]:
    """Create or update a registration and add its deployments. Idempotent.

    Registering again never narrows what a registration accepts: once it learns deployments it
    keeps doing so (its deployments so far stay valid either way).
    """
    registration = find_registration(data.issuer, data.client_id)
    if registration is None:
        registration = Registration(
            issuer=data.issuer, client_id=data.client_id, registered_via=data.registered_via
        )
        db.session.add(registration)
    registration.auth_login_url = data.auth_login_url
    registration.auth_token_url = data.auth_token_url
    registration.key_set_url = data.key_set_url
    if data.product_family != "generic" or not registration.product_family:
        registration.product_family = data.product_family
    registration.learns_deployments = bool(
        registration.learns_deployments or data.learns_deployments
    )
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


def learn_deployment(registration: RegistrationInfo, deployment_id: Any) -> DeploymentInfo | None:
    """The deployment a launch names, recorded now if its registration learns them.

    ``None`` for a registration that accepts only the deployments it lists. Called once the
    launch's signature is verified (the platform vouches for the deployment) and only when the
    cached lookup missed, so a launch of a known deployment pays nothing for this. Written in
    its own short transaction: the launch's rows are written on another connection
    (``launch_rows``), which must see it.
    """
    if not registration.learns_deployments:
        return None
    if not isinstance(deployment_id, str) or not 0 < len(deployment_id) <= 255:
        return None
    key = {"registration_id": registration.id, "deployment_id": deployment_id}
    table = Deployment.__table__
    with db.engine.begin() as connection:
        new_id = connection.execute(
            insert_new(table, list(key)).values(key).returning(table.c.id)
        ).scalar()
        if new_id is None:  # a concurrent launch recorded it first
            new_id = connection.execute(
                select(table.c.id).where(*(table.c[k] == v for k, v in key.items()))
            ).scalar_one()
    return DeploymentInfo(int(new_id), deployment_id)


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


def all_registrations() -> list[Registration]:
    """Every registration with its deployments: the operator console's installation-wide list."""
    query = select(Registration).options(selectinload(Registration.deployments))
    return list(db.session.scalars(query.order_by(Registration.issuer, Registration.client_id)))
