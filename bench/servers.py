"""Everything the benchmark starts, on loopback, and stops again however the run ends.

- a throw-away PostgreSQL database for LearnLoop (created, migrated, dropped);
- a private ``redis-server`` for the reference tool's shared cache;
- gunicorn (2 sync workers, same flags) for each tool, with an access log that records every
  request's server time (``%(D)s``, microseconds), from which the server-side latency is read.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import requests
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
ACCESS_LOG_FORMAT = "%(m)s %(U)s %(s)s %(D)s"
GUNICORN_WORKERS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def throwaway_database(server_url: str, name: str) -> Iterator[str]:
    """Create database ``name`` (dropping a leftover first); drop it on the way out."""
    admin = psycopg.connect(server_url.replace("+psycopg", "") + "/postgres", autocommit=True)
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    try:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield f"{server_url}/{name}"
    finally:
        admin.execute(drop)
        admin.close()


def learnloop_cli(env: dict[str, str], *args: str) -> str:
    command = [str(Path(sys.executable).with_name("learnloop")), *args]
    done = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    access_log: Path | None = None
    error_log: Path | None = None

    def stop(self) -> None:
        """End the process group this bench started (gunicorn's arbiter and its workers)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)

    def log_offset(self) -> int:
        assert self.access_log is not None
        return self.access_log.stat().st_size

    def server_times(self, method: str, path: str, since: int, until: int) -> list[float]:
        """Seconds the server spent on each ``method path`` logged between two log offsets."""
        assert self.access_log is not None
        with self.access_log.open("rb") as log:
            log.seek(since)
            lines = log.read(until - since).decode().splitlines()
        times = []
        for line in lines:
            parts = line.split()
            if len(parts) == 4 and parts[0] == method and parts[1] == path:
                times.append(int(parts[3]) / 1e6)
        return times

    def tail(self) -> str:
        if self.error_log is None or not self.error_log.exists():
            return ""
        return "\n".join(self.error_log.read_text(errors="replace").splitlines()[-30:])


def _spawn(command: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        # Its own session, so stop() can end the arbiter and its workers together by group id.
        return subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=out, start_new_session=True
        )


def start_redis(workdir: Path) -> Server:
    port = free_port()
    log = workdir / "redis.log"
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
    command += ["--appendonly", "no", "--dir", str(workdir)]
    process = _spawn(command, cwd=workdir, env=dict(os.environ), log=log)
    server = Server("redis", process, f"redis://127.0.0.1:{port}/0", error_log=log)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"redis-server did not start:\n{server.tail()}")


def start_gunicorn(
    name: str, app: str, *, port: int, cwd: Path, env: dict[str, str], workdir: Path, health: str
) -> Server:
    access, errors = workdir / f"{name}.access.log", workdir / f"{name}.error.log"
    command = [sys.executable, "-m", "gunicorn", "--workers", str(GUNICORN_WORKERS)]
    command += ["--bind", f"127.0.0.1:{port}", "--chdir", str(cwd)]
    command += ["--access-logfile", str(access), "--access-logformat", ACCESS_LOG_FORMAT]
    command += ["--error-logfile", str(errors), app]
    access.touch()
    process = _spawn(command, cwd=cwd, env=env, log=errors)
    server = Server(name, process, f"http://127.0.0.1:{port}", access, errors)
    _wait_until_healthy(server, server.url + health)
    return server


def _wait_until_healthy(server: Server, url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{server.name} did not become healthy at {url}:\n{server.tail()}")
