"""A platform's LTI Advantage services built on the real ``lti1p3platform`` library, on Flask:
its token endpoint (client credentials with a JWT assertion, checked against the tool's JWKS),
AGS (line items, scores) and NRPS (members, paged with ``Link: rel="next"``), keeping what the
tool sends in memory.

The library provides the protocol (token issuing and checking, the service handlers, paging);
this module stores line items, scores and members, and turns the library's ``Response`` into
Flask responses the way its Django adapter does. ``moodle_seconds=True`` makes scores behave as
Moodle's do: a score whose timestamp is not newer, to the second, than the stored one gets 409.
"""

from __future__ import annotations

import datetime as dt
import threading
import typing as t
from dataclasses import dataclass, field
from typing import Any

import flask
import jwt
from flask import Flask, jsonify, request
from lti1p3platform.exceptions import LtiException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.response import Response, generate_next_link
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
    TPage,
)

from tests.support.platform import new_rsa_key

CONTEXT = Context(id="course-1", label="ONB101", title="Onboarding")


class _FlaskRequest(Request):
    def build_metadata(self, flask_request: flask.Request) -> TRequest:
        query: dict[str, Any] = flask_request.args.to_dict()
        for name in ("page", "limit"):  # the library does arithmetic on them
            if str(query.get(name, "")).isdigit():
                query[name] = int(query[name])
        return {
            "method": flask_request.method,
            "form_data": flask_request.form.to_dict(),
            "get_data": query,
            "headers": flask_request.headers,
            "content_type": flask_request.content_type,
            "path": flask_request.path,
            "json": flask_request.get_json(silent=True, force=True),
        }


class _Conf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self.platform: ServicesPlatform = kwargs["platform"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        platform = self.platform
        registration = Registration()
        registration.set_iss(platform.issuer).set_client_id(platform.client_id)
        registration.set_deployment_id(platform.deployment_id)
        registration.set_platform_private_key(platform.private_pem)
        registration.set_platform_public_key(platform.public_pem)
        registration.set_tool_key_set(platform.tool_jwks)  # type: ignore[arg-type]
        return registration


@dataclass
class Store:
    lineitems: dict[str, dict[str, Any]] = field(default_factory=dict)
    scores: list[dict[str, Any]] = field(default_factory=list)  # every score accepted, in order
    gradebook: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    members: list[dict[str, Any]] = field(default_factory=list)
    token_requests: int = 0
    token_scopes: list[str] = field(default_factory=list)
    score_requests: int = 0
    member_pages: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Ags(AssignmentsGradesService):
    def __init__(self, flask_request: Request, platform: ServicesPlatform) -> None:
        conf = _Conf(platform=platform)
        conf.get_registration()
        super().__init__(flask_request, conf, platform.lineitems_url)
        self.platform = platform
        self.store = platform.store

    def find_lineitems(self, page: int = 1, limit: int | None = None, **filters: Any) -> TPage:
        items = [
            item
            for item in self.store.lineitems.values()
            if all(
                item.get(key) == filters[name]
                for name, key in (
                    ("resource_link_id", "resourceLinkId"),
                    ("resource_id", "resourceId"),
                    ("tag", "tag"),
                )
                if filters.get(name)
            )
        ]
        return {"content": items, "has_next": False}

    def find_lineitem(self, line_item_id: str) -> Any:
        return self.store.lineitems[line_item_id]

    def create_lineitem(self, creation_data: Any) -> Any:
        with self.store.lock:
            number = str(len(self.store.lineitems) + 1)
            item = {**creation_data, "id": f"{self.platform.lineitems_url}/{number}"}
            self.store.lineitems[number] = item
        return item

    def update_lineitem(self, update_data: Any) -> Any:
        raise NotImplementedError

    def delete_lineitem(self, line_item_id: str) -> None:
        raise NotImplementedError

    def update_score(self, line_item_id: str, score: Any) -> UpdateScoreStatus:
        from lti1p3platform.exceptions import LineItemNotFoundException

        if line_item_id not in self.store.lineitems:
            raise LineItemNotFoundException
        key = (line_item_id, str(score["userId"]))
        when = dt.datetime.fromisoformat(score["timestamp"])
        with self.store.lock:
            held = self.store.gradebook.get(key)
            if held is not None:
                before = dt.datetime.fromisoformat(held["timestamp"])
                if self.platform.moodle_seconds and int(when.timestamp()) <= int(
                    before.timestamp()
                ):
                    return UpdateScoreStatus.OLD_TIMESTAMP
                if when < before:
                    return UpdateScoreStatus.OLD_TIMESTAMP
            self.store.gradebook[key] = score
            self.store.scores.append({"line_item": line_item_id, **score})
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id: str, **kwargs: Any) -> TPage:
        raise NotImplementedError


class _Nrps(NamesRoleProvisioningService):
    def __init__(self, flask_request: Request, platform: ServicesPlatform) -> None:
        conf = _Conf(platform=platform)
        conf.get_registration()
        super().__init__(flask_request, conf, platform.memberships_url)
        self.store = platform.store

    def get_member_data_page(self, page: int = 1, limit: int | None = None, **_: Any) -> TPage:
        members = self.store.members
        if not limit:
            return {"content": list(members), "has_next": False}
        start = (page - 1) * limit
        with self.store.lock:
            self.store.member_pages += 1
        return {"content": members[start : start + limit], "has_next": start + limit < len(members)}

    def get_context_by_id(self) -> Context:
        return CONTEXT


def _flask_response(resp: Response) -> flask.Response:
    """The library's Response as HTTP, as its Django adapter writes it."""
    if 200 <= resp.code < 300:
        data = resp.result["content"] if resp.result and "content" in resp.result else resp.result
        response = jsonify(data) if data is not None else flask.Response(status=resp.code)
        response.status_code = resp.code
        response.content_type = resp.media_type
        if resp.result and isinstance(resp.result, dict) and resp.result.get("next"):
            response.headers["Link"] = generate_next_link(resp.result["next"])
        return response
    response = jsonify(error=resp.message)
    response.status_code = resp.code
    return response


class ServicesPlatform:
    __test__ = False

    def __init__(
        self,
        tool_jwks: dict[str, Any],
        *,
        issuer: str = "https://lms.example.edu",
        client_id: str = "client-1",
        deployment_id: str = "dep-1",
        moodle_seconds: bool = False,
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.tool_jwks = tool_jwks
        self.moodle_seconds = moodle_seconds
        self.private_pem, public = new_rsa_key("services-key")
        from jwcrypto.jwk import JWK

        self.public_pem = JWK(**public).export_to_pem().decode()
        self.store = Store()
        self.base_url = ""
        self.wsgi_app = self._app()

    @property
    def token_url(self) -> str:
        return self.base_url + "/token"

    @property
    def lineitems_url(self) -> str:
        return self.base_url + "/lineitems"

    @property
    def memberships_url(self) -> str:
        return self.base_url + "/memberships"

    def add_members(self, count: int, roles: tuple[str, ...], prefix: str = "member") -> None:
        for n in range(count):
            self.store.members.append(
                {
                    "user_id": f"{prefix}-{n}",
                    "roles": list(roles),
                    "name": f"Member {n}",
                    "email": f"{prefix}-{n}@example.edu",
                }
            )

    def _app(self) -> Flask:
        app = Flask("lti1p3platform-services")
        app.add_url_rule("/token", "token", self._token, methods=["POST"])
        app.add_url_rule("/lineitems", "lineitems", self._lineitems, methods=["GET", "POST"])
        app.add_url_rule("/lineitems/<item>/scores", "scores", self._scores, methods=["POST"])
        app.add_url_rule("/memberships", "memberships", self._memberships)
        return app

    def _token(self) -> t.Any:
        with self.store.lock:
            self.store.token_requests += 1
            self.store.token_scopes.append(request.form.get("scope", ""))
        conf = _Conf(platform=self)
        conf.get_registration()
        try:
            return jsonify(conf.get_access_token(request.form.to_dict()))
        except (LtiException, jwt.PyJWTError, KeyError) as exc:
            return jsonify(error="invalid_client", error_description=str(exc)), 401

    def _guarded(self, call: t.Callable[[], Response]) -> flask.Response:
        try:
            return _flask_response(call())
        except (LtiException, jwt.PyJWTError) as exc:  # the library lets these through
            return _flask_response(Response(None, 401, str(exc)))

    def _lineitems(self) -> flask.Response:
        service = _Ags(_FlaskRequest(request), self)
        handler = (
            service.handle_get_lineitems
            if request.method == "GET"
            else service.handle_create_lineitem
        )
        return self._guarded(lambda: service.handle_resp(handler))

    def _scores(self, item: str) -> flask.Response:
        with self.store.lock:
            self.store.score_requests += 1
        service = _Ags(_FlaskRequest(request), self)
        return self._guarded(
            lambda: service.handle_resp(service.handle_update_score, line_item_id=item)
        )

    def _memberships(self) -> flask.Response:
        service = _Nrps(_FlaskRequest(request), self)
        return self._guarded(lambda: service.handle_resp(service.handle_get_members))

    def ags_claim(self, *, lineitem: str | None = None) -> dict[str, Any]:
        scope = "https://purl.imsglobal.org/spec/lti-ags/scope/"
        claim: dict[str, Any] = {
            "scope": [scope + "lineitem", scope + "result.readonly", scope + "score"],
            "lineitems": self.lineitems_url,
        }
        if lineitem:
            claim["lineitem"] = lineitem
        return claim

    def nrps_claim(self) -> dict[str, Any]:
        return {"context_memberships_url": self.memberships_url, "service_versions": ["2.0"]}
