"""Role paths progress benchmark: generated learners, paths and statements on PostgreSQL.

    .venv/bin/python -m bench.progress [--learners 10000] [--paths 50] [--statements 1000000]
        [--batches 200] [--summaries 500] [--pages 300]

In a throw-away PostgreSQL database (created, migrated, dropped), one tenant gets ``--paths``
published paths (20 steps each: exact-activity rules, prefix rules with a success condition, and
steps without a rule), ``--learners`` learners, each on one path with their resolved xAPI actor,
and ``--statements`` statements (bulk loaded with COPY): about 45% match a step of their
learner's path, the rest are other Moodle activity; 30% carry a result with a duration. Then:

- **full recompute of the tenant** (``paths.recompute_tenant``), timed, from no evidence at all
  and once more (nothing left to add);
- **progress per batch**: once the database has settled after the recompute (``VACUUM
  (ANALYZE)`` and ``CHECKPOINT``, as autovacuum and the checkpointer would by then),
  ``--batches`` batches of 100 new statements (two of them voiding an earlier matched statement)
  are loaded, and the ``paths.statements_recorded`` job that a batch starts is timed, as the
  worker (or, without Redis, the listener) runs it — after 5 untimed warm-up batches;
- **the learner's summary** (``services.progress.summary``, all the learner page renders) for
  ``--summaries`` random learners; and **the learner page** (``GET /paths/mine``) through the
  Flask test client for ``--pages`` of them, when the page exists.

It prints a Markdown summary: p50/p95/max per measurement, with the date, load average and
commit. Targets (issue 5): a batch ≤ 50 ms p95, the learner page ≤ 50 ms p95 server time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform as host
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from flask import Flask

from bench.report import percentile
from bench.servers import REPO, throwaway_database

ISSUER = "https://moodle.bench.example.edu"
LMS = ISSUER
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
VIEWED = "http://id.tincanapi.com/verb/viewed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
SKILLS = [f"skill-{n:02d}" for n in range(20)]
STAGES = (("core", 6), ("advanced", 6), ("leadership", 4), ("specialist", 4))
BATCH = 100
WARMUP_BATCHES = 5


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--paths", type=int, default=50)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--summaries", type=int, default=500)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL (no database): a throw-away database is made there",
    )
    return parser.parse_args(argv)


# -- generated content -------------------------------------------------------------------------


def activity_of(path: int, step: int) -> str:
    return f"{LMS}/mod/page/view.php?id={path * 100 + step}"


def prefix_of(path: int, step: int) -> str:
    return f"{LMS}/mod/quiz/view.php?id={path * 100 + step}&attempt="


def definition(path: int) -> dict[str, Any]:
    """A role's path: 20 steps in four stages; 12 exact rules, 4 prefix rules, 4 without."""
    rng = random.Random(path)  # noqa: S311  # generated test data, not secrets
    priorities = rng.sample(SKILLS, 5)
    stages, n = [], 0
    for key, count in STAGES:
        steps = []
        for _ in range(count):
            step: dict[str, Any] = {
                "key": f"s{n:02d}",
                "kind": "activity",
                "title": {"en": f"Step {n}", "nl": f"Stap {n}"},
                "skills": [{"skill": rng.choice(priorities), "weight": rng.choice([1, 2])}],
            }
            if n % 5 == 4:
                step["kind"] = "checkin"
            elif n % 5 == 3:
                step["evidence"] = {
                    "verbs": [COMPLETED],
                    "activity": prefix_of(path, n),
                    "match": "prefix",
                    "success": True,
                }
            else:
                step["evidence"] = {
                    "verbs": [COMPLETED, EXPERIENCED],
                    "activity": activity_of(path, n),
                }
            if n % 6 == 5:
                step["depends_on"] = [f"s{n - 1:02d}"]
            steps.append(step)
            n += 1
        stages.append(
            {
                "key": key,
                "reflection_questions": [
                    {"key": f"q-{key}", "text": {"en": "What did you learn?"}}
                ],
                "steps": steps,
            }
        )
    return {
        "role": {"key": f"role-{path:02d}", "name": {"en": f"Role {path}", "nl": f"Rol {path}"}},
        "title": {"en": f"Path {path}"},
        "skills": [{"key": key, "name": {"en": key}} for key in SKILLS],
        "priority_skills": priorities,
        "stages": stages,
    }


@dataclass
class World:
    tenant: int
    paths: list[int]  # path ids, by path number
    users: list[int]  # user ids, by learner number
    actor_keys: list[str]
    path_of: list[int]  # path number of each learner
    matched: list[str]  # ids of statements that match a rule (for voiding)


class Statements:
    """Statement rows for COPY, shaped as Moodle's logstore sends them."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng
        self.now = dt.datetime.now(dt.UTC)

    def row(self, learner: int) -> tuple[Any, ...]:
        rng, world = self.rng, self.world
        path = world.path_of[learner]
        step = rng.randrange(20)
        matches = rng.random() < 0.45 and step % 5 != 4
        if matches and step % 5 == 3:
            activity, verb = prefix_of(path, step) + str(rng.randrange(9)), COMPLETED
        elif matches:
            activity, verb = activity_of(path, step), rng.choice([COMPLETED, EXPERIENCED])
        else:
            activity, verb = f"{LMS}/mod/forum/view.php?id={rng.randrange(5000)}", VIEWED
        when = self.now - dt.timedelta(seconds=rng.randrange(120 * 86400))
        statement_id = str(uuid.uuid4())
        statement: dict[str, Any] = {
            "id": statement_id,
            "actor": {"account": {"homePage": ISSUER, "name": f"u{learner}"}, "name": "Learner"},
            "verb": {"id": verb, "display": {"en": verb.rsplit("/", 1)[-1]}},
            "object": {"id": activity, "objectType": "Activity"},
            "timestamp": when.isoformat(),
            "context": {"platform": "Moodle", "language": "en"},
        }
        if rng.random() < 0.3:
            statement["result"] = {
                "duration": f"PT{rng.randrange(1, 90)}M",
                "success": rng.random() < 0.8,
                "score": {"scaled": round(rng.random(), 2)},
            }
        if matches:
            world.matched.append(statement_id)
        return (
            world.tenant,
            statement_id,
            json.dumps(statement),
            json.dumps({"stored": self.now.isoformat()}),
            self.now,
            when,
            verb,
            activity,
            world.actor_keys[learner],
            False,
        )

    def voiding(self, target: str) -> tuple[Any, ...]:
        statement_id = str(uuid.uuid4())
        statement = {
            "id": statement_id,
            "actor": {"mbox": "mailto:lrs-admin@bench.example.edu"},
            "verb": {"id": VOIDED},
            "object": {"objectType": "StatementRef", "id": target},
        }
        return (
            self.world.tenant,
            statement_id,
            json.dumps(statement),
            "{}",
            self.now,
            self.now,
            VOIDED,
            None,
            "mbox:mailto:lrs-admin@bench.example.edu",
            False,
            target,
        )


STATEMENT_COLUMNS = (
    "tenant_id, statement_id, received, assigned, stored, timestamp, verb_id, activity_id, "
    "actor_key, voided"
)


# -- loading -----------------------------------------------------------------------------------


def setup(app: Flask, url: str, args: argparse.Namespace, rng: random.Random) -> World:
    from lti_tool.core.db import commit_or_rollback
    from lti_tool.lti.registrations import RegistrationInput, register
    from lti_tool.lti.services import dispatch
    from lti_tool.paths.services import path_versions
    from xapi import keys

    with app.app_context(), commit_or_rollback():
        registration, deployments = register(
            RegistrationInput(
                issuer=ISSUER,
                client_id="bench-paths",
                auth_login_url=ISSUER + "/auth",
                auth_token_url=ISSUER + "/token",
                key_set_url=ISSUER + "/jwks",
                deployment_ids=("bench-deployment",),
            )
        )
        tenant, registration_id = deployments[0].id, registration.id
    paths = []
    for n in range(args.paths):
        with app.app_context(), commit_or_rollback():
            paths.append(path_versions.save_definition(tenant, definition(n), None).path_id)
    with app.app_context():
        dispatch.wait_for_background(app)
    now = dt.datetime.now(dt.UTC)
    path_of = [n % args.paths for n in range(args.learners)]
    with psycopg.connect(url) as conn:
        with conn.cursor().copy(
            "COPY lti_user (registration_id, sub, name, created_at) FROM STDIN"
        ) as copy:
            for n in range(args.learners):
                copy.write_row((registration_id, f"u{n}", f"Learner {n}", now))
        users = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM lti_user WHERE registration_id = %s ORDER BY id", (registration_id,)
            )
        ]
        actor_keys = [keys.account_key(ISSUER, f"u{n}") for n in range(args.learners)]
        with conn.cursor().copy(
            "COPY xapi_actor (tenant_id, actor_key, user_id, matched_by, checked_at, created_at)"
            " FROM STDIN"
        ) as copy:
            for n, user in enumerate(users):
                copy.write_row((tenant, actor_keys[n], user, "account", now, now))
        with conn.cursor().copy(
            "COPY paths_enrolment (tenant_id, user_id, path_id, branch, chosen_by,"
            " weekly_goal_minutes, enrolled_at) FROM STDIN"
        ) as copy:
            for n, user in enumerate(users):
                branch = rng.choice([None, "leadership", "specialist"])
                copy.write_row((tenant, user, paths[path_of[n]], branch, "launch", 60, now))
    return World(tenant, paths, users, actor_keys, path_of, [])


def load_statements(url: str, world: World, count: int, rng: random.Random) -> list[str]:
    """COPY ``count`` statements of random learners; their ids."""
    make = Statements(world, rng)
    ids = []
    with psycopg.connect(url) as conn:
        with conn.cursor().copy(f"COPY xapi_statement ({STATEMENT_COLUMNS}) FROM STDIN") as copy:
            for _ in range(count):
                row = make.row(rng.randrange(len(world.users)))
                ids.append(row[1])
                copy.write_row(row)
        conn.execute("ANALYZE")
    return ids


def load_batch(conn: psycopg.Connection[Any], world: World, rng: random.Random) -> list[str]:
    """100 new statements, two of them voiding an earlier matched one (as the store marks)."""
    make = Statements(world, rng)
    rows = [make.row(rng.randrange(len(world.users))) for _ in range(BATCH - 2)]
    targets = rng.sample(world.matched[:-BATCH], 2)
    voiding = [make.voiding(target) for target in targets]
    with conn.transaction():
        with conn.cursor().copy(f"COPY xapi_statement ({STATEMENT_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        with conn.cursor().copy(
            f"COPY xapi_statement ({STATEMENT_COLUMNS}, voids_id) FROM STDIN"
        ) as copy:
            for row in voiding:
                copy.write_row(row)
        conn.execute(
            "UPDATE xapi_statement SET voided = true"
            " WHERE tenant_id = %s AND statement_id = ANY(%s)",
            (world.tenant, targets),
        )
    return [row[1] for row in rows] + [row[1] for row in voiding]


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    seconds: list[float]

    def line(self) -> str:
        ms = [s * 1000 for s in self.seconds]
        return (
            f"| {self.name} | {len(ms)} | {percentile(ms, 50):.1f} ms | "
            f"{percentile(ms, 95):.1f} ms | {max(ms):.1f} ms |"
        )


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def measure_batches(app: Flask, url: str, world: World, count: int, rng: random.Random) -> Timing:
    from lti_tool.paths import tasks

    seconds = []
    # One connection for the "listener" that stores each batch, kept open as a pool keeps it.
    with psycopg.connect(url, autocommit=True) as listener:
        for n in range(WARMUP_BATCHES + count):
            ids = load_batch(listener, world, rng)
            with app.app_context():
                took, _ = timed(
                    lambda ids=ids: tasks.statements_recorded.delay(world.tenant, ids).get()
                )
            if n >= WARMUP_BATCHES:
                seconds.append(took)
    return Timing(f"progress job per batch of {BATCH} new statements", seconds)


def measure_summaries(app: Flask, world: World, learners: list[int]) -> Timing:
    from lti_tool.paths.services import progress

    seconds = []
    for n in learners:
        with app.app_context():
            took, found = timed(lambda n=n: progress.summary(world.tenant, world.users[n]))
            assert found is not None
        seconds.append(took)
    return Timing("`summary()` of a learner (service)", seconds)


def measure_pages(app: Flask, world: World, learners: list[int]) -> Timing | None:
    if "paths.my_path" not in app.view_functions:
        return None
    from lti_tool.core.db import commit_or_rollback
    from lti_tool.lti.models import Context, Membership
    from lti_tool.lti.viewer import token_for

    learner_role = json.dumps(["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"])
    with app.app_context(), commit_or_rollback() as session:
        course = Context(tenant_id=world.tenant, context_id="bench-course", title="Bench")
        session.add(course)
        session.flush()
        memberships = [
            Membership(
                tenant_id=world.tenant,
                context_id=course.id,
                user_id=world.users[n],
                roles_json=learner_role,
            )
            for n in learners
        ]
        session.add_all(memberships)
        session.flush()
        ids = [m.id for m in memberships]
    with app.test_request_context():
        tokens = [token_for(membership, world.tenant) for membership in ids]
    client = app.test_client()
    seconds = []
    for token in tokens[:5]:  # warm-up: templates compiled, translations loaded
        assert client.get("/paths/mine", query_string={"lt": token}).status_code == 200
    for token in tokens:
        took, response = timed(lambda t=token: client.get("/paths/mine", query_string={"lt": t}))
        assert response.status_code == 200, response.status_code
        seconds.append(took)
    return Timing("learner page `GET /paths/mine` (test client, in-process)", seconds)


def settle(url: str) -> None:
    """The state a live database is in by the time the next batch arrives: autovacuum has
    vacuumed and analyzed the rows the recompute wrote (so the planner knows them), and the
    checkpoint they caused is over. Measuring in the middle of either would time them instead."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        conn.execute("CHECKPOINT")


def recompute(app: Flask, tenant: int) -> tuple[float, dict[str, int]]:
    from lti_tool.paths import tasks

    with app.app_context():
        return timed(lambda: tasks.recompute_tenant.delay(tenant).get())


# -- the run -----------------------------------------------------------------------------------


@dataclass
class Report:
    setup_seconds: float
    load_seconds: float
    recompute: list[tuple[float, dict[str, int]]]
    timings: list[Timing]


def run(args: argparse.Namespace) -> Report:
    rng = random.Random(args.seed)  # noqa: S311  # reproducible test data, not secrets
    with throwaway_database(args.server, "learnloop_bench_progress") as url:
        from lti_tool import create_app
        from lti_tool.core import migrate

        migrate.upgrade(url=url)
        app = create_app(
            {"DATABASE_URL": url, "SECRET_KEY": "bench-" * 8, "BASE_URL": "http://127.0.0.1:5000"}
        )
        plain = url.replace("+psycopg", "")
        setup_seconds, world = timed(lambda: setup(app, plain, args, rng))
        load_seconds, _ = timed(lambda: load_statements(plain, world, args.statements, rng))
        print(f"loaded in {setup_seconds:.0f} s + {load_seconds:.0f} s", file=sys.stderr)
        recomputes = [recompute(app, world.tenant), recompute(app, world.tenant)]
        settle(plain)
        timings = [measure_batches(app, plain, world, args.batches, rng)]
        sample = rng.sample(range(len(world.users)), max(args.summaries, args.pages))
        timings.append(measure_summaries(app, world, sample[: args.summaries]))
        page = measure_pages(app, world, sample[: args.pages])
        if page is not None:
            timings.append(page)
        with app.app_context():
            from lti_tool.core.db import db

            db.engine.dispose()
    return Report(setup_seconds, load_seconds, recomputes, timings)


def commit() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip() + " + working tree"


def print_report(args: argparse.Namespace, report: Report, load: tuple[float, float]) -> None:
    print(
        f"{dt.datetime.now().isoformat(timespec='minutes')} · {host.machine()} · "
        f"{os.cpu_count()} cores · Python {host.python_version()} · commit {commit()} · load "
        f"average {load[0]:.2f} before, {load[1]:.2f} after · {args.learners} learners, "
        f"{args.paths} paths, {args.statements} statements (setup {report.setup_seconds:.0f} s, "
        f"COPY {report.load_seconds:.0f} s)\n"
    )
    print("| measurement | n | p50 | p95 | max |")
    print("|---|--:|--:|--:|--:|")
    for timing in report.timings:
        print(timing.line())
    print()
    for label, (seconds, counts) in zip(
        ("from no evidence", "again (nothing to add)"), report.recompute, strict=True
    ):
        print(
            f"- full recompute of the tenant, {label}: {seconds:.1f} s "
            f"({counts['evidence']} evidence rows, {counts['time']} time entries, "
            f"{counts['learners']} learners changed)"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_before = os.getloadavg()[0]
    report = run(args)
    print_report(args, report, (load_before, os.getloadavg()[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
