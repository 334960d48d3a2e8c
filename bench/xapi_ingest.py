"""xAPI ingest benchmark: the same statements POSTed to LearnLoop and to a real Ralph LRS.

    .venv/bin/python -m bench.xapi_ingest [--singles 1000] [--batches 100] [--concurrency 1,8]

LearnLoop runs under gunicorn with 2 sync workers on a throw-away PostgreSQL database (created,
migrated, registered, dropped again), with an xAPI credential from ``learnloop xapi
create-credential``. Ralph 5.1.0 (file backend, Basic auth) runs from ``scripts/ralph.sh``, a
fresh one with an empty store for every row: its file backend reads the whole file before each
write, so a store filled by earlier rows would slow it down and flatter LearnLoop. (Its warm-up
requests go to that fresh Ralph, and the store is emptied again before timing starts.)
Statements are valid xAPI 1.0.3 shaped as Moodle's logstore_xapi sends them (account actor,
verb, activity object with definition, context, timestamp), each with its own id; every row
posts the *same* request bodies to both systems, serialized up front so the client does as
little as possible per request.

Modes: ``single`` (one statement per POST) and ``batch`` (``--batch-size`` per POST), from ``C``
concurrent clients (threads, each with its own connection: :mod:`bench.http_client`). It prints
a Markdown table: statements/s and p50/p95 latency per request as the client saw it, per
(system, mode, C); the CPU time the serving processes used per 100 statements (LearnLoop's
gunicorn workers and its PostgreSQL backends; Ralph's one process), which other load on the
machine hardly changes; and the RSS of LearnLoop's gunicorn workers before and after (and of
each Ralph at its end). ``--time-limit`` bounds the whole run; everything started is stopped and
the database dropped however it ends.

``--soak N`` instead posts N statements to LearnLoop alone, in batches, and samples the RSS of
its gunicorn workers as they go in (:mod:`bench.xapi_soak`): is memory flat over a million?
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform as host
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psycopg

from bench.client import Platform
from bench.http_client import Poster
from bench.launch import serve_learnloop, start_learnloop
from bench.report import ms, percentile
from bench.servers import REPO, free_port, learnloop_cli, start_redis
from bench.servers import throwaway_database as database
from bench.xapi_soak import cpu_seconds, rss_mib, run_soak

SYSTEMS = ("learnloop", "ralph")
MODES = ("single", "batch")
RALPH_USER, RALPH_PASSWORD = "ralph-test", "ralph-test-secret"  # what scripts/ralph.sh creates
MOODLE = "https://moodle.bench.example.edu"
PLATFORM = Platform(MOODLE, "bench-xapi-client", "bench-xapi-deployment", "unused", "")
VERBS = (
    ("http://id.tincanapi.com/verb/viewed", "viewed", "mod/page", "page", "Page"),
    ("http://adlnet.gov/expapi/verbs/attempted", "attempted", "mod/quiz", "assessment", "Quiz"),
    ("http://adlnet.gov/expapi/verbs/completed", "completed", "mod/quiz", "assessment", "Quiz"),
    ("http://adlnet.gov/expapi/verbs/answered", "answered", "mod/forum", "discussion", "Forum"),
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--singles", type=int, default=1000, help="single POSTs per row")
    parser.add_argument("--batches", type=int, default=100, help="batch POSTs per row")
    parser.add_argument("--batch-size", type=int, default=100, help="statements per batch")
    parser.add_argument("--warmup", type=int, default=20, help="requests per system and mode")
    parser.add_argument("--concurrency", default="1,8", help="comma-separated clients")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="subset of learnloop,ralph")
    parser.add_argument("--modes", default=",".join(MODES), help="subset of single,batch")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="learnloop_bench_xapi", help="created, dropped")
    parser.add_argument("--time-limit", type=float, help="seconds for the run (300; soak 3600)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--jobs",
        choices=("inline", "redis"),
        default="inline",
        help="LearnLoop's jobs: in-process (the embedded default) or Redis + a Celery worker,"
        " as in production",
    )
    parser.add_argument("--soak", type=int, metavar="N", help="post N statements, sample RSS")
    parser.add_argument("--soak-concurrency", type=int, default=4, help="clients in the soak")
    parser.add_argument("--soak-samples", type=int, default=20, help="RSS samples in the soak")
    args = parser.parse_args(argv)
    if args.time_limit is None:
        args.time_limit = 3600.0 if args.soak else 300.0
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    args.systems = [s for s in args.systems.split(",") if s]
    args.modes = [m for m in args.modes.split(",") if m]
    if set(args.systems) - set(SYSTEMS) or set(args.modes) - set(MODES):
        parser.error("unknown system or mode")
    return args


# --- the statements ---------------------------------------------------------------------------


def statement(n: int, now: dt.datetime) -> dict[str, Any]:
    """The ``n``-th statement: a Moodle learner doing something in a course activity."""
    verb_id, verb, module, activity_type, kind = VERBS[n % len(VERBS)]
    user, course, cmid = n % 500, n % 20, 1000 + n % 300
    stamp = (now - dt.timedelta(milliseconds=n)).isoformat(timespec="milliseconds")
    result = {}
    if verb == "completed":
        result = {
            "result": {
                "score": {"raw": n % 11, "min": 0, "max": 10, "scaled": n % 11 / 10},
                "completion": True,
                "success": n % 11 >= 5,
                "duration": "PT4M12S",
            }
        }
    return {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "name": f"Student {user}",
            "account": {"homePage": MOODLE, "name": str(user)},
        },
        "verb": {"id": verb_id, "display": {"en": verb}},
        "object": {
            "objectType": "Activity",
            "id": f"{MOODLE}/{module}/view.php?id={cmid}",
            "definition": {
                "type": f"http://adlnet.gov/expapi/activities/{activity_type}",
                "name": {"en": f"{kind} {cmid}"},
                "description": {"en": f"{kind} {cmid} of course {course}"},
            },
        },
        **result,
        "context": {
            "platform": "Moodle",
            "language": "en",
            "extensions": {
                "http://lrs.learninglocker.net/define/extensions/info": {
                    "https://moodle.org/": "4.3",
                    "event_name": f"\\{module.replace('/', '_')}\\event\\course_module_viewed",
                },
            },
            "contextActivities": {
                "grouping": [
                    {
                        "objectType": "Activity",
                        "id": MOODLE,
                        "definition": {
                            "type": "http://id.tincanapi.com/activitytype/lms",
                            "name": {"en": "Bench Moodle"},
                        },
                    },
                    {
                        "objectType": "Activity",
                        "id": f"{MOODLE}/course/view.php?id={course}",
                        "definition": {
                            "type": "http://id.tincanapi.com/activitytype/lms/course",
                            "name": {"en": f"Course {course}"},
                        },
                    },
                ],
                "category": [
                    {
                        "objectType": "Activity",
                        "id": "http://moodle.org",
                        "definition": {
                            "type": "http://id.tincanapi.com/activitytype/source",
                            "name": {"en": "Moodle"},
                        },
                    }
                ],
            },
        },
        "timestamp": stamp,
    }


class Statements:
    """Request bodies, serialized up front; numbering goes on across rows, so ids never repeat."""

    def __init__(self) -> None:
        self.n = 0
        self.now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)

    def bodies(self, requests_: int, per_request: int) -> list[bytes]:
        out = []
        for _ in range(requests_):
            batch = [statement(self.n + i, self.now) for i in range(per_request)]
            self.n += per_request
            out.append(json.dumps(batch[0] if per_request == 1 else batch).encode())
        return out


# --- the systems ------------------------------------------------------------------------------


@dataclass
class System:
    name: str
    endpoint: str  # …/statements
    auth: tuple[str, str]
    pids: list[int]  # processes whose RSS we report
    store: Path | None = None  # Ralph's statements file
    database: tuple[str, str] | None = None  # LearnLoop's: (server URL, database name)

    def server_pids(self) -> list[int]:
        """Every process that serves it: Ralph; LearnLoop's workers and PostgreSQL backends."""
        if self.database is None:
            return self.pids
        server, name = self.database
        with psycopg.connect(server.replace("+psycopg", "") + "/postgres") as admin:
            found = admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name])
            return self.pids + [pid for (pid,) in found]

    def empty_store(self) -> None:
        """Ralph: forget every statement (it opens its file afresh for each request)."""
        if self.store is not None and self.store.exists():
            self.store.write_bytes(b"")


def start_learnloop_xapi(args: argparse.Namespace, stack: ExitStack, workdir: Path) -> System:
    database_url = stack.enter_context(database(args.postgres, args.database))
    env = start_learnloop(stack, PLATFORM, MOODLE + "/jwks", database_url, workdir)
    if args.jobs == "redis":
        env = {**env, "LEARNLOOP_REDIS_URL": start_job_queue(stack, env, workdir)}
    server = serve_learnloop(stack, "learnloop", REPO, env, workdir)
    tenant = ["--issuer", PLATFORM.issuer, "--client-id", PLATFORM.client_id]
    tenant += ["--deployment-id", PLATFORM.deployment_id]
    created = json.loads(
        learnloop_cli(env, "xapi", "create-credential", *tenant, "--label", "bench")
    )
    workers = _children(server.process.pid)
    credential = (created["key"], created["secret"])
    where = (args.postgres, args.database)
    return System("learnloop", server.url + "/xapi/statements", credential, workers, None, where)


def start_job_queue(stack: ExitStack, env: dict[str, str], workdir: Path) -> str:
    """A Redis of its own and one Celery worker on it, as a production install runs jobs."""
    redis = start_redis(workdir)
    stack.callback(redis.stop)
    env = {**env, "LEARNLOOP_REDIS_URL": redis.url}
    command = [sys.executable, "-m", "celery", "-A", "wsgi:celery_app", "worker"]
    command += ["--concurrency", "1", "--loglevel", "WARNING"]
    log = workdir / "celery.log"
    with log.open("ab") as out:
        worker = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=out, stderr=out, start_new_session=True
        )
    stack.callback(_stop_group, worker)
    return redis.url


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def fresh_ralph(workdir: Path, name: str) -> Iterator[System]:
    """A Ralph of its own, in a new state directory, stopped on the way out."""
    state, port = workdir / name, free_port()
    script = ["bash", str(REPO / "scripts" / "ralph.sh")]
    try:
        started = subprocess.run(
            [*script, "start", str(port), str(state)], timeout=900, capture_output=True, text=True
        )
        if started.returncode != 0:
            raise RuntimeError(f"Ralph did not start:\n{started.stdout}\n{started.stderr}")
        pid = int((state / "ralph.pid").read_text())
        url = f"http://127.0.0.1:{port}/xAPI/statements"
        yield System(
            "ralph", url, (RALPH_USER, RALPH_PASSWORD), [pid], state / "data" / "fs_lrs.jsonl"
        )
    finally:
        subprocess.run([*script, "stop", str(state)], check=False, timeout=60)


def _children(pid: int) -> list[int]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
        if len(found) >= 2:
            return sorted(found)
        time.sleep(0.1)
    return sorted(found)


# --- the measurement --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    system: str
    mode: str
    concurrency: int
    requests: int
    statements: int
    errors: int
    seconds: float
    statements_per_s: float
    p50_ms: float
    p95_ms: float
    cpu_ms_per_100: float  # CPU time of the serving processes, per 100 statements stored
    first_error: str = ""


def post_all(
    system: System, bodies: list[bytes], concurrency: int, deadline: float
) -> tuple[float, list[float], list[str]]:
    """POST ``bodies`` from ``concurrency`` threads; (wall seconds, latencies, errors)."""
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors: list[list[str]] = [[] for _ in range(concurrency)]
    start = threading.Barrier(concurrency + 1)
    headers = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}

    def client(k: int) -> None:
        with Poster(system.endpoint, system.auth, headers) as poster:
            start.wait()
            for body in bodies[k::concurrency]:
                if time.time() >= deadline:
                    break
                began = time.perf_counter()
                try:
                    status, answer = poster.post(body)
                except OSError as error:
                    status, answer = 0, str(error).encode()
                latencies[k].append(time.perf_counter() - began)
                if status != 200:
                    errors[k].append(f"{status}: {answer[:300].decode(errors='replace')}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(concurrency)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return (
        time.perf_counter() - began,
        [x for part in latencies for x in part],
        [e for part in errors for e in part],
    )


def measure(
    args: argparse.Namespace, learnloop: System | None, workdir: Path, deadline: float
) -> tuple[list[Row], dict[str, list[float]]]:
    """Every (mode, C) row for each system; and Ralph's RSS at the end of each of its rows."""
    made = Statements()
    rows, ralph_rss = [], []
    for mode in args.modes:
        per_request = 1 if mode == "single" else args.batch_size
        warm = made.bodies(args.warmup, per_request)
        if learnloop is not None:
            post_all(learnloop, warm, 1, deadline)
        for concurrency in args.concurrency:
            count = args.singles if mode == "single" else args.batches
            bodies = made.bodies(count, per_request)
            for name in args.systems:  # the same bodies to each system
                row = (mode, concurrency, per_request)
                if name == "learnloop" and learnloop is not None:
                    rows.append(run_row(learnloop, row, bodies, deadline))
                    continue
                with fresh_ralph(workdir, f"ralph-{mode}-{concurrency}") as ralph:
                    post_all(ralph, warm, 1, deadline)
                    ralph.empty_store()
                    rows.append(run_row(ralph, row, bodies, deadline))
                    ralph_rss += rss_mib(ralph.pids)
    return rows, {"ralph": ralph_rss} if ralph_rss else {}


def run_row(
    system: System, row_of: tuple[str, int, int], bodies: list[bytes], deadline: float
) -> Row:
    """POST ``bodies`` to ``system`` as one row: (mode, C, statements per request)."""
    mode, concurrency, per_request = row_of
    serving = system.server_pids()
    cpu_before = cpu_seconds(serving)
    seconds, latencies, errors = post_all(system, bodies, concurrency, deadline)
    used = zip(cpu_seconds(serving), cpu_before, strict=True)
    cpu = sum(max(0.0, after - before) for after, before in used)  # a pid may have gone
    ok = (len(latencies) - len(errors)) * per_request
    row = Row(
        system=system.name,
        mode=mode,
        concurrency=concurrency,
        requests=len(latencies),
        statements=ok,
        errors=len(errors),
        seconds=round(seconds, 2),
        statements_per_s=round(ok / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=ms(percentile(latencies, 50)),
        p95_ms=ms(percentile(latencies, 95)),
        cpu_ms_per_100=round(cpu * 1000 / ok * 100, 1) if ok else 0.0,
        first_error=errors[0] if errors else "",
    )
    print(
        f"{row.system} {row.mode} C={row.concurrency}: {row.statements_per_s}/s, "
        f"p50 {row.p50_ms} p95 {row.p95_ms} ms, {row.cpu_ms_per_100} CPU ms per 100, "
        f"{row.requests} requests, {row.errors} errors",
        file=sys.stderr,
        flush=True,
    )
    return row


def report(
    args: argparse.Namespace,
    rows: list[Row],
    memory: dict[str, tuple[list[float], list[float]]],
    ralph_rss: dict[str, list[float]],
    load: tuple[float, float],
) -> None:
    print(
        f"{dt.datetime.now().isoformat(timespec='minutes')} · {host.machine()} · "
        f"{os.cpu_count()} cores · Python {host.python_version()} · load average "
        f"{load[0]:.2f} before, {load[1]:.2f} after · {args.singles} single POSTs and "
        f"{args.batches} batches of {args.batch_size} per row, after {args.warmup} warm-up "
        "requests per system and mode\n"
    )
    print(
        "| mode | C | system | statements/s | p50 / request | p95 / request "
        "| server CPU per 100 statements | requests | errors |"
    )
    print("|---|--:|---|--:|--:|--:|--:|--:|--:|")
    for r in rows:
        print(
            f"| {r.mode} | {r.concurrency} | {r.system} | {r.statements_per_s:.1f} | "
            f"{r.p50_ms:.1f} ms | {r.p95_ms:.1f} ms | {r.cpu_ms_per_100:.1f} ms | "
            f"{r.requests} | {r.errors} |"
        )
    by_key = {(r.system, r.mode, r.concurrency): r for r in rows}
    print()
    for mode in args.modes:
        for c in args.concurrency:
            ll, ralph = by_key.get(("learnloop", mode, c)), by_key.get(("ralph", mode, c))
            if ll and ralph and ralph.statements_per_s and ll.cpu_ms_per_100:
                ratio = ll.statements_per_s / ralph.statements_per_s
                cpu = ralph.cpu_ms_per_100 / ll.cpu_ms_per_100
                print(
                    f"- {mode} C={c}: LearnLoop {ratio:.1f}× Ralph's statements/s; "
                    f"Ralph uses {cpu:.1f}× LearnLoop's server CPU per statement"
                )
    for name, (before, after) in memory.items():
        print(f"- {name} RSS (MiB) before {before}, after {after}")
    for name, after in ralph_rss.items():
        print(f"- {name} RSS (MiB) at the end of each of its rows (a fresh Ralph each): {after}")
    expected = {"single": args.singles, "batch": args.batches}
    for r in rows:
        if r.requests < expected[r.mode]:
            print(f"- {r.system} {r.mode} C={r.concurrency}: stopped by --time-limit")
        if r.first_error:
            print(f"- {r.system} {r.mode} C={r.concurrency} first error: {r.first_error}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    deadline = time.time() + args.time_limit
    load_before = os.getloadavg()[0]
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-xapi-")))
        learnloop = None
        if "learnloop" in args.systems or args.soak:
            learnloop = start_learnloop_xapi(args, stack, workdir)
        if args.soak:
            assert learnloop is not None
            return soak(args, learnloop, deadline, load_before)
        before = rss_mib(learnloop.pids) if learnloop else []
        rows, ralph_rss = measure(args, learnloop, workdir, deadline)
        memory = {"learnloop": (before, rss_mib(learnloop.pids))} if learnloop else {}
    report(args, rows, memory, ralph_rss, (load_before, os.getloadavg()[0]))
    if args.json:
        results = {"rows": [asdict(r) for r in rows], "rss_mib": memory, "ralph_rss": ralph_rss}
        args.json.write_text(json.dumps(results))
    return 1 if any(r.errors or not r.requests for r in rows) else 0


def soak(args: argparse.Namespace, learnloop: System, deadline: float, load: float) -> int:
    result = run_soak(
        learnloop,
        statements=args.soak,
        batch_size=args.batch_size,
        concurrency=args.soak_concurrency,
        samples=args.soak_samples,
        deadline=deadline,
        make=Statements(),
        load_before=load,
    )
    if args.json:
        args.json.write_text(json.dumps(asdict(result)))
    return 0 if result.errors == 0 and result.statements >= args.soak else 1


if __name__ == "__main__":
    sys.exit(main())
