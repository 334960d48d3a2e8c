"""The xAPI memory soak: many statements into LearnLoop, its workers' RSS sampled as they go in.

    .venv/bin/python -m bench.xapi_ingest --soak 1000000 [--soak-concurrency 4]

``C`` client threads POST batches (``--batch-size``) until N statements are stored; each batch
is made just before it is sent (a million statements serialized up front would hold a gigabyte
of this process's memory). The RSS of every gunicorn worker is read from ``/proc`` before the
first batch and then each time another ``N / --soak-samples`` statements have gone in. The
report gives start, middle and end RSS per worker, the largest growth, and the throughput
along the way. A worker that restarts shows as ``nan`` (its pid is gone).
"""

from __future__ import annotations

import datetime as dt
import os
import platform as host
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bench.http_client import Poster

HEADERS = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}


class Target(Protocol):
    endpoint: str
    auth: tuple[str, str]
    pids: list[int]


class Maker(Protocol):
    def bodies(self, requests_: int, per_request: int) -> list[bytes]: ...


@dataclass
class Sample:
    seconds: float
    statements: int
    rss_mib: list[float]


@dataclass
class SoakResult:
    statements: int = 0
    errors: int = 0
    seconds: float = 0.0
    first_error: str = ""
    samples: list[Sample] = field(default_factory=list)


def rss_mib(pids: list[int]) -> list[float]:
    """The resident set size of each process, in MiB (NaN for one that is gone)."""
    sizes = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            sizes.append(float("nan"))
            continue
        kib = next((line.split()[1] for line in status.splitlines() if line[:6] == "VmRSS:"), "")
        sizes.append(round(int(kib) / 1024, 1) if kib else float("nan"))
    return sizes


def cpu_seconds(pids: list[int]) -> list[float]:
    """User + system CPU time each process has used so far (0 for one that is gone)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = []
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            used.append(0.0)
            continue
        used.append((int(fields[11]) + int(fields[12])) / tick)  # utime, stime
    return used


def run_soak(
    target: Target,
    *,
    statements: int,
    batch_size: int,
    concurrency: int,
    samples: int,
    deadline: float,
    make: Maker,
    load_before: float,
) -> SoakResult:
    result = SoakResult()
    lock = threading.Lock()
    batches = -(-statements // batch_size)
    step = max(1, statements // max(1, samples))
    next_sample = [step]
    began = time.perf_counter()
    result.samples.append(Sample(0.0, 0, rss_mib(target.pids)))
    remaining = iter(range(batches))

    def client() -> None:
        with Poster(target.endpoint, target.auth, HEADERS, timeout=120) as poster:
            while time.time() < deadline:
                with lock:
                    if next(remaining, None) is None:
                        return
                body = make_body()
                try:
                    status, answer = poster.post(body)
                except OSError as error:
                    status, answer = 0, str(error).encode()
                record(status, answer.decode(errors="replace"))

    def make_body() -> bytes:
        with lock:  # Statements numbers its statements: one thread at a time
            return make.bodies(1, batch_size)[0]

    def record(status: int, text: str) -> None:
        with lock:
            if status != 200:
                result.errors += 1
                result.first_error = result.first_error or f"{status}: {text[:300]}"
                return
            result.statements += batch_size
            if result.statements >= next_sample[0]:
                next_sample[0] += step
                elapsed = time.perf_counter() - began
                result.samples.append(Sample(elapsed, result.statements, rss_mib(target.pids)))
                _progress(result, statements)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = round(time.perf_counter() - began, 1)
    if result.samples[-1].statements != result.statements:
        result.samples.append(Sample(result.seconds, result.statements, rss_mib(target.pids)))
    print_soak(result, statements, batch_size, concurrency, load_before)
    return result


def _progress(result: SoakResult, wanted: int) -> None:
    last = result.samples[-1]
    print(
        f"soak: {last.statements:,}/{wanted:,} statements in {last.seconds:.0f} s, "
        f"RSS {last.rss_mib} MiB, {result.errors} errors",
        file=sys.stderr,
        flush=True,
    )


def print_soak(
    result: SoakResult, wanted: int, batch_size: int, concurrency: int, load_before: float
) -> None:
    first, last = result.samples[0], result.samples[-1]
    middle = min(result.samples, key=lambda s: abs(s.statements - result.statements / 2))
    rate = result.statements / result.seconds if result.seconds else 0.0
    print(
        f"{dt.datetime.now().isoformat(timespec='minutes')} · {host.machine()} · "
        f"{os.cpu_count()} cores · Python {host.python_version()} · load average "
        f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after · soak of {wanted:,} "
        f"statements in batches of {batch_size} from {concurrency} clients\n"
    )
    print("| statements in | seconds | statements/s so far | worker RSS (MiB) |")
    print("|--:|--:|--:|---|")
    for sample in result.samples:
        so_far = sample.statements / sample.seconds if sample.seconds else 0.0
        print(
            f"| {sample.statements:,} | {sample.seconds:.0f} | {so_far:,.0f} | "
            f"{', '.join(f'{mib:.1f}' for mib in sample.rss_mib)} |"
        )
    growth = [end - start for start, end in zip(first.rss_mib, last.rss_mib, strict=True)]
    print()
    print(f"- {result.statements:,} statements stored in {result.seconds:,.0f} s ({rate:,.0f}/s)")
    print(f"- RSS start {first.rss_mib}, middle {middle.rss_mib}, end {last.rss_mib} MiB")
    print(f"- growth start to end: {', '.join(f'{g:+.1f}' for g in growth)} MiB")
    if result.errors:
        print(f"- {result.errors} failed requests; first: {result.first_error}")
    if result.statements < wanted:
        print("- stopped by --time-limit before all statements went in")
