"""Issue 10's benchmark: what the verifiable log costs, on PostgreSQL and on the embedded SQLite.

1. Verification. A store is filled with `EVENTS` (200,000) events: a realistic sample of the
   service's own stored events (simulation.histories' province story, in memory: every topic
   and state as the commands record them, about 550 bytes of state on average) is copied over
   and over, each copy's aggregates under new ids, and written with the real recorder's
   `insert_events` in batches of `FILL_BATCH`, so that the store writes every leaf in the
   events' transaction as in production. A signed checkpoint is written to a witness directory
   after each quarter of them (greenlist.vlog.checkpoints, as the scheduler does).
   - Baseline: reading the same raw rows, nothing checked: the whole log with
     `select_notifications` and the whole leaves table with `select_leaves`, each in the
     verifier's batch size (greenlist.vlog.verify.BATCH).
   - Measured: `verify_store` over the whole log with the witness directory, the code that
     `greenlist verify` runs (every leaf recomputed, the tree rebuilt, every checkpoint's
     signature, root and consistency checked); it must find the log intact.
   Both run `ROUNDS` times, alternately, after an untimed read; the best of each is compared.
   Ratio = verify rate / raw read rate, in events per second. Goal: >= 0.5. The command line,
   `greenlist verify`, is also run once end to end in a subprocess (interpreter start and
   imports included): reported.
2. The leaf's cost to a command. `submit_evaluation` (the command of bench.command_throughput,
   aggregate cache `trusted`: the fastest command, so the leaf's largest share of one) through
   the service as built, against the same command through a service whose recorder
   skips the leaf (a subclass below: the library's insert only), each on its own registered
   units, in the store filled above (its leaves table is that big). Both run interleaved in
   `CHUNKS` rounds, the order alternating. Ratio = the command's time with the leaf / without
   (the inverse of the rates). Goal: <= 1.1. The same comparison for eventsourcing's raw
   `insert_events` of one stored event is reported as a second line.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any, cast

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteCursor

from auditlog.offline import VerifierKey
from auditlog.signing import SignerKey
from bench.common import (
    LoadSampler,
    Result,
    Timings,
    chunk,
    fresh_schema,
    percentile,
    prepared_submissions,
    raw_inserts,
    service,
)
from domain.aggregates.unit import unit_id
from domain.service import Greenlist
from greenlist.adapters.stores import LeafStore
from greenlist.adapters.stores.postgres import TimelinePostgresRecorder
from greenlist.adapters.stores.sqlite import TimelineSQLiteRecorder
from greenlist.settings import Settings
from greenlist.vlog.checkpoints import write_checkpoint
from greenlist.vlog.verify import BATCH, verify_store
from simulation import histories
from simulation.scenarios import credit_code

NAME = "verify_log"
EVENTS = 200_000
FILL_BATCH = 2_000
CHECKPOINTS = 4
ROUNDS = 3
SAMPLE_UNITS = 300
"""Units of the generated sample (about 2,600 events, in 0.4 s)."""
COMMANDS = 1_000
WARMUP = 50
CHUNKS = 100
"""Rounds of the interleaved commands: small ones, as the machine may be shared."""
VERIFY_GOAL = 0.5
COST_GOAL = 1.1


# --- the stores ------------------------------------------------------------------------------


class PostgresWithoutLeaves(TimelinePostgresRecorder):
    """The service's PostgreSQL recorder without the leaf insert: the library's own
    `_fetch_ids_after_insert_events` only (the timeline index is still written)."""

    def _fetch_ids_after_insert_events(self, curs: Any, stored_events: Any, **kwargs: Any) -> Any:
        return PostgresApplicationRecorder._fetch_ids_after_insert_events(
            self, curs, stored_events, **kwargs
        )


class SQLiteWithoutLeaves(TimelineSQLiteRecorder):
    """The service's SQLite recorder without the leaf insert."""

    def _write_leaves(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], positions: Sequence[int]
    ) -> None:
        pass


@dataclass(frozen=True)
class Store:
    """A store to measure: its name, its URL and its recorder class without the leaf write."""

    label: str
    url: str
    without_leaves: type


def without_leaves(app: Greenlist, store: Store) -> Greenlist:
    """The same service with its recorder's leaf write skipped (nothing else differs: the
    class only overrides that step; the recorder was built by the store's own factory)."""
    app.recorder.__class__ = store.without_leaves
    return app


# --- filling the log -------------------------------------------------------------------------


def sample_events() -> list[StoredEvent]:
    """The service's own stored events, in log order: a small history generated in memory."""
    story = histories.opened(
        "memory://", "province", units=SAMPLE_UNITS, last_year=2026, seed=20240626
    )
    with story as (app, _):
        return [
            StoredEvent(n.originator_id, n.originator_version, n.topic, n.state)
            for n in app.recorder.select_notifications(start=None, limit=10**7)
        ]


def copies(sample: Sequence[StoredEvent], count: int) -> Iterator[StoredEvent]:
    """`count` events: the sample again and again, each copy's aggregates under new ids."""
    made = 0
    while True:
        ids: dict[uuid.UUID, uuid.UUID] = {}
        for event in sample:
            if made == count:
                return
            new = ids.setdefault(uuid.UUID(str(event.originator_id)), uuid.uuid4())
            yield StoredEvent(new, event.originator_version, event.topic, event.state)
            made += 1


def fill(
    app: Greenlist, sample: Sequence[StoredEvent], count: int, key: SignerKey, witness: Path
) -> dict[str, Any]:
    """Write `count` events through the recorder, in batches of up to FILL_BATCH, with a
    checkpoint each time another CHECKPOINTS-th of them is written (at least one, at the end)."""
    size = min(FILL_BATCH, max(count // 8, 1))
    every = max(count // CHECKPOINTS, 1)
    started, written = perf_counter(), 0
    batch: list[StoredEvent] = []
    signed_at: list[int] = []
    for event in copies(sample, count):
        batch.append(event)
        if len(batch) == size or written + len(batch) == count:
            app.recorder.insert_events(batch)
            written, batch = written + len(batch), []
            if written // every > len(signed_at) or written == count:
                write_checkpoint(app.recorder, key, witness)
                signed_at.append(written)
    return {"seconds": perf_counter() - started, "checkpoints": len(signed_at), "at": signed_at}


# --- 1. verification -------------------------------------------------------------------------


def read_raw(recorder: Any) -> int:
    """Read every event and every leaf as the verifier does, checking nothing; the events."""
    events, last = 0, None
    while batch := recorder.select_notifications(start=last, limit=BATCH, inclusive_of_start=False):
        events, last = events + len(batch), batch[-1].id
    start = 0
    while leaves := cast(LeafStore, recorder).select_leaves(start, BATCH):
        start = leaves[-1].index + 1
    assert start == events, (start, events)
    return events


def verify(recorder: Any, verifier: list[VerifierKey], witness: Path, n: int, held: int) -> int:
    report = verify_store(recorder, verifier, witness)
    assert report.ok, report.findings[:5]
    assert report.events == report.leaves == n and report.checkpoints == held, report
    return report.events


def verify_cli(store: Store, verifier: str, witness: Path) -> float:
    """`greenlist verify` in a new process, end to end; its wall seconds."""
    command = [sys.executable, "-c", "import sys; from greenlist.cli import main; sys.exit(main())"]
    arguments = ["verify", "--database-url", store.url, "--checkpoints", str(witness)]
    started = perf_counter()
    done = subprocess.run(
        [*command, *arguments, "--key", verifier], capture_output=True, text=True, check=False
    )
    seconds = perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"greenlist verify failed: {done.stdout}{done.stderr}")
    return seconds


def measure_verify(
    store: Store, app: Greenlist, n: int, sample: Sequence[StoredEvent], witness: Path
) -> list[Result]:
    key = SignerKey.generate(Settings.from_env().log_origin)
    filled = fill(app, sample, n, key, witness)
    verifier = [key.verifier()]
    read_raw(app.recorder)  # warm the server's and the OS's caches
    raw_s: list[float] = []
    verify_s: list[float] = []
    with LoadSampler() as load:
        for _ in range(ROUNDS):
            ops: tuple[tuple[list[float], Callable[[], int]], ...] = (
                (raw_s, lambda: read_raw(app.recorder)),
                (
                    verify_s,
                    lambda: verify(app.recorder, verifier, witness, n, filled["checkpoints"]),
                ),
            )
            for times, op in ops:
                started = perf_counter()
                assert op() == n
                times.append(perf_counter() - started)
        cli_s = verify_cli(store, key.verifier_key(), witness)
    raw_rate, verify_rate, cli_rate = n / min(raw_s), n / min(verify_s), n / cli_s
    raw = {
        "store": store.label,
        "events": n,
        "mean_state_bytes": sum(len(e.state) for e in sample) / len(sample),
        "fill": filled,
        "batch": BATCH,
        "raw_read_seconds": raw_s,
        "verify_seconds": verify_s,
        "cli_seconds": cli_s,
        "load_average": load.summary(),
    }
    print(
        f"  {store.label}: {n:,} events ({raw['mean_state_bytes']:.0f}-byte states on average) "
        f"filled in {filled['seconds']:.1f} s, {filled['checkpoints']} checkpoints\n"
        f"    raw read {raw_rate:,.0f} ev/s, verify_store {verify_rate:,.0f} ev/s, "
        f"greenlist verify (CLI) {cli_s:.2f} s = {cli_rate:,.0f} ev/s"
    )
    baseline = f"raw rows + leaves read {raw_rate:,.0f} ev/s"
    return [
        Result(
            benchmark=NAME,
            figure=f"verify_store, {store.label}, {n:,} events: {verify_rate:,.0f} ev/s",
            baseline=baseline,
            ratio=verify_rate / raw_rate,
            ratio_definition="verify rate / raw read rate (events/s, best of rounds)",
            goal=f"ratio >= {VERIFY_GOAL}",
            met=verify_rate / raw_rate >= VERIFY_GOAL,
            raw=raw,
        ),
        Result(
            benchmark=NAME,
            figure=f"greenlist verify (CLI, end to end), {store.label}: {cli_rate:,.0f} ev/s",
            baseline=baseline,
            ratio=cli_rate / raw_rate,
            ratio_definition="CLI rate (one run, process start included) / raw read rate",
            goal="- (reported)",
            met=None,
            raw=raw,
        ),
    ]


# --- 2. the leaf's cost to a command ---------------------------------------------------------


def measure_cost(store: Store, scale: float) -> list[Result]:
    n = max(int(COMMANDS * scale), 10)
    warmup = max(int(WARMUP * scale), 2)
    rounds = min(CHUNKS, n)
    with ExitStack() as stack:
        apps = {
            "with": stack.enter_context(service(store.url, "trusted")),
            "without": without_leaves(stack.enter_context(service(store.url, "trusted")), store),
        }
        commands, inserts = {}, {}
        for m, (arm, app) in enumerate(apps.items()):
            ops = prepared_submissions(app, 500_000 + m * 100_000, warmup + n)
            Timings().run(ops[:warmup])
            commands[arm] = ops[warmup:]
        code = credit_code(500_000)
        last = next(apps["with"].events.get(unit_id(code), desc=True, limit=1))
        template = apps["with"].mapper.to_stored_event(last)
        for arm, app in apps.items():
            Timings().run(raw_inserts(app, template, warmup))
            inserts[arm] = raw_inserts(app, template, n)
        before = {arm: cast(LeafStore, app.recorder).leaf_count() for arm, app in apps.items()}
        timings = {arm: (Timings(), Timings()) for arm in apps}
        with LoadSampler() as load:
            for k in range(rounds):
                for arm in ("with", "without") if k % 2 == 0 else ("without", "with"):
                    command_times, insert_times = timings[arm]
                    for receipt in command_times.run(chunk(commands[arm], k, rounds)):
                        assert receipt.version == 3, receipt
                    insert_times.run(chunk(inserts[arm], k, rounds))
        added = cast(LeafStore, apps["with"].recorder).leaf_count() - before["with"]
        assert added == 2 * n, (added, n)  # every event the measured arm wrote got its leaf
    results = []
    for kind, figure in ((0, "submit_evaluation"), (1, "raw insert_events(1)")):
        with_t, without_t = timings["with"][kind], timings["without"][kind]
        ratio = without_t.rate / with_t.rate
        p50 = percentile(with_t.wall, 50) / percentile(without_t.wall, 50)
        raw: dict[str, Any] = {
            "store": store.label,
            "with_leaf": with_t.summary(),
            "without_leaf": without_t.summary(),
            "p50_ratio": p50,
            "rounds": rounds,
            "load_average": load.summary(),
            "event": {"topic": template.topic, "state_bytes": len(template.state)},
        }
        print(
            f"  {store.label} {figure:<21} with leaf {with_t.rate:6.0f}/s  without "
            f"{without_t.rate:6.0f}/s  cost x{ratio:.3f}  (p50 "
            f"{raw['with_leaf']['latency']['p50_ms']:.2f} vs "
            f"{raw['without_leaf']['latency']['p50_ms']:.2f} ms: x{p50:.3f})"
        )
        command = kind == 0
        results.append(
            Result(
                benchmark=NAME,
                figure=f"{figure} with its leaf, {store.label}: {with_t.rate:.0f}/s",
                baseline=f"without the leaf {without_t.rate:.0f}/s",
                ratio=ratio,
                ratio_definition="time with the leaf / time without (interleaved)",
                goal=f"ratio <= {COST_GOAL}" if command else "- (reported)",
                met=ratio <= COST_GOAL if command else None,
                raw=raw,
            )
        )
    return results


def run(scale: float = 1.0) -> list[Result]:
    n = max(int(EVENTS * scale), 100)
    sample = sample_events()
    results: list[Result] = []
    with fresh_schema("vlog") as url:
        results += measure(Store("PostgreSQL", url, PostgresWithoutLeaves), n, sample, scale)
    with tempfile.TemporaryDirectory(prefix="bench-vlog-") as directory:
        url = f"sqlite:///{directory}/bench.db"
        results += measure(Store("SQLite", url, SQLiteWithoutLeaves), n, sample, scale)
    return results


def measure(store: Store, n: int, sample: Sequence[StoredEvent], scale: float) -> list[Result]:
    """Both parts on one store: verification first (the log must be whole), then the commands
    (half of them write events without leaves)."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-witness-") as witness,
        service(store.url, "trusted") as app,
    ):
        results = measure_verify(store, app, n, sample, Path(witness))
    return results + measure_cost(store, scale)
