"""Launch benchmark: full OIDC login + launch round trips, LearnLoop against plain pylti1p3.

    .venv/bin/python -m bench.launch [--round-trips 2000] [--concurrency 1,4]

Every tool runs under gunicorn with 2 sync workers on loopback: LearnLoop on a throw-away
PostgreSQL database; the reference tool (``bench/reference_tool/app.py``) on pylti1p3's Flask
integration as its own example sets it up, once as is (``reference``: the platform JWKS fetched
on every launch) and once with pylti1p3's JWKS cache on (``reference-jwks-cached``). This
process is the platform: it serves its JWKS, signs each id_token with the nonce the tool issued,
and drives ``C`` virtual users, one process each. After a warm-up, the tools take turns round by
round (``--rounds``), so background load falls on them alike.

It prints a Markdown table for ``docs/BENCHMARKS.md``: launches/s, p50/p95 of the whole round
trip as the client saw it, and p50/p95 of the server's own time for ``POST /lti/launch`` and
``POST /lti/login`` (gunicorn's access log, ``%(D)s``). ``--also NAME=DIR`` adds LearnLoop from
another source tree (before/after comparisons). Everything it started is stopped and the
database dropped however the run ends; ``--time-limit`` bounds the whole run.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench.client import Job, JwksServer, Platform, Sample, Target, new_private_pem, run_job
from bench.report import Result, ms, one_line, percentile, print_report
from bench.servers import REPO, Server, free_port, learnloop_cli, start_gunicorn, start_redis
from bench.servers import throwaway_database as database

PLATFORM_ISSUER = "https://bench-lms.example.edu"
TOOLS = ("learnloop", "reference", "reference-jwks-cached")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round-trips", type=int, default=2000, help="per tool and concurrency")
    parser.add_argument("--warmup", type=int, default=200, help="round trips before measuring")
    parser.add_argument("--rounds", type=int, default=4, help="tools alternate, round by round")
    parser.add_argument("--concurrency", default="1,4", help="comma-separated virtual users")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"subset of {', '.join(TOOLS)}")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="learnloop_bench", help="created, then dropped")
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds for the run")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="also run LearnLoop from another source tree with the same schema, as tool "
        "learnloop@NAME (repeatable); e.g. main as committed: git archive HEAD | tar -x -C DIR",
    )
    args = parser.parse_args(argv)
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    args.tools = [t for t in args.tools.split(",") if t]
    if unknown := set(args.tools) - set(TOOLS):
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    args.sources = {"learnloop": REPO}
    for also in args.also:
        name, _, source = also.partition("=")
        if not name or not Path(source, "wsgi.py").is_file():
            parser.error(f"--also {also!r}: want NAME=DIR, DIR holding LearnLoop's wsgi.py")
        args.sources[f"learnloop@{name}"] = Path(source).resolve()
    if args.also and "learnloop" not in args.tools:
        parser.error("--also needs the learnloop tool")
    position = args.tools.index("learnloop") + 1 if args.also else 0
    args.tools[position:position] = [name for name in args.sources if name != "learnloop"]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM (e.g. from `timeout`) unwinds like an error: servers stopped, database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    deadline = time.time() + args.time_limit
    platform = Platform(
        PLATFORM_ISSUER, "bench-client", "bench-deployment", "bench-key-1", new_private_pem()
    )
    load_before = os.getloadavg()[0]
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-launch-")))
        jwks = stack.enter_context(JwksServer(platform.jwks))
        servers = start_tools(args, stack, platform, jwks.url, workdir)
        results = measure(args, platform, servers, deadline)
    load = (load_before, os.getloadavg()[0])
    print_report(
        results, round_trips=args.round_trips, rounds=args.rounds, warmup=args.warmup, load=load
    )
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 1 if any(r.errors or not r.round_trips for r in results) else 0


def start_tools(
    args: argparse.Namespace, stack: ExitStack, platform: Platform, jwks_url: str, workdir: Path
) -> dict[str, Server]:
    servers: dict[str, Server] = {}
    if "learnloop" in args.tools:
        database_url = stack.enter_context(database(args.postgres, args.database))
        env = start_learnloop(stack, platform, jwks_url, database_url, workdir)
        for name, source in args.sources.items():
            servers[name] = serve_learnloop(stack, name, source, env, workdir)
    reference = [t for t in args.tools if t.startswith("reference")]
    if reference:
        redis = start_redis(workdir)
        stack.callback(redis.stop)
        key_file = workdir / "reference-tool-key.pem"
        key_file.write_text(new_private_pem())  # same size as LearnLoop's tool keys: RSA 2048
        for name in reference:
            config = reference_config(platform, jwks_url, redis.url, key_file, name)
            servers[name] = start_reference(stack, name, config, workdir)
    return servers


def start_learnloop(
    stack: ExitStack, platform: Platform, jwks_url: str, database_url: str, workdir: Path
) -> dict[str, str]:
    """Migrate and register LearnLoop's database; the environment its servers share."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNLOOP_")}
    env.update(
        PYTHONPATH=str(REPO),  # this tree's code, also where another checkout is installed
        LEARNLOOP_DATABASE_URL=database_url,
        LEARNLOOP_SECRET_KEY=secrets.token_urlsafe(48),
        LEARNLOOP_INSTANCE_PATH=str(workdir / "instance"),
    )
    learnloop_cli(env, "db", "upgrade")
    register = ["register", "--issuer", platform.issuer, "--client-id", platform.client_id]
    register += ["--auth-login-url", platform.issuer + "/auth"]
    register += ["--auth-token-url", platform.issuer + "/token"]
    register += ["--jwks-url", jwks_url, "--deployment-id", platform.deployment_id]
    learnloop_cli(env, *register)
    return env


def serve_learnloop(
    stack: ExitStack, name: str, source: Path, env: dict[str, str], workdir: Path
) -> Server:
    port = free_port()
    # LEARNLOOP_BASE_URL names the port it is served on: launches must target it.
    env = {**env, "LEARNLOOP_BASE_URL": f"http://127.0.0.1:{port}", "PYTHONPATH": str(source)}
    server = start_gunicorn(
        name, "wsgi:app", port=port, cwd=source, env=env, workdir=workdir, health="/lti/jwks.json"
    )
    stack.callback(server.stop)
    return server


def reference_config(
    platform: Platform, jwks_url: str, cache_url: str, key_file: Path, name: str
) -> dict[str, Any]:
    """The same registration LearnLoop gets from ``learnloop register``, as a ToolConfDict."""
    registration = {
        "default": True,
        "client_id": platform.client_id,
        "auth_login_url": platform.issuer + "/auth",
        "auth_token_url": platform.issuer + "/token",
        "key_set_url": jwks_url,
        "key_set": None,
        "deployment_ids": [platform.deployment_id],
    }
    return {
        "tool_conf": {platform.issuer: [registration]},
        "private_key_file": str(key_file),
        "secret_key": secrets.token_urlsafe(48),
        "cache_url": cache_url,
        "cache_prefix": f"{name}-",
        "public_key_cache": name == "reference-jwks-cached",
    }


def start_reference(stack: ExitStack, name: str, config: dict[str, Any], workdir: Path) -> Server:
    config_file = workdir / f"{name}.json"
    config_file.write_text(json.dumps(config))
    env = {**os.environ, "REFERENCE_CONFIG": str(config_file)}
    server = start_gunicorn(
        name,
        "app:app",
        port=free_port(),
        cwd=REPO / "bench" / "reference_tool",
        env=env,
        workdir=workdir,
        health="/health",
    )
    stack.callback(server.stop)
    return server


def measure(
    args: argparse.Namespace, platform: Platform, servers: dict[str, Server], deadline: float
) -> list[Result]:
    results = []
    for concurrency in args.concurrency:
        # One process per virtual user, so the client's GIL is not what limits the tools.
        with ProcessPoolExecutor(concurrency, mp_context=get_context("spawn")) as pool:
            phases = {
                name: Phase(
                    pool,
                    platform,
                    Target(name, servers[name].url),
                    servers[name],
                    concurrency,
                    deadline,
                )
                for name in args.tools
            }
            for phase in phases.values():
                phase.run(args.warmup, first_person=0, measured=False)
            # Rounds alternate the tools, so a change in background load hits them alike.
            for round_no in range(args.rounds):
                share = args.round_trips // args.rounds + (
                    round_no < args.round_trips % args.rounds
                )
                for phase in phases.values():
                    phase.run(share, first_person=7 + round_no * share)
            for phase in phases.values():
                results.append(phase.result())
                print(one_line(results[-1]), file=sys.stderr, flush=True)
    return results


@dataclass
class Phase:
    """One tool at one concurrency: its measured round trips and server times, over all rounds."""

    pool: ProcessPoolExecutor
    platform: Platform
    target: Target
    server: Server
    concurrency: int
    deadline: float
    seconds: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    launch_times: list[float] = field(default_factory=list)
    login_times: list[float] = field(default_factory=list)

    def run(self, round_trips: int, first_person: int, *, measured: bool = True) -> None:
        start_at = time.time() + 0.5  # every virtual user's process is up by then
        shares = [round_trips // self.concurrency] * self.concurrency
        for i in range(round_trips % self.concurrency):
            shares[i] += 1
        jobs, offset = [], first_person
        for share in shares:
            jobs.append(Job(self.platform, self.target, offset, share, start_at, self.deadline))
            offset += share
        since = self.server.log_offset()
        outcomes = list(self.pool.map(run_job, jobs))
        if not measured:
            return
        time.sleep(0.1)  # gunicorn logs a request just after answering it
        until = self.server.log_offset()
        self.seconds += max(o[1] for o in outcomes) - min(o[0] for o in outcomes)
        self.samples += [s for _, _, part in outcomes for s in part]
        self.launch_times += self.server.server_times("POST", "/lti/launch", since, until)
        self.login_times += self.server.server_times("POST", "/lti/login", since, until)

    def result(self) -> Result:
        good = [s for s in self.samples if not s.error]
        errors = [s.error for s in self.samples if s.error]
        totals = [s.total for s in good]
        return Result(
            tool=self.target.name,
            concurrency=self.concurrency,
            round_trips=len(good),
            errors=len(errors),
            seconds=round(self.seconds, 2),
            launches_per_s=round(len(good) / self.seconds, 1) if self.seconds > 0 else 0.0,
            round_trip_p50_ms=ms(percentile(totals, 50)),
            round_trip_p95_ms=ms(percentile(totals, 95)),
            launch_server_p50_ms=ms(percentile(self.launch_times, 50)),
            launch_server_p95_ms=ms(percentile(self.launch_times, 95)),
            login_server_p50_ms=ms(percentile(self.login_times, 50)),
            login_server_p95_ms=ms(percentile(self.login_times, 95)),
            first_error=errors[0] if errors else "",
        )


if __name__ == "__main__":
    sys.exit(main())
