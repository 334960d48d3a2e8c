"""LTI Core 1.3 / Security Framework §5.1.3 step 9: a nonce is single use across every worker
process — the same id_token + state posted concurrently to two gunicorn workers succeeds once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import requests
from flask import Flask

from tests.conftest import SECRET
from tests.support.platform import TestPlatform
from tests.support.processes import free_port, gunicorn, learnloop_env, running


def test_a_replay_racing_the_first_launch_on_another_worker_is_refused(
    app: Flask, database_url: str, registered: TestPlatform
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = learnloop_env(DATABASE_URL=database_url, SECRET_KEY=SECRET, BASE_URL=base)
    with running(gunicorn(port, workers=2), env, ready_url=base + "/lti/jwks.json"):
        browser = requests.Session()
        params = registered.login_params(target_link_uri=base + "/lti/launch")
        login = browser.post(base + "/lti/login", data=params, allow_redirects=False)
        assert login.status_code == 302
        auth = {k: v[0] for k, v in parse_qs(urlsplit(login.headers["Location"]).query).items()}
        token = registered.sign(
            registered.claims(auth["nonce"], target_link_uri=base + "/lti/launch")
        )
        form = {"id_token": token, "state": auth["state"]}
        cookies = browser.cookies.get_dict()

        def post(_: int) -> int:
            response = requests.post(
                base + "/lti/launch", data=form, cookies=cookies, allow_redirects=False, timeout=30
            )
            assert response.status_code in (303, 403), response.text
            if response.status_code == 403:
                assert "already used" in response.text
            return response.status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(post, range(8)))
    assert statuses.count(303) == 1
    assert statuses.count(403) == 7
