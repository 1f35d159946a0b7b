"""`greenlist serve` on the embedded default starts the scheduler alongside, in its own process
(never in a web worker): what fell due in the store before the server started is handled
without anyone calling, and stopping the server stops the scheduler too."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from domain.clock import SettableClock
from greenlist.config import build_service
from simulation import scenarios as s
from tests.e2e.test_server import command, free_port
from tests.on_time import on_time

CODE = s.credit_code(77, "330300")


def overdue_forms(url: str) -> int:
    app = build_service(url, SettableClock(datetime.now(UTC)))
    try:
        return sum(e.type == "DynamicFormOverdue" for e in app.unit_history(CODE))
    finally:
        app.close()


def test_serve_runs_the_scheduler_alongside(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/alongside.db"
    app = build_service(url, SettableClock(datetime(2025, 1, 1, tzinfo=UTC)))
    s.list_provincially(on_time(app), CODE)  # listed September 2025; no 2025 form by 15 April 2026
    app.close()
    env = os.environ | {"GREENLIST_DATABASE_URL": url, "GREENLIST_JWT_SECRET": "x" * 48}
    env.pop("GREENLIST_TEST_CLOCK", None)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            command(free_port()), cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while overdue_forms(url) == 0:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"no overdue form after 60 s:\n{log.read_text()}"
            time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert server.returncode == 0, log.read_text()
    assert overdue_forms(url) == 1
    found = re.search(r"scheduler started alongside \(pid (\d+)\)", log.read_text())
    assert found, log.read_text()
    child = int(found.group(1))
    try:
        os.kill(child, 0)
    except ProcessLookupError:
        pass
    else:
        raise AssertionError(f"the scheduler (pid {child}) outlived the server")
