"""Driving a Ralph LRS started by ``scripts/ralph.sh``: start, stop, post, read back."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import requests

from tests.support.processes import ROOT

SCRIPT = ROOT / "scripts" / "ralph.sh"
BASH = shutil.which("bash") or "/bin/bash"
USER, PASSWORD = "ralph-test", "ralph-test-secret"  # what scripts/ralph.sh creates


def script(*args: str) -> list[str]:
    """The command line of ``scripts/ralph.sh`` with these arguments."""
    return [BASH, str(SCRIPT), *args]


class Ralph:
    def __init__(self, state: Path, port: int) -> None:
        self.state = state
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}/xAPI/"
        self.session = requests.Session()
        self.session.auth = (USER, PASSWORD)
        self.session.headers["X-Experience-API-Version"] = "1.0.3"

    def start(self) -> None:
        """Start (or start again: the same port and statements)."""
        subprocess.run(  # noqa: S603  # our own script
            script("start", str(self.port), str(self.state)),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def stop(self) -> None:
        subprocess.run(  # noqa: S603  # our own script
            script("stop", str(self.state)), check=True, timeout=60
        )

    def post(self, statements: list[dict[str, Any]]) -> None:
        response = self.session.post(self.endpoint + "statements", json=statements, timeout=30)
        assert response.status_code == 200, response.text

    def has(self, statement_id: str) -> bool:
        response = self.session.get(
            self.endpoint + "statements", params={"statementId": statement_id}, timeout=30
        )
        found = response.json().get("statements", [response.json()])
        return [s["id"] for s in found] == [statement_id]

    def copies(self) -> Counter[str]:
        """How many times Ralph stored each id (read from its file: the whole truth)."""
        data = self.state / "data" / "fs_lrs.jsonl"
        lines = data.read_text().splitlines() if data.exists() else []
        return Counter(json.loads(line)["id"] for line in lines if line.strip())
