"""AGS benchmark: scores for many learners through the job queue to a platform on loopback.

    .venv/bin/python -m bench.ags [--learners 10000] [--workers 1] [--commit-every 100]
                                  [--eager] [--product generic|moodle|canvas] [--json FILE]

LearnLoop runs on a throw-away PostgreSQL database (created, migrated, dropped). The platform
is the real ``lti1p3platform`` library's token endpoint and Assignment and Grade Services
(``tests/support/lms_services.py``), served in this process by Werkzeug's threaded server with
HTTP/1.1 keep-alive: it checks every client assertion against LearnLoop's JWKS and every
access token on every score, and keeps the line items and scores in memory.

One course with one graded link (its launch claim gave only the line items URL, so the line item
is found or created by the first delivery) and ``--learners`` members are written straight to
the database. Then this process plays the domain: it calls ``grades.post_score`` once per
learner, committing every ``--commit-every`` scores; each commit sends one ``lti.deliver_scores``
job to Redis, where ``--workers`` Celery worker processes (solo pool) take them. ``--eager``
runs the jobs as LearnLoop does without Redis: in background threads of this process.

It prints a Markdown table: learners, scores delivered, end-to-end scores/s (first post_score
to the last score in the platform's gradebook), how long posting to the outbox took, token
requests the platform answered (per scope set), score POSTs, line items created, scores left
waiting, and the load average before and after. ``--time-limit`` bounds the run; everything it
started is stopped and the database dropped however it ends.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform as host
import secrets
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from werkzeug.serving import WSGIRequestHandler, make_server

from bench.servers import REPO, Server, _spawn, start_redis
from bench.servers import throwaway_database as database
from lti_tool import create_app
from lti_tool.core import migrate
from lti_tool.core.db import commit_or_rollback, db, utcnow
from lti_tool.lti import keys
from lti_tool.lti.models import Context, Membership, User
from lti_tool.lti.registrations import RegistrationInput, register
from lti_tool.lti.services.dispatch import wait_for_background
from lti_tool.lti.services.grades import post_score
from lti_tool.lti.services.models import AgsEndpoint, ScoreDelivery
from tests.support.lms_services import ServicesPlatform

ISSUER = "https://bench-lms.example.edu"
CLIENT_ID = "bench-ags-client"
DEPLOYMENT_ID = "bench-ags-deployment"
LINK = "bench-graded-link"
SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"
GRANTED = [SCOPE + "lineitem", SCOPE + "result.readonly", SCOPE + "score"]


@dataclass(frozen=True)
class Result:
    mode: str
    workers: int
    product: str
    learners: int
    delivered: int
    waiting: int
    seconds: float
    scores_per_s: float
    posting_seconds: float
    token_requests: int
    token_requests_by_scopes: dict[str, int]
    score_requests: int
    line_items: int
    load_before: float
    load_after: float


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1, help="Celery worker processes")
    parser.add_argument("--commit-every", type=int, default=100, help="scores per transaction")
    parser.add_argument("--batch", type=int, default=100, help="LTI_SCORE_BATCH of the job")
    parser.add_argument("--eager", action="store_true", help="no Redis: background threads")
    parser.add_argument(
        "--post-first",
        action="store_true",
        help="start the workers only once every score is in the outbox (times delivery alone)",
    )
    parser.add_argument("--product", default="generic", choices=("generic", "moodle", "canvas"))
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="learnloop_bench_ags", help="created, then dropped")
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds for the run")
    parser.add_argument("--json", type=Path, help="also write the result here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    deadline = time.monotonic() + args.time_limit
    load_before = os.getloadavg()[0]
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-ags-")))
        url = stack.enter_context(database(args.postgres, args.database))
        migrate.upgrade(url=url)
        redis = None if args.eager else start_redis(workdir)
        if redis:
            stack.callback(redis.stop)
        config = {
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "REDIS_URL": redis.url if redis else None,
            "LTI_SCORE_BATCH": args.batch,
            "LTI_ROSTER_MAX_AGE": 0,
        }
        app = create_app(config)
        app.instance_path = str(workdir)
        platform = stack.enter_context(_platform(app))
        tenant, users = _course(app, platform, args.learners, args.product)

        def workers() -> None:  # started now, or once the outbox is full (--post-first)
            for n in range(args.workers):
                stack.callback(_worker(config, workdir, n).stop)

        if redis and not args.post_first:
            workers()
        result = _measure(args, app, platform, tenant, users, deadline, load_before, workers)
        with app.app_context():
            db.engine.dispose()
    print(_report(result))
    if args.json:
        args.json.write_text(json.dumps(asdict(result), indent=2))
    return 0 if result.waiting == 0 and result.delivered == args.learners else 1


class _KeepAlive(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # one connection per worker, as a real platform allows

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@contextmanager
def _platform(app: Any) -> Iterator[ServicesPlatform]:
    with app.app_context(), commit_or_rollback():
        keys.ensure_keys()
    with app.app_context():
        platform = ServicesPlatform(
            keys.jwks(), issuer=ISSUER, client_id=CLIENT_ID, deployment_id=DEPLOYMENT_ID
        )
    server = make_server(
        "127.0.0.1", 0, platform.wsgi_app, threaded=True, request_handler=_KeepAlive
    )
    platform.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        server.server_close()


def _course(
    app: Any, platform: ServicesPlatform, learners: int, product: str
) -> tuple[int, list[int]]:
    """The registration, one course with one graded link and its learners; (tenant, user ids)."""
    now = utcnow()
    with app.app_context(), commit_or_rollback() as session:
        registration, (deployment,) = register(
            RegistrationInput(
                issuer=ISSUER,
                client_id=CLIENT_ID,
                auth_login_url=ISSUER + "/auth",
                auth_token_url=platform.token_url,
                key_set_url=ISSUER + "/jwks",
                deployment_ids=(DEPLOYMENT_ID,),
                product_family=product,
            )
        )
        context = Context(tenant_id=deployment.id, context_id="bench-course", title="Bench")
        session.add(context)
        session.flush()
        session.execute(
            insert(User),
            [
                {"registration_id": registration.id, "sub": f"learner-{n}", "created_at": now}
                for n in range(learners)
            ],
        )
        users = list(
            session.scalars(
                select(User.id).where(User.registration_id == registration.id).order_by(User.id)
            )
        )
        session.execute(
            insert(Membership),
            [
                {
                    "tenant_id": deployment.id,
                    "context_id": context.id,
                    "user_id": u,
                    "roles_json": "[]",
                }
                for u in users
            ],
        )
        session.add(
            AgsEndpoint(
                tenant_id=deployment.id,
                context_id=context.id,
                resource_link_id=LINK,
                title="Bench path",
                lineitems_url=platform.lineitems_url,
                scopes_json=json.dumps(GRANTED),
                fingerprint="bench",
                updated_at=now,
            )
        )
        return deployment.id, users


def _worker(config: dict[str, Any], workdir: Path, n: int) -> Server:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNLOOP_")}
    env.update({f"LEARNLOOP_{k}": str(v) for k, v in config.items() if v is not None})
    env["PYTHONPATH"] = str(REPO)
    command = [sys.executable, "-m", "celery", "-A", "wsgi:celery_app", "worker", "--pool", "solo"]
    command += [
        "--loglevel",
        "WARNING",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
    ]
    command += ["--hostname", f"bench-ags-{n}@%h"]
    process = _spawn(command, cwd=REPO, env=env, log=workdir / f"worker-{n}.log")
    return Server(f"worker-{n}", process, "", error_log=workdir / f"worker-{n}.log")


def _measure(
    args: argparse.Namespace,
    app: Any,
    platform: ServicesPlatform,
    tenant: int,
    users: list[int],
    deadline: float,
    load_before: float,
    start_workers: Any,
) -> Result:
    if not args.eager and not args.post_first:
        time.sleep(3)  # the workers connect to Redis
    start = time.perf_counter()
    for first in range(0, len(users), args.commit_every):
        with app.app_context(), commit_or_rollback():
            for n, user in enumerate(users[first : first + args.commit_every], start=first):
                post_score(tenant, user, LINK, n % 11, 10, "Completed", "FullyGraded")
    posting = time.perf_counter() - start
    if args.post_first and not args.eager:
        start_workers()
        while not platform.store.gradebook and time.monotonic() < deadline:
            time.sleep(0.01)
        start = time.perf_counter()  # from the first score delivered: delivery alone
    while len(platform.store.gradebook) < len(users) and time.monotonic() < deadline:
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if args.eager:
        wait_for_background(app, timeout=max(1.0, deadline - time.monotonic()))
    waiting = _waiting(app)
    while waiting and time.monotonic() < deadline:  # the last batch's commit follows its POSTs
        time.sleep(0.1)
        waiting = _waiting(app)
    delivered = len(platform.store.gradebook)
    return Result(
        mode=("eager (threads)" if args.eager else "Celery on Redis")
        + (", delivery alone" if args.post_first and not args.eager else ""),
        workers=0 if args.eager else args.workers,
        product=args.product,
        learners=len(users),
        delivered=delivered,
        waiting=waiting,
        seconds=round(seconds, 2),
        scores_per_s=round(delivered / seconds, 1) if seconds else 0.0,
        posting_seconds=round(posting, 2),
        token_requests=platform.store.token_requests,
        token_requests_by_scopes=dict(Counter(platform.store.token_scopes)),
        score_requests=platform.store.score_requests,
        line_items=len(platform.store.lineitems),
        load_before=round(load_before, 2),
        load_after=round(os.getloadavg()[0], 2),
    )


def _waiting(app: Any) -> int:
    with app.app_context():
        return int(
            db.session.scalar(
                select(func.count())
                .select_from(ScoreDelivery)
                .where(ScoreDelivery.sent_at.is_(None), ScoreDelivery.superseded_at.is_(None))
            )
            or 0
        )


def _report(result: Result) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    scopes = "; ".join(
        f"{' '.join(s.removeprefix(SCOPE) for s in scope.split())}: {n}"
        for scope, n in result.token_requests_by_scopes.items()
    )
    lines = [
        f"AGS bench, {when}, {host.machine()} × {os.cpu_count()} cores, Python {host.python_version()}",
        "",
        "| mode | workers | product | learners | delivered | waiting | seconds | scores/s | posting to outbox | token requests (per scope set) | score POSTs | line items | load before → after |",
        "|---|--:|---|--:|--:|--:|--:|--:|--:|---|--:|--:|---|",
        f"| {result.mode} | {result.workers} | {result.product} | {result.learners} | {result.delivered} | {result.waiting} "
        f"| {result.seconds} | {result.scores_per_s} | {result.posting_seconds} s | {result.token_requests} ({scopes}) "
        f"| {result.score_requests} | {result.line_items} | {result.load_before} → {result.load_after} |",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
