"""What the benchmarks share: fresh PostgreSQL schemas, the service as `greenlist.config` builds
it, the commands they time (registered factories' evaluations, raw inserts), per-operation
timings and statistics, a count of SQL round trips, and the result record that
`bench.__main__` prints and writes as JSON."""

from __future__ import annotations

import math
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from time import perf_counter, process_time
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
from eventsourcing.persistence import StoredEvent
from psycopg import sql

from domain.clock import Clock
from domain.service import Greenlist
from domain.service.base import Receipt
from domain.values import Level, UnitKind
from greenlist.config import build_service
from simulation.scenarios import city_actor, credit_code, enterprise_actor, report_hash

POSTGRES_URL = os.environ.get(
    "GREENLIST_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
"""Server and database the benchmarks run on; each benchmark adds its own schema."""

CACHE_SETTING = "GREENLIST_AGGREGATE_CACHE"
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
"""Where settable clocks start."""

T = TypeVar("T")


def redacted(url: str) -> str:
    """The URL without its password, for the printed and stored results."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def server_version() -> str:
    with psycopg.connect(POSTGRES_URL, connect_timeout=5) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


@contextmanager
def fresh_schema(label: str) -> Iterator[str]:
    """A new, empty schema; yields the service URL that uses it and drops the schema (with
    everything in it) afterwards, also when the benchmark fails."""
    schema = f"bench_{label}_{uuid.uuid4().hex[:10]}"
    name = sql.Identifier(schema)
    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(name))
    try:
        separator = "&" if "?" in POSTGRES_URL else "?"
        yield f"{POSTGRES_URL}{separator}schema={schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(name))


@contextmanager
def service(url: str, cache: str = "trusted", clock: Clock | None = None) -> Iterator[Greenlist]:
    """The service exactly as `greenlist.config.build_service` wires it on `url`, with the
    aggregate cache mode `cache` (set in the environment while it is built); closed after."""
    saved = os.environ.get(CACHE_SETTING)
    os.environ[CACHE_SETTING] = cache
    try:
        app = build_service(url, clock)
    finally:
        if saved is None:
            del os.environ[CACHE_SETTING]
        else:
            os.environ[CACHE_SETTING] = saved
    try:
        yield app
    finally:
        app.close()


def submit_ops(app: Greenlist, codes: Sequence[str], tag: str) -> list[Callable[[], Receipt]]:
    """One `submit_evaluation` by the enterprise itself per code (the fastest command of
    all), its arguments prepared outside the timed call."""

    def op(code: str) -> Callable[[], Receipt]:
        actor, content_hash = enterprise_actor(code), report_hash(f"{code}/{tag}")
        return lambda: app.submit_evaluation(
            actor, code, Level.MUNICIPAL, 2025, content_hash, 80.0, True
        )

    return [op(code) for code in codes]


def prepared_submissions(app: Greenlist, first: int, count: int) -> list[Callable[[], Receipt]]:
    """Register `count` factories (credit codes from serial `first`) and submit once on each,
    by service commands; their second submissions (each the unit's version 3), not run yet:
    the steady state of a long-running writer."""
    codes = [credit_code(serial) for serial in range(first, first + count)]
    actor = city_actor()
    for code in codes:
        app.register_unit(actor, code, UnitKind.FACTORY, f"示范工厂{code[-6:]}")
    for receipt in Timings().run(submit_ops(app, codes, "first")):
        assert receipt.version == 2, receipt
    return submit_ops(app, codes, "second")


def raw_inserts(app: Greenlist, template: StoredEvent, count: int) -> list[Callable[[], Any]]:
    """eventsourcing's raw `insert_events` of one copy of `template`, each on a new stream."""

    def op(stored: StoredEvent) -> Callable[[], Any]:
        return lambda: app.recorder.insert_events([stored])

    return [
        op(StoredEvent(uuid.uuid4(), template.originator_version, template.topic, template.state))
        for _ in range(count)
    ]


def chunk(items: Sequence[T], k: int, rounds: int) -> Sequence[T]:
    """The k-th of `rounds` slices of `items`, for measurements run interleaved."""
    return items[len(items) * k // rounds : len(items) * (k + 1) // rounds]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear interpolation between the closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_ms(seconds: Sequence[float]) -> dict[str, float]:
    """n, p50/p95/p99, mean and max of per-operation durations, in milliseconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "mean_ms": sum(ms) / len(ms) if ms else math.nan,
        "max_ms": max(ms) if ms else math.nan,
    }


@dataclass
class Timings:
    """Wall seconds of each operation run, and the process CPU seconds of all of them."""

    wall: list[float] = field(default_factory=list)
    cpu: float = 0.0

    def run(self, ops: Sequence[Callable[[], Any]]) -> list[Any]:
        """Run and time the operations one by one; their results."""
        results = []
        cpu_started = process_time()
        for op in ops:
            started = perf_counter()
            results.append(op())
            self.wall.append(perf_counter() - started)
        self.cpu += process_time() - cpu_started
        return results

    @property
    def rate(self) -> float:
        return len(self.wall) / sum(self.wall)

    def summary(self) -> dict[str, Any]:
        return {
            "rate_per_s": self.rate,
            "latency": latency_ms(self.wall),
            "client_cpu_ms": self.cpu / len(self.wall) * 1000,
        }


class RoundTrips:
    """The SQL round trips an app makes, by kind, and the wall time spent in them: its recorders'
    methods are wrapped on the instances (about a microsecond each; nothing else changes)."""

    def __init__(self, app: Greenlist) -> None:
        self.seconds: dict[str, list[float]] = {}
        self._undo: list[Callable[[], None]] = []
        targets: list[tuple[Any, str, str]] = [
            (app.recorder, "stream_recorded_by", "SELECT timeline, snapshot, events (one)"),
            (app.recorder, "version_at", "SELECT timeline"),
            (app.recorder, "select_events", "SELECT events"),
            (app.recorder, "insert_events", "INSERT events + timeline, COMMIT"),
        ]
        if app.snapshots is not None:
            targets.insert(1, (app.snapshots.recorder, "select_events", "SELECT snapshot"))
            targets.append((app.snapshots.recorder, "insert_events", "INSERT snapshot"))
        for obj, attr, label in targets:
            if hasattr(obj, attr):
                self._wrap(obj, attr, self.seconds.setdefault(label, []))

    def _wrap(self, obj: Any, attr: str, times: list[float]) -> None:
        original = getattr(obj, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                times.append(perf_counter() - started)

        setattr(obj, attr, timed)
        self._undo.append(lambda: delattr(obj, attr))

    def close(self) -> None:
        while self._undo:
            self._undo.pop()()

    def per_op(self, timings: Timings) -> dict[str, dict[str, float]]:
        """Calls and milliseconds per operation of each kind, then the time outside SQL."""
        ops, total = len(timings.wall), sum(timings.wall)
        rows = {
            label: {"calls": len(times) / ops, "ms": sum(times) / ops * 1000}
            for label, times in self.seconds.items()
            if times
        }
        in_sql = sum(sum(times) for times in self.seconds.values())
        rows["Python (no SQL)"] = {"calls": 0.0, "ms": (total - in_sql) / ops * 1000}
        return rows


def describe(per_op: dict[str, dict[str, float]]) -> str:
    return ", ".join(
        f"{label} {row['ms']:.2f} ms" + (f" x{row['calls']:.2f}" if row["calls"] else "")
        for label, row in per_op.items()
    )


@dataclass
class Result:
    """One row of the summary: a figure, the baseline of the same run, their ratio and the goal
    (`met` None: reported, no goal). `raw` keeps every measured number for the JSON file."""

    benchmark: str
    figure: str
    baseline: str
    ratio: float
    ratio_definition: str
    goal: str
    met: bool | None
    raw: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class LoadSampler:
    """The 1-minute load average, sampled every second while the measurements run."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadSampler:
        self.samples.append(os.getloadavg()[0])
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict[str, float]:
        return {
            "mean": round(sum(self.samples) / len(self.samples), 2),
            "max": round(max(self.samples), 2),
            "min": round(min(self.samples), 2),
        }
