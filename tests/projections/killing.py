"""Killing a child process at a chosen moment: the crash tests of the read models' runners
(test_crash_safety) and of the national follower (test_national)."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from contextlib import suppress
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120.0
"""Seconds to wait for the child before failing (a loaded server is slow)."""


def run_and_kill(module: str, args: list[str], reached: str) -> None:
    """Run `python -m module args...` from the repository's root and SIGKILL it once it prints
    the line `reached` (after any number of `started` lines): the child prints it when it is
    where the test wants it killed, and waits there."""
    child = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: list(map(lines.put, child.stdout or ())))
    reader.start()
    try:
        line = ""
        with suppress(queue.Empty):
            while (line := lines.get(timeout=TIMEOUT)) == "started\n":
                pass
        if line != f"{reached}\n":
            child.kill()
            child.wait()
            pytest.fail(f"the child did not reach its batch ({line!r}): {child.stderr.read()}")
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=TIMEOUT) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        reader.join()
        child.stderr.close()
