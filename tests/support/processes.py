"""Starting LearnLoop processes (gunicorn, Celery) for tests that need real separate workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def learnloop_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNLOOP_")}
    env.update({f"LEARNLOOP_{k}": v for k, v in values.items()})
    return env


@contextmanager
def running(
    args: list[str], env: Mapping[str, str], ready_url: str | None = None, timeout: float = 30.0
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``args`` until the block ends; wait until ``ready_url`` answers, if given."""
    process = subprocess.Popen(  # noqa: S603  # our own fixed command lines
        args, cwd=ROOT, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        if ready_url:
            _wait_for(ready_url, process, timeout)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def _wait_for(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"{process.args} exited early:\n{output}")
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def gunicorn(port: int, workers: int = 2) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "wsgi:app",
    ]


def celery_worker() -> list[str]:
    """One solo Celery worker for LearnLoop's jobs, quiet and quick to start."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "wsgi:celery_app",
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "WARNING",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
    ]
