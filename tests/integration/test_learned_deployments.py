"""Which deployments a registration accepts (DESIGN "Tenancy and identity"): a manual
registration only those it lists; one made by Dynamic Registration without a deployment_id
(Canvas) each deployment its platform signs a launch for, recorded at that first launch —
and only for itself."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool.core.db import commit_or_rollback, db
from lti_tool.lti.models import Deployment, Membership, Registration
from lti_tool.lti.registrations import RegistrationInput, register
from tests.integration.launch_helpers import launch, login
from tests.support.platform import TestPlatform, new_rsa_key


def learns(app: Flask, platform: TestPlatform) -> None:
    """``platform`` registered as Canvas's Dynamic Registration leaves it: no deployments."""
    with app.app_context(), commit_or_rollback():
        register(
            RegistrationInput(
                issuer=platform.issuer,
                client_id=platform.client_id,
                auth_login_url=platform.issuer + "/auth",
                auth_token_url=platform.issuer + "/token",
                key_set_url=platform.jwks_url,
                deployment_ids=(),
                product_family="canvas",
                registered_via="dynamic",
                learns_deployments=True,
            )
        )


def deployments_of(app: Flask, client_id: str) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(Deployment.deployment_id, Deployment.id)
            .join(Registration)
            .where(Registration.client_id == client_id)
        ).all()
        return dict(rows)  # type: ignore[arg-type]


def test_a_learning_registration_accepts_a_new_deployment_at_its_first_launch(
    app: Flask, client: FlaskClient, platform: TestPlatform
) -> None:
    learns(app, platform)
    first = launch(client, platform, deployment_id="42:course-hash")
    assert first.status_code == 303, first.get_data(as_text=True)
    learned = deployments_of(app, platform.client_id)
    assert list(learned) == ["42:course-hash"]
    again = launch(app.test_client(), platform, deployment_id="42:course-hash", sub="user-2")
    assert again.status_code == 303
    assert deployments_of(app, platform.client_id) == learned  # the same tenant, not a new one
    with app.app_context():
        tenants = set(db.session.scalars(select(Membership.tenant_id)))
    assert tenants == {learned["42:course-hash"]}


def test_a_manual_registration_refuses_a_deployment_it_does_not_list(
    app: Flask, client: FlaskClient, registered: TestPlatform
) -> None:
    response = launch(client, registered, deployment_id="dep-unknown")
    assert response.status_code == 403
    assert "This LearnLoop installation is not known" in response.get_data(as_text=True)
    assert sorted(deployments_of(app, registered.client_id)) == ["dep-1", "dep-2"]


def test_a_launch_with_a_forged_signature_teaches_no_deployment(
    app: Flask, client: FlaskClient, platform: TestPlatform
) -> None:
    learns(app, platform)
    other_pem, _ = new_rsa_key()
    response = launch(client, platform, deployment_id="forged", sign={"key_pem": other_pem})
    assert response.status_code == 403
    assert deployments_of(app, platform.client_id) == {}


def test_a_launch_for_another_client_teaches_this_registration_nothing(
    app: Flask, client: FlaskClient, platform: TestPlatform
) -> None:
    learns(app, platform)
    auth = login(client, platform)
    claims = platform.claims(auth["nonce"], deployment_id="dep-x", aud="someone-else")
    response = client.post(
        "/lti/launch", data={"id_token": platform.sign(claims), "state": auth["state"]}
    )
    assert response.status_code in (400, 403)
    assert deployments_of(app, platform.client_id) == {}


def test_a_learned_deployment_belongs_only_to_the_registration_that_learned_it(
    app: Flask, client: FlaskClient, platform: TestPlatform
) -> None:
    # Canvas cloud: one issuer, two customers (client IDs); the same deployment id string.
    learns(app, platform)
    manual = TestPlatform(issuer=platform.issuer, client_id="client-2")
    manual.base_url = platform.base_url
    manual.private_pem, manual.public_jwks = platform.private_pem, platform.public_jwks
    manual.register_with(app, deployment_ids=("shared-id",))
    assert launch(client, platform, deployment_id="shared-id").status_code == 303
    learned = deployments_of(app, platform.client_id)
    listed = deployments_of(app, "client-2")
    assert learned["shared-id"] != listed["shared-id"]
    # The manual registration still refuses what it does not list, learning or not its neighbour.
    refused = launch(app.test_client(), manual, deployment_id="only-learned-elsewhere")
    assert refused.status_code == 403
    assert list(deployments_of(app, "client-2")) == ["shared-id"]
