"""The fault test of issue 9, item 5: PostgreSQL restarted under a burst of writes.

The real server (`greenlist serve`, its projection runner in-process) and a separate
`greenlist projections run` follow one store on a throwaway PostgreSQL server of this test's
own (the shared one is never restarted). Writers register and cultivate units over HTTP while
readers read the lists, units and readiness; meanwhile the server is restarted twice, once
cleanly (`-m fast`) and once as a crash (`-m immediate`). Afterwards: every acknowledged write
(a 2xx receipt) is in the log, every read model equals a clean rebuild of the log (checksums,
row for row), both runners are alive, and no response was a 500 (503s allowed: the outage)."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from api.auth import mint
from greenlist.config import build_service, views_db
from projections.catalogue import all_projections
from projections.engine.runner import Runner
from simulation import scenarios as s
from tests.e2e.test_server import command, free_port
from tests.projections.test_crash_safety import assert_same_rows
from tests.throwaway_postgres import Cluster

pytestmark = pytest.mark.postgres

SECRET = "greenlist-fault-test-secret-of-32-bytes-or-more"
CITIES = list(s.ALL_QUOTAS)
WRITERS = 4
TIMEOUT = 30.0
"""Seconds to wait for one answer, or for the server or the runners."""


def tok(role: str, region: str = "330000") -> str:
    return mint(SECRET, f"{role}-{region}", role, region)


AUDITOR = tok("auditor")


@dataclass
class Answer:
    method: str
    path: str
    status: int
    body: Any


@dataclass
class Client:
    """HTTP on loopback, each answer kept (a failed exchange as status 0)."""

    port: int
    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, method: str, path: str, body: Any = None, token: str = "") -> Answer:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, data, headers)
            response = conn.getresponse()
            raw = response.read()
            answer = Answer(method, path, response.status, json.loads(raw) if raw else None)
        except (OSError, http.client.HTTPException) as error:
            answer = Answer(method, path, 0, repr(error))
        finally:
            conn.close()
        with self.lock:
            self.answers.append(answer)
        return answer


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)


def stopped(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def store(throwaway: Cluster) -> Iterator[str]:
    with throwaway.schema() as url:
        yield url


@pytest.fixture
def running(store: str, tmp_path: Path) -> Iterator[tuple[Client, Path, Path]]:
    """The server and a separate runner on the store: a client of the server and the logs of
    the server and of the runner (each checked to be running still when the test ends)."""
    port = free_port()
    env = os.environ | {"GREENLIST_DATABASE_URL": store, "GREENLIST_JWT_SECRET": SECRET}
    env |= {"GREENLIST_RECONNECT_MAX": "1"}  # the test's outages are short
    with ExitStack() as stack:
        serve = command(port)
        # threads enough for the writers and the readers: a read need not queue behind writes
        threads = ["--threads", str(WRITERS + 4)]
        server = start([*serve, *threads, "--no-scheduler"], env, tmp_path / "server.log")
        stack.callback(stopped, server)
        greenlist = serve[: serve.index("serve")]
        runner_args = [*greenlist, "projections", "run", "--database-url", store]
        runner = start(runner_args, env, tmp_path / "runner.log")
        stack.callback(stopped, runner)
        client = Client(port)
        deadline = time.monotonic() + TIMEOUT
        while client.call("GET", "/health/ready").status != 200:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.2)
        client.answers.clear()
        yield client, tmp_path / "server.log", tmp_path / "runner.log"
        assert server.poll() is None, "the server died"
        assert runner.poll() is None, "the separate runner died"


def write(client: Client, number: int, stop: threading.Event, receipts: list[Any]) -> None:
    """Register a unit and put it in cultivation, each act tried again after a 503 until it is
    answered otherwise (or the burst ends); a 2xx answer is an acknowledged write."""
    code = s.credit_code(number, CITIES[number % len(CITIES)])
    city = tok("city", code[2:6] + "00")
    acts = [
        ("/api/v1/units", {"credit_code": code, "kind": "factory", "name": f"工厂{number}"}),
        (f"/api/v1/units/{code}/cultivation", {"year": 2026, "facts": s.FACTORY_FACTS}),
    ]
    for path, body in acts:
        while True:
            answer = client.call("POST", path, body, city)
            if 200 <= answer.status < 300:
                receipts.append(answer.body)
            if answer.status not in (0, 503) or stop.is_set():
                break
            time.sleep(0.05)
        if not 200 <= answer.status < 300:
            return


def burst(client: Client, cluster: Cluster) -> list[Any]:
    """Writers and readers at work while PostgreSQL is restarted twice; the receipts."""
    stop = threading.Event()
    receipts: list[Any] = []
    numbers = iter(range(10_000, 20_000))
    lock = threading.Lock()

    def writer() -> None:
        while not stop.is_set():
            with lock:
                number = next(numbers)
            write(client, number, stop, receipts)

    def reader(*paths: str) -> None:
        while not stop.is_set():
            for path in paths:
                client.call("GET", path, token=AUDITOR)
            time.sleep(0.02)

    unit = f"/api/v1/units/{s.credit_code(10_000, CITIES[0])}"  # the first unit written
    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    threads.append(threading.Thread(target=reader, args=("/api/v1/lists/provincial",)))
    threads.append(threading.Thread(target=reader, args=(unit, "/health/ready")))
    for thread in threads:
        thread.start()
    try:
        for mode in ("fast", "immediate"):  # a clean shutdown, then a crash
            time.sleep(1.5)
            cluster.stop(mode)
            time.sleep(1.5)  # down: requests wait for the store, then get 503s
            cluster.start()
        time.sleep(1.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(2 * TIMEOUT)
    return receipts


def caught_up(client: Client) -> dict[str, Any]:
    """/health/ready once ready with no read model behind the log."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        answer = client.call("GET", "/health/ready")
        models = (answer.body or {}).get("read_models", {}).values()
        if answer.status == 200 and not any(m["lag"] for m in models):
            return dict(answer.body)
        assert time.monotonic() < deadline, answer
        time.sleep(0.1)


def wait_for_line(log: Path, line: str) -> None:
    """Wait until the log holds the line (a runner may still be waiting to reconnect)."""
    deadline = time.monotonic() + TIMEOUT
    while line not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)


def test_postgresql_restarted_under_a_burst_of_writes_loses_nothing_and_answers_no_500(
    store: str, throwaway: Cluster, running: tuple[Client, Path, Path]
) -> None:
    client, server_log, runner_log = running
    receipts = burst(client, throwaway)
    report = caught_up(client)

    statuses = Counter(a.status for a in client.answers)
    failures = [a for a in client.answers if a.status >= 500 and a.status != 503]
    broken = [a for a in client.answers if a.status == 0]
    assert not failures, failures[:3]
    assert not broken, broken[:3]  # every request was answered
    assert statuses[503] > 0, statuses  # the outage was seen
    assert len(receipts) > 20, statuses
    assert report["runner"]["alive"] and report["runner"]["state"] == "following"
    for log in (server_log, runner_log):  # both runners saw the store go and come back
        wait_for_line(log, "store reachable again: following the log")

    app = build_service(store)
    with ExitStack() as stack:
        stack.callback(app.close)
        logged = {
            (n.originator_id, n.originator_version): n.id
            for n in app.recorder.select_notifications(start=0, limit=1_000_000)
        }
        missing = [r for r in receipts if (UUID(r["id"]), r["version"]) not in logged]
        assert not missing, missing[:3]  # every acknowledged write is in the log
        assert all(logged[(UUID(r["id"]), r["version"])] == r["position"] for r in receipts)

        live = views_db(store)
        stack.callback(live.close)
        clean = views_db(stack.enter_context(throwaway.schema()))
        stack.callback(clean.close)
        Runner(app, clean, all_projections()).catch_up()
        assert_same_rows(live, clean)
    print(
        f"\nanswers by status: {dict(sorted(statuses.items()))}; writes acknowledged: "
        f"{len(receipts)}; log: {len(logged)} events",
        file=sys.stderr,
    )
