"""The alternate request syntax (xAPI 1.0.3 Communication 1.3): ``POST statements?method=…`` with
a form body; accepted for 1.0.x, refused for 2.0, which removed it (CTS v2_0 expects a 4xx)."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import pytest
from flask import Flask

from tests.integration.xapi_helpers import V1, V2, Lrs, statement, stored_count

FORM = "application/x-www-form-urlencoded"


def _alternate(
    lrs: Lrs, method: str, form: dict[str, str], *, headers: dict[str, str] | None = None
):  # type: ignore[no-untyped-def]
    return lrs.client.post(
        f"/xapi/statements?method={method}",
        data=urlencode(form),
        headers=lrs.headers | {"Content-Type": FORM} if headers is None else headers,
    )


def test_a_put_travels_as_a_form_and_is_stored(app: Flask, lrs: Lrs) -> None:
    sent = statement()
    form = {"statementId": sent["id"], "content": json.dumps(sent)}
    response = _alternate(lrs, "PUT", form)
    assert response.status_code == 204, response.get_data(as_text=True)
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert lrs.get(statementId=sent["id"]).get_json()["id"] == sent["id"]


def test_a_post_travels_as_a_form_and_answers_the_ids(lrs: Lrs) -> None:
    batch = [statement(), statement()]
    response = _alternate(lrs, "POST", {"content": json.dumps(batch)})
    assert response.status_code == 200
    assert response.get_json() == [s["id"] for s in batch]


def test_a_get_travels_as_a_form_and_answers_a_statement_result(lrs: Lrs) -> None:
    # CTS 1.0.3: "An LRS accepts a valid POST request containing a GET request" (XAPI-00148)
    lrs.post([statement(), statement()])
    response = _alternate(lrs, "GET", {"limit": "1"})
    assert response.status_code == 200
    found = response.get_json()
    assert len(found["statements"]) == 1 and found["more"]
    assert "X-Experience-API-Consistent-Through" in response.headers


def test_headers_may_travel_as_form_fields_as_internet_explorer_8_needs(lrs: Lrs) -> None:
    # 1.3.s3.b6-b7: Authorization and X-Experience-API-Version as form parameters; XDomainRequest
    # sends the form as text/plain.
    sent = statement()
    form = {
        "statementId": sent["id"],
        "content": json.dumps(sent),
        "Authorization": lrs.headers["Authorization"],
        "x-experience-api-version": V1,
        "Content-Type": "application/json",
    }
    response = _alternate(lrs, "PUT", form, headers={"Content-Type": "text/plain"})
    assert response.status_code == 204, response.get_data(as_text=True)
    assert lrs.get(statementId=sent["id"]).status_code == 200


def test_the_real_headers_win_over_form_fields_of_the_same_name(lrs: Lrs) -> None:
    sent = statement()
    form = {"statementId": sent["id"], "content": json.dumps(sent), "Authorization": "Basic eDp5"}
    assert _alternate(lrs, "PUT", form).status_code == 204


def test_credentials_are_still_required(app: Flask, lrs: Lrs) -> None:
    form = {"content": json.dumps(statement()), "X-Experience-API-Version": V1}
    response = _alternate(lrs, "POST", form, headers={"Content-Type": FORM})
    assert response.status_code == 401 and "WWW-Authenticate" in response.headers
    assert stored_count(app) == 0


@pytest.mark.parametrize(
    ("request_args", "fragment"),
    [
        # 1.3.s3.b3 / CTS: any other query parameter is a 400
        ({"path": "/xapi/statements?method=PUT&statementId=" + str(uuid.uuid4()), "form": {}}, "one query parameter"),
        # CTS: "An LRS rejects an alternate request syntax not issued as a POST"
        ({"path": "/xapi/statements?method=POST", "http": "GET", "form": {}}, "sent as an HTTP POST"),
        ({"path": "/xapi/statements?method=DELETE", "form": {}}, "method must be one of"),
        ({"path": "/xapi/statements?method=put", "form": {}}, "method must be one of"),
        # CTS: "will fail PUT with no content body"
        ({"path": "/xapi/statements?method=PUT", "form": {"statementId": str(uuid.uuid4())}}, "form parameter content"),
        # CTS: "will fail PUT with content body which is not url encoded"
        ({"path": "/xapi/statements?method=PUT", "raw": json.dumps({"content": "{}"})}, "URL-encoded form"),
        ({"path": "/xapi/statements?method=PUT", "raw": "a=1&a=2"}, "more than once"),
        ({"path": "/xapi/statements?method=PUT", "raw": "content=%FF"}, "URL-encoded form"),
        ({"path": "/xapi/statements?method=POST", "form": {"content": "{}"}, "type": "application/json"}, "sends a form"),
        ({"path": "/xapi/statements?method=GET", "form": {"verb": "not an IRI"}}, "verb"),
        ({"path": "/xapi/statements?method=POST", "form": {"content": "{}", "Content-Type": "multipart/mixed; boundary=x"}}, "no attachment data"),
    ],
)  # fmt: skip
def test_a_malformed_alternate_request_is_a_400(
    app: Flask, lrs: Lrs, request_args: dict, fragment: str
) -> None:
    form = request_args.get("form")
    response = lrs.client.open(
        request_args["path"],
        method=request_args.get("http", "POST"),
        data=urlencode(form) if form is not None else request_args["raw"],
        headers={**lrs.headers, "Content-Type": request_args.get("type", FORM)},
    )
    assert response.status_code == 400
    assert fragment in response.get_json()["error"]
    assert stored_count(app) == 0


def test_head_in_the_alternate_syntax_answers_without_a_body(lrs: Lrs) -> None:
    lrs.post(statement())
    response = _alternate(lrs, "HEAD", {})
    assert response.status_code == 200 and response.get_data() == b""


@pytest.mark.parametrize("where", ["header", "form"])
def test_xapi_2_0_refuses_the_alternate_syntax_saying_it_was_removed(
    app: Flask, lrs: Lrs, where: str
) -> None:
    sent = statement()
    form = {"statementId": sent["id"], "content": json.dumps(sent)}
    headers = lrs.headers | {"Content-Type": FORM}
    if where == "header":
        headers["X-Experience-API-Version"] = V2
    else:
        del headers["X-Experience-API-Version"]
        form["X-Experience-API-Version"] = V2
    response = _alternate(lrs, "PUT", form, headers=headers)
    assert response.status_code == 400
    assert "2.0 removed the alternate request syntax" in response.get_json()["error"]
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    assert stored_count(app) == 0
    lrs.version = V2
    assert lrs.client.get("/xapi/statements?method=GET", headers=lrs.headers).status_code == 400
