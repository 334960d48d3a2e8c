"""xAPI ingest benchmark: the same statements POSTed to LearnLoop and to a real Ralph LRS.

    .venv/bin/python -m bench.xapi_ingest [--singles 1000] [--batches 100] [--concurrency 1,8]

LearnLoop runs under gunicorn with 2 sync workers on a throw-away PostgreSQL database (created,
migrated, registered, dropped again), with an xAPI credential from ``learnloop xapi
create-credential``. Ralph 5.1.0 (file backend, Basic auth) runs from ``scripts/ralph.sh`` in a
fresh state directory. Statements are valid xAPI 1.0.3 shaped as Moodle's logstore_xapi sends
them (account actor, verb, activity object with definition, context, timestamp), each with its
own id; every row posts the *same* request bodies to both systems, serialized up front so the
client does as little as possible per request.

Modes: ``single`` (one statement per POST) and ``batch`` (``--batch-size`` per POST), from
``C`` concurrent clients (threads, a ``requests.Session`` each). It prints a Markdown table:
statements/s and p50/p95 latency per request as the client saw it, per (system, mode, C), and
the RSS of LearnLoop's gunicorn workers (and of Ralph) before and after. ``--time-limit``
bounds the whole run; everything started is stopped and the database dropped however it ends.
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
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import requests

from bench.client import Platform
from bench.launch import serve_learnloop, start_learnloop
from bench.report import ms, percentile
from bench.servers import REPO, free_port, learnloop_cli
from bench.servers import throwaway_database as database

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
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds for the run")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
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


def start_learnloop_xapi(args: argparse.Namespace, stack: ExitStack, workdir: Path) -> System:
    database_url = stack.enter_context(database(args.postgres, args.database))
    env = start_learnloop(stack, PLATFORM, MOODLE + "/jwks", database_url, workdir)
    server = serve_learnloop(stack, "learnloop", REPO, env, workdir)
    tenant = ["--issuer", PLATFORM.issuer, "--client-id", PLATFORM.client_id]
    tenant += ["--deployment-id", PLATFORM.deployment_id]
    created = json.loads(
        learnloop_cli(env, "xapi", "create-credential", *tenant, "--label", "bench")
    )
    workers = _children(server.process.pid)
    return System(
        "learnloop", server.url + "/xapi/statements", (created["key"], created["secret"]), workers
    )


def start_ralph(stack: ExitStack, workdir: Path) -> System:
    state, port = workdir / "ralph", free_port()
    script = ["bash", str(REPO / "scripts" / "ralph.sh")]
    stop = [*script, "stop", str(state)]
    stack.callback(lambda: subprocess.run(stop, check=False, timeout=60))
    subprocess.run([*script, "start", str(port), str(state)], check=True, timeout=900)
    pid = int((state / "ralph.pid").read_text())
    url = f"http://127.0.0.1:{port}/xAPI/statements"
    return System("ralph", url, (RALPH_USER, RALPH_PASSWORD), [pid])


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


def rss_mib(pids: list[int]) -> list[float]:
    sizes = []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(round(int(line.split()[1]) / 1024, 1))
        except OSError:
            sizes.append(float("nan"))
    return sizes


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
        with requests.Session() as session:
            session.auth = system.auth
            session.headers.update(headers)
            start.wait()
            for body in bodies[k::concurrency]:
                if time.time() >= deadline:
                    break
                began = time.perf_counter()
                try:
                    response = session.post(system.endpoint, data=body, timeout=60)
                    status, text = response.status_code, response.text
                except requests.RequestException as error:
                    status, text = 0, str(error)
                latencies[k].append(time.perf_counter() - began)
                if status != 200:
                    errors[k].append(f"{status}: {text[:300]}")

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


def measure(args: argparse.Namespace, systems: dict[str, System], deadline: float) -> list[Row]:
    made = Statements()
    rows = []
    for mode in args.modes:
        per_request = 1 if mode == "single" else args.batch_size
        warm = made.bodies(args.warmup, per_request)
        for system in systems.values():
            post_all(system, warm, 1, deadline)
        for concurrency in args.concurrency:
            count = args.singles if mode == "single" else args.batches
            bodies = made.bodies(count, per_request)
            for system in systems.values():  # the same bodies to each system
                seconds, latencies, errors = post_all(system, bodies, concurrency, deadline)
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
                    first_error=errors[0] if errors else "",
                )
                rows.append(row)
                print(
                    f"{row.system} {row.mode} C={row.concurrency}: {row.statements_per_s}/s, "
                    f"p50 {row.p50_ms} p95 {row.p95_ms} ms, {row.requests} requests, "
                    f"{row.errors} errors",
                    file=sys.stderr,
                    flush=True,
                )
    return rows


def report(
    args: argparse.Namespace,
    rows: list[Row],
    memory: dict[str, tuple[list[float], list[float]]],
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
        "| mode | C | system | statements/s | p50 / request | p95 / request | requests | errors |"
    )
    print("|---|--:|---|--:|--:|--:|--:|--:|")
    for r in rows:
        print(
            f"| {r.mode} | {r.concurrency} | {r.system} | {r.statements_per_s:.1f} | "
            f"{r.p50_ms:.1f} ms | {r.p95_ms:.1f} ms | {r.requests} | {r.errors} |"
        )
    by_key = {(r.system, r.mode, r.concurrency): r for r in rows}
    print()
    for mode in args.modes:
        for c in args.concurrency:
            ll, ralph = by_key.get(("learnloop", mode, c)), by_key.get(("ralph", mode, c))
            if ll and ralph and ralph.statements_per_s:
                ratio = ll.statements_per_s / ralph.statements_per_s
                print(f"- {mode} C={c}: LearnLoop {ratio:.1f}× Ralph's statements/s")
    for name, (before, after) in memory.items():
        print(f"- {name} RSS (MiB) before {before}, after {after}")
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
        systems: dict[str, System] = {}
        if "learnloop" in args.systems:
            systems["learnloop"] = start_learnloop_xapi(args, stack, workdir)
        if "ralph" in args.systems:
            systems["ralph"] = start_ralph(stack, workdir)
        before = {s.name: rss_mib(s.pids) for s in systems.values()}
        rows = measure(args, systems, deadline)
        memory = {s.name: (before[s.name], rss_mib(s.pids)) for s in systems.values()}
    report(args, rows, memory, (load_before, os.getloadavg()[0]))
    if args.json:
        args.json.write_text(json.dumps({"rows": [asdict(r) for r in rows], "rss_mib": memory}))
    return 1 if any(r.errors or not r.requests for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
