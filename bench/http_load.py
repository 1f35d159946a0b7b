"""The machinery of bench.http: the real server (`greenlist serve`) as a subprocess, a threaded
load generator, what it counts, and the alternation of scenarios with the baseline.

The client is the standard library's `http.client`, one keep-alive connection per thread: no
dependency, nothing clever. It is not free: about 0.3 ms of CPU per request, against about 1 ms
for the server to answer `/health`, on the same CPUs. So the client's and the server's CPU time
are recorded per request, to show which side was busy."""

from __future__ import annotations

import argparse
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from time import perf_counter, process_time
from typing import Any

from bench.common import latency_ms
from greenlist.config import build_service
from greenlist.runtime import read_side
from greenlist.vault.keys import new_key_text
from projections.engine.runner import Runner

HOST = "127.0.0.1"
TIMEOUT = 60.0
"""Seconds a request may take before it counts as an error (gunicorn's own timeout is 60)."""

Request = tuple[str, str, bytes | None, dict[str, str]]
"""method, path with query, body, headers"""
RequestMaker = Callable[[random.Random], Request]


@dataclass
class Tally:
    """What a scenario's slices measured, added up: each request's latency (errors included),
    the non-2xx answers and failures by status, the first answer of each kind of error, the
    wall, client CPU and server CPU seconds the slices took, and for commands how long the read
    models took after each slice to apply what it recorded (not part of the slice's time)."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    slice_rates: list[float] = field(default_factory=list)
    backlog_seconds: list[float] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.examples = other.examples | self.examples
        self.seconds += other.seconds
        self.client_cpu += other.client_cpu
        self.server_cpu += other.server_cpu
        self.slice_rates += other.slice_rates
        self.backlog_seconds += other.backlog_seconds

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        n = max(self.requests, 1)
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rate_per_s": self.rate,
            "latency": latency_ms(self.latencies),
            "errors": sum(self.errors.values()),
            "errors_by_status": dict(self.errors),
            "error_examples": self.examples,
            "client_cpu_ms_per_request": self.client_cpu / n * 1000,
            "server_cpu_ms_per_request": self.server_cpu / n * 1000,
            "slice_rates_per_s": [round(r, 1) for r in self.slice_rates],
            "read_models_caught_up_after_s": [round(s, 2) for s in self.backlog_seconds],
        }


def _worker(port: int, make: RequestMaker, deadline: float, rng: random.Random) -> Tally:
    """Requests one after the other on one connection until the deadline."""
    tally, conn = Tally(), HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        conn.connect()  # not timed: a client keeps its connections
        while perf_counter() < deadline:
            method, path, body, headers = make(rng)
            started = perf_counter()
            try:
                conn.request(method, path, body, headers)
                response = conn.getresponse()
                answer, status = response.read(), str(response.status)
            except (OSError, HTTPException) as error:
                conn.close()  # http.client reconnects on the next request
                answer, status = str(error).encode(), type(error).__name__
            tally.latencies.append(perf_counter() - started)
            if not status.startswith("2"):
                tally.errors[status] += 1
                tally.examples.setdefault(status, f"{method} {path}: {answer[:300]!r}")
    finally:
        conn.close()
    return tally


def hammer(
    port: int,
    make: RequestMaker,
    threads: int,
    seconds: float,
    seed: str,
    server_cpu: Callable[[], float],
) -> Tally:
    """`threads` clients sending `make`'s requests for `seconds`, each as soon as the last one
    is answered (a closed loop: the rate is what the server sustains at that concurrency)."""
    cpu, server, started = process_time(), server_cpu(), perf_counter()
    deadline = started + seconds
    with ThreadPoolExecutor(threads) as pool:
        rngs = [random.Random(f"{seed}/{i}") for i in range(threads)]
        parts = list(pool.map(lambda rng: _worker(port, make, deadline, rng), rngs))
    total = Tally()
    for part in parts:
        total.add(part)
    total.seconds = perf_counter() - started
    total.client_cpu = process_time() - cpu
    total.server_cpu = server_cpu() - server
    total.slice_rates = [total.rate]
    return total


@dataclass(frozen=True)
class Scenario:
    """A kind of request; `writes`: it records events, which the read models must then apply."""

    name: str
    what: str
    make: RequestMaker
    writes: bool = False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """The running `greenlist serve` process (gunicorn's master) and its port."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the master and its workers so far (Linux /proc; 0
        elsewhere). The workers are found as the master's children at each call."""
        tick, total, master = os.sysconf("SC_CLK_TCK"), 0.0, str(self.process.pid)
        proc = Path("/proc")
        for entry in proc.iterdir() if proc.is_dir() else ():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if master in (entry.name, fields[1]):
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _command(port: int, workers: int) -> list[str]:
    """`greenlist serve` as the README runs it (the venv's script, else the module)."""
    script = Path(sys.executable).parent / "greenlist"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "greenlist.cli"]
    return [*head, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]


def _wait_healthy(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{server.log_tail()}")
        try:
            conn = HTTPConnection(HOST, server.port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"no /health after {timeout:.0f} s:\n{server.log_tail()}")
        time.sleep(0.2)


@contextmanager
def running_server(url: str, secret: str, workers: int, log: Path) -> Iterator[Server]:
    """`greenlist serve --workers N` on `url`, answering /health; stopped with SIGTERM (as an
    operator would, so the workers close their stores) and killed if that takes too long."""
    port = free_port()
    # a server on PostgreSQL refuses to start without its identity key and its vault's KEK
    # (production settings); a benchmark's server gets throwaway ones unless given
    keys = {
        "GREENLIST_IDENTITY_KEY": secrets.token_urlsafe(48),
        "GREENLIST_VAULT_KEY": new_key_text(),
    }
    env = keys | os.environ | {"GREENLIST_DATABASE_URL": url, "GREENLIST_JWT_SECRET": secret}
    env.pop("GREENLIST_TEST_CLOCK", None)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            _command(port, workers), env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(process, port, log)
    try:
        _wait_healthy(server)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


@contextmanager
def read_models(url: str) -> Iterator[Runner]:
    """A runner over the server's read models, only to watch how far behind the log they are
    (the server's workers apply the events)."""
    app = build_service(url)
    side = read_side(app, url)
    try:
        yield side.runner
    finally:
        side.close()
        app.close()


def caught_up(runner: Runner, timeout: float = 60.0) -> float:
    """Seconds until every read model has applied the whole log: after a slice of commands, so
    that the next slice does not pay for projecting them."""
    started = perf_counter()
    while max(runner.lag().values(), default=0) and perf_counter() - started < timeout:
        time.sleep(0.05)
    return perf_counter() - started


def measure(
    server: Server,
    runner: Runner,
    baseline: Scenario,
    cases: list[Scenario],
    args: argparse.Namespace,
) -> tuple[dict[str, tuple[Tally, Tally]], Tally]:
    """Per scenario, its tally and that of its paired baseline slices; and all baseline slices.
    Warm-up first; then in each round every scenario in turn (the order rotating), its slice
    right before or after a baseline slice (alternating)."""

    def load(case: Scenario, seconds: float, seed: str) -> Tally:
        tally = hammer(server.port, case.make, args.threads, seconds, seed, server.cpu_seconds)
        tally.backlog_seconds = [caught_up(runner)] if case.writes else []
        return tally

    for case in [baseline, *cases]:
        load(case, seconds=args.warmup, seed=f"warm-up/{case.name}")
    pairs = {case.name: (Tally(), Tally()) for case in cases}
    for k in range(args.rounds):
        for i, case in enumerate(cases[k % len(cases) :] + cases[: k % len(cases)]):
            steps = [(case, pairs[case.name][0]), (baseline, pairs[case.name][1])]
            for step, tally in steps[::-1] if (k + i) % 2 else steps:
                seed = f"{k}/{case.name}/{step.name}"
                tally.add(load(step, seconds=args.seconds / args.rounds, seed=seed))
        rates = ", ".join(f"{name} {pair[0].rate:.0f}/s" for name, pair in pairs.items())
        print(f"  round {k + 1}/{args.rounds}: {rates}", flush=True)
    everything = Tally()
    for _, base in pairs.values():
        everything.add(base)
    return pairs, everything
