"""The benchmark's results: one row per tool and concurrency, and the Markdown table."""

from __future__ import annotations

import datetime as dt
import math
import os
import platform as host
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    tool: str
    concurrency: int
    round_trips: int
    errors: int
    seconds: float
    launches_per_s: float
    round_trip_p50_ms: float
    round_trip_p95_ms: float
    launch_server_p50_ms: float
    launch_server_p95_ms: float
    login_server_p50_ms: float
    login_server_p95_ms: float
    first_error: str = ""


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def one_line(r: Result) -> str:
    return (
        f"{r.tool} C={r.concurrency}: {r.launches_per_s}/s, round trip p50 {r.round_trip_p50_ms} "
        f"p95 {r.round_trip_p95_ms} ms, launch server p50 {r.launch_server_p50_ms} "
        f"p95 {r.launch_server_p95_ms} ms, {r.round_trips} ok, {r.errors} errors"
    )


def print_report(
    results: list[Result], *, round_trips: int, rounds: int, warmup: int, load: tuple[float, float]
) -> None:
    print(
        f"{dt.datetime.now().isoformat(timespec='minutes')} · {host.machine()} · "
        f"{os.cpu_count()} cores · Python {host.python_version()} · load average "
        f"{load[0]:.2f} before, {load[1]:.2f} after · {round_trips} round trips per row "
        f"in {rounds} alternating rounds, after {warmup} warm-up\n"
    )
    print(
        "| tool | C | launches/s | round trip p50 | round trip p95 | "
        "launch server p50 | launch server p95 | login server p50 | login server p95 | "
        "errors |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        print(
            f"| {r.tool} | {r.concurrency} | {r.launches_per_s:.1f} | "
            f"{r.round_trip_p50_ms:.1f} ms | {r.round_trip_p95_ms:.1f} ms | "
            f"{r.launch_server_p50_ms:.1f} ms | {r.launch_server_p95_ms:.1f} ms | "
            f"{r.login_server_p50_ms:.1f} ms | {r.login_server_p95_ms:.1f} ms | {r.errors} |"
        )
    for r in results:
        if r.round_trips + r.errors < round_trips:
            print(f"\n{r.tool} C={r.concurrency}: stopped by --time-limit after {r.round_trips}")
        if r.first_error:
            print(f"\n{r.tool} C={r.concurrency} first error: {r.first_error}")
