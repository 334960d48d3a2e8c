"""``learnloop demo`` really starts: both servers listen, the first URL it prints is the demo
LMS's course page, and Ctrl-C stops it cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

LEARNLOOP = Path(sys.executable).with_name("learnloop")
_URL = re.compile(r"http://\S+")


class Output:
    """Everything a process prints, read in the background so its pipe never fills up."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self._stream = process.stdout
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self._stream:
            self.lines.append(line)

    def first_url(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := _URL.search(line):
                    return match.group(0)
            time.sleep(0.1)
        raise AssertionError("no URL printed in time:\n" + self.text())

    def text(self, wait_for_end: float = 0) -> str:
        self._reader.join(wait_for_end)
        return "".join(self.lines)


@pytest.fixture
def demo_process(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNLOOP_")}
    env.update(
        LEARNLOOP_INSTANCE_PATH=str(tmp_path / "instance"),
        LEARNLOOP_DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    )
    process = subprocess.Popen(  # noqa: S603  # our own console script, fixed arguments
        [str(LEARNLOOP), "demo", "--port", "0", "--lms-port", "0"],  # 0: free ports, printed
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


def test_learnloop_demo_prints_the_demo_lms_url_first_serves_it_and_stops_on_ctrl_c(
    demo_process: subprocess.Popen[str], tmp_path: Path
) -> None:
    output = Output(demo_process)
    url = output.first_url(timeout=15)
    page = requests.get(url, timeout=5)
    assert page.status_code == 200
    assert "Onboarding at Example Org" in page.text
    for name in ("Lena Visser", "Ivo Jansen", "Amira Bakker"):
        assert f"Open LearnLoop as {name}" in page.text
    assert (tmp_path / "instance" / "demo_lms_key.pem").exists()

    demo_process.send_signal(signal.SIGINT)
    assert demo_process.wait(timeout=10) == 0
    text = output.text(wait_for_end=5)
    assert f"LearnLoop demo LMS: open {url}" in text
    assert "LearnLoop demo stopped." in text
