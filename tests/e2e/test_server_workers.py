"""End to end, `greenlist serve --workers 2` (issue 13 items 5 and 7): whichever worker answers
a scrape, /metrics counts the requests of both (prometheus-client's multiprocess mode); every
answer carries its X-Request-ID, and the server's stderr holds one JSON line per request."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.e2e.test_server import OPENER, SECRET, command, free_port

REQUESTS = 20


def get(base: str, path: str, **headers: str) -> tuple[str, str]:
    request = urllib.request.Request(base + path, headers=headers)
    with OPENER.open(request, timeout=10) as response:
        return response.headers["X-Request-ID"], response.read().decode()


def test_two_workers_count_together_and_log_json_lines(tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "server.log"
    env = os.environ | {
        "GREENLIST_DATABASE_URL": f"sqlite:///{tmp_path}/workers.db",
        "GREENLIST_JWT_SECRET": SECRET,
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command(port), "--workers", "2", "--no-scheduler"],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                get(base, "/health")
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        ids = [get(base, "/health", **{"X-Request-ID": f"probe-{i}"})[0] for i in range(REQUESTS)]
        assert ids == [f"probe-{i}" for i in range(REQUESTS)]
        pattern = r'greenlist_http_requests_total\{[^}]*endpoint="/health"[^}]*\} (\S+)'
        for _ in range(6):
            text = get(base, "/metrics")[1]
            assert sum(float(v) for v in re.findall(pattern, text)) == REQUESTS + 1
            assert "process_resident_memory_bytes" in text
        time.sleep(0.5)
        lines = [json.loads(x) for x in log.read_text().splitlines() if x.startswith("{")]
        probes = {x["request_id"] for x in lines if x.get("log") == "request"}
        assert {f"probe-{i}" for i in range(REQUESTS)} <= probes
        pids = {int(p) for p in re.findall(r"Booting worker with pid: (\d+)", log.read_text())}
        assert len(pids) == 2, log.read_text()
    finally:
        process.terminate()
        process.wait(30)
