"""Issue 3's and issue 15's (item 3) benchmark: how fast a full rebuild of every read model runs
on PostgreSQL, as a ratio to reading and decoding the same log without writing anything, and
how much memory it takes as the log grows.

    .venv/bin/python -m bench.rebuild [--units N] [--keep] [--processes P] [--profile]
                                      [--rounds R] [--min-events E] [--remember-rows N]

1. A realistic history (simulation.histories: the province story) of at least `--min-events`
   events is generated in its own schema; with `--keep` the schema is kept and used again by
   the next `--keep` run (its name says what was generated), otherwise it is dropped at the end.
   `--units 11000` gives 0.22 M events, `--units 52000` 1.01 M (about seven minutes to
   generate, once, with `--keep`).
2. Baseline: the whole log read in batches of the runner's batch size, the fastest way the
   store offers (on PostgreSQL `select_in_order`: binary, through the log's own connection,
   as a rebuild reads it; 2.6 times faster than the library's `select_notifications`, in hex),
   and decoded with `mapper.to_domain_event`, writing nothing; each batch's events are
   kept until the next batch is read, as for applying them. The same loop dropping each event
   as soon as it is decoded is measured too (reported, and its ratio).
3. Rebuild: `Runner.rebuild()` of all read models (projections.catalogue), from zero into new
   tables, then the swap, loaded by `--processes` processes (2 by default, as
   `greenlist projections rebuild`; engine.rebuilding). In one process its time is split per
   read model (handlers, then the batch's writes) by timing each model's `process` and
   `Batch.flush` calls (per batch, not per event), and its reads of the log; with several,
   their CPU time is counted (they end with the rebuild).
4. Memory: the peak resident memory of this process (getrusage) and of the largest loading
   process, its own (`VmHWM`, reported by each: engine.rebuilding.own_peak_mb; getrusage's
   figure for the children, also printed, counts the address space they were forked from,
   this process's), compared between a 0.2 M and a 1 M run: it must not grow with the log (each
   process remembers at most `Rebuilding.remember_rows` rows, and nothing else is kept per
   event).

Both are measured `--rounds` times, alternately, after a warm-up read; the best of each is
compared (the machine may be shared: the load average during the run is recorded). With
`--profile` one more rebuild runs under cProfile (in this process: use `--processes 1`) and its
top functions are printed. The result is printed as a table, with the time 20 M events would
take at the measured rates, and written to var/bench-rebuild.json.

Measured (issue 15; 2 CPUs shared with other work, so noisy; the ratios are of one run each,
README "Performance" has the table): 0.22 M events, rebuild / read + decode 0.27x before
(one process, load 0.9), 0.30x now in one process (load 3.3) and 0.35x in two (load 4.2), 0.44x
in two at load 0.7; 1.01 M events 0.15x before (one process: every row forgotten at the
limit), 0.21x now in one (load 1.7), 0.25x in two (load 4.0), 0.39x in two at load 1.7.
Peak RSS 326 MB (0.22 M) and 536 MB (1.01 M) in one process; 242 MB and 513 MB for the larger
of two (plus 125 MB for the command's own): bounded by `remember_rows` per process, reached
between the two sizes. 20 M events at the quiet 1 M
rate: about 24 minutes, against 9 to read and decode the log.

Then, with rows written back once, fewer round trips a batch and forgotten rows read back
together (engine.remembered, engine.batch; README "Performance"), on a machine whose baseline
ran at 24-29 k events/s: 0.22 M events 0.33x in one process, 0.42x in two (load 1.9, peak
255 MB); 1.01 M events 0.29x in two (load 1.7, peak 586 MB).
Again on 1.01 M events in two processes (another session, load 2.3): 0.21x (28,409 vs 6,024
events/s, peak 587 MB); with nothing forgotten (an experiment: `remember_rows` 4 M) 0.33x with
841 MB in the larger process, each process using about 60 s of CPU in 122 s (README
"Performance").
Then the aggregate-local models (lists, pools, dynamic, deadlines) loaded by one process
reading the log by aggregate, the others in log order by the other (engine.rebuilding.plan),
bumps added in memory and no reading ahead in log order: 1.01 M events in two processes 0.33x
before on the same machine (152.5 s, load 3.7), then 0.40x, 0.45x and 0.41x in three runs
(74-80 s, 12,590-13,590 events/s, load 1.2-1.5; the baseline varied from 28,193 to 33,131
events/s between runs); peak RSS 414-441 MB for the log-order process (its 400,000 rows
remembered), 194 MB for the one by aggregate; 0.22 M events 0.34x at load 2.6, 222 MB.
Then the audit trail and the supervision shared out by event class between the two processes,
their subjects recorded first, each process leaving out on the server the events it does not
handle, and each finishing its own tables at once (engine.rebuilding.plan; README
"Performance"): 1.01 M events 0.51x, 0.44x, 0.55x in three runs (59-67 s; load 1.7-2.3, the
baseline 29-34 k events/s), 0.22 M events 0.59x (load 1.0); the steps are printed
(`Rebuilding.phases`). After the outside attack's fixes: 1.01 M events 0.53x (0.60x of the
medians of two rounds; 60.4 s, peak 457 MB), 0.22 M events 0.49x (0.51x; 173 MB), load 2.1.
Then whole aggregates per batch by aggregate (its rows written at once, none remembered), the
log-order process skipping every class only the shared models need, rows remembered as tuples,
shared counters kept apart (engine.rebuilding `whole_aggregates`, engine.remembered; README
"Performance", "Whole aggregates, smaller rows"), on a machine whose baseline read 34-36 k
events/s: 1.01 M events 0.50x (0.55x of the medians; 327 MB), 0.66 M events of the same
11,000 units as the 0.22 M history 0.49x (202 MB), 0.22 M events 0.49x (0.52x; 153 MB).
With `--remember-rows 100000` (`greenlist projections rebuild --remember-rows`): 1.01 M events
0.51x (0.53x of the medians; 249 MB) on a slow run, the log-order load a quarter longer than
with the default back to back (57 s against 45 s).
Then the rows forgotten kept in a spill on the local disk until the end of the load, the
recorded subjects read in chunks and kept in part, and `remember_rows` 50,000 (engine.spill;
README "Performance", "The spill"), one round each at load 1.2-1.4 on a machine whose baseline
read 24 k events/s: 0.22 M events 0.56x (149.5 MB), 0.66 M events of the same units 0.56x
(169.5 MB), 1.01 M events 0.52x (204.7 MB; 0.57x and 327 MB with 400,000). Then pages
in log order cut at 1 MiB of stored events, one page of a long aggregate held, smaller
caches, the rebuild's part of this process's peak reported apart (README "Performance",
"Bounded by bytes, not by counts"): largest rebuild process 119.1-119.2 MB at 0.22 M events,
127.9-128.4 MB at 0.66 M, 137.5-138.0 MB at 1.01 M; ratios 0.49x-0.66x, 0.54x-0.56x and
0.45x-0.51x (a baseline of 25-35 k events/s, load 1.6 at rest). Then the next page in log
order fetched in a thread, the shared models' events both processes decode applied by the
process by aggregate, pages cut at 256 KiB and spills' caches of 256 KiB (README
"Performance", "The log-order process's critical path"), two rounds each on a machine whose
baseline read 40-52 k events/s: 1.01 M events 0.51x (medians 0.53x), 124.7 MB; 0.22 M events
0.47x (0.47x), 107.6 MB. Then the log read through one connection of its own, in binary, and
as fast in the baseline; `remember_rows` 20,000; each loading process's own peak (VmHWM;
getrusage's had counted the parent's): 1.01 M events 0.51x (0.52x), 99.2 MB; 0.22 M events
0.51x (0.49x), 91.9 MB (README "Performance", "What grew, found"; baseline 34 k events/s)."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.persistence import Notification
from psycopg import sql

from bench.common import LoadSampler
from domain.clock import SettableClock
from domain.service import Greenlist
from greenlist.config import build_service, views_db
from greenlist.runtime import RebuildWorkers
from greenlist.settings import settings_or_env
from projections.catalogue import all_projections
from projections.engine.batch import Batch
from projections.engine.db import Db
from projections.engine.projection import Projection
from projections.engine.reading import by_aggregate
from projections.engine.rebuilding import PEAK, own_peak_mb
from projections.engine.runner import TRACKING, Runner

POSTGRES_URL = os.environ.get(
    "GREENLIST_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
GENERATOR_VERSION = 1
"""Part of the kept schema's name: bump it when the province story (simulation.province)
changes what it generates."""
GOAL = 0.5
RESULT = Path("var/bench-rebuild.json")
INFO_TABLE = "bench_rebuild_info"


# --- the schema and the history ------------------------------------------------------------


def url_of(schema: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}schema={schema}"


def admin(statement: sql.Composed | sql.SQL, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(statement, params)
        return list(cursor.fetchall()) if cursor.description else []


def schema_exists(schema: str) -> bool:
    found = admin(sql.SQL("SELECT 1 FROM pg_namespace WHERE nspname = %s"), (schema,))
    return bool(found)


def kept_info(schema: str) -> dict[str, Any] | None:
    """What a kept schema holds, if its generation finished."""
    if not schema_exists(schema):
        return None
    table = sql.Identifier(schema, INFO_TABLE)
    exists = admin(sql.SQL("SELECT to_regclass(%s)"), (f"{schema}.{INFO_TABLE}",))
    if not exists or exists[0][0] is None:
        return None
    rows = admin(sql.SQL("SELECT info FROM {}").format(table))
    return json.loads(rows[0][0]) if rows else None


def create_schema(schema: str) -> None:
    name = sql.Identifier(schema)
    admin(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(name))
    admin(sql.SQL("CREATE SCHEMA {}").format(name))


def drop_schema(schema: str) -> None:
    admin(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


class _NoPipeline:
    def sync(self) -> None:
        pass


@contextmanager
def _no_pipeline(_connection: Any) -> Iterator[_NoPipeline]:
    yield _NoPipeline()


def without_pipeline() -> None:
    """psycopg without libpq's pipeline mode, in this process (`--no-pipeline`, for the
    generation): generating 1 M events on a loaded machine, the store's pipelined write of a
    flush of events (eventsourcing's recorder: LOCK, NOTIFY, the inserts, then a sync) hung
    twice here, the server waiting for the client and the client for the server. Without the
    pipeline each statement waits for its answer: slower, never stuck."""
    from psycopg import _pipeline

    _pipeline.Pipeline.is_supported = classmethod(lambda cls: False)  # type: ignore[method-assign,assignment]
    psycopg.Connection.pipeline = _no_pipeline  # type: ignore[assignment,method-assign]


def generate_into(schema: str, units: int, last_year: int, seed: int) -> dict[str, Any]:
    from simulation.histories import generate

    create_schema(schema)
    info = generate(url_of(schema), "province", units=units, last_year=last_year, seed=seed).info()
    table = sql.Identifier(schema, INFO_TABLE)
    admin(sql.SQL("CREATE TABLE {} (info TEXT NOT NULL)").format(table))
    admin(sql.SQL("INSERT INTO {} VALUES (%s)").format(table), (json.dumps(info),))
    return info


def event_mix(schema: str) -> dict[str, int]:
    rows = admin(
        sql.SQL("SELECT topic, count(*) FROM {} GROUP BY topic ORDER BY 2 DESC").format(
            sql.Identifier(schema, f"{Greenlist.name.lower()}_events")
        )
    )
    return {str(topic).split(":")[-1]: int(n) for topic, n in rows}


def reset_views(db: Db, projections: list[Projection]) -> None:
    """Drop every read model table (live and new) and the tracking table: each rebuild starts
    from the same state."""
    with db.transaction() as tx:
        for projection in projections:
            for table in projection.tables:
                tx.execute(f"DROP TABLE IF EXISTS {table.name}")
                tx.execute(f"DROP TABLE IF EXISTS {table.name}__next")
        tx.execute(f"DROP TABLE IF EXISTS {TRACKING}")


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Run:
    """One timed pass over the log."""

    events: int
    seconds: float
    cpu_seconds: float
    split: dict[str, dict[str, float]] = field(default_factory=dict)
    server_cpu_seconds: float | None = None
    phases: dict[str, float] = field(default_factory=dict)
    peak_mb: float | None = None
    """This process's peak resident memory during the pass (`high_water_reset`), if known."""

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "seconds": round(self.seconds, 3),
            "events_per_s": round(self.rate, 1),
            "client_cpu_seconds": round(self.cpu_seconds, 3),
            **({"split_seconds": self.split} if self.split else {}),
            **(
                {"phases_seconds": {k: round(v, 2) for k, v in self.phases.items()}}
                if self.phases
                else {}
            ),
            **(
                {"views_server_cpu_seconds": round(self.server_cpu_seconds, 2)}
                if self.server_cpu_seconds is not None
                else {}
            ),
            **({"peak_rss_mb": self.peak_mb} if self.peak_mb is not None else {}),
        }


def read_all(app: Greenlist, batch_size: int, keep_batch: bool = True) -> Run:
    """The baseline: the whole log read in batches of the runner's size, the fastest way the
    store offers (`select_in_order` on PostgreSQL, else `select_notifications`) and decoded
    with `mapper.to_domain_event`, writing nothing. With `keep_batch` each batch's events are
    kept until the next batch is read, as anything that applies them must (`Runner._read`
    returns them as a list); without, each event is dropped as soon as it is decoded, which
    leaves the garbage collector almost nothing to do."""
    log, decode = by_aggregate(app), app.mapper.to_domain_event
    head = app.recorder.max_notification_id() or 0

    def select(after: int) -> Sequence[Notification]:
        if log is not None:  # (PostgreSQL: binary, as a rebuild reads)
            return log.select_in_order(after, head, batch_size, ())
        return app.recorder.select_notifications(
            start=after, limit=batch_size, inclusive_of_start=False
        )

    started, cpu = time.perf_counter(), time.process_time()
    position, events = 0, 0
    while True:
        notifications = select(position)
        if not notifications:
            break
        if keep_batch:
            kept = [(n.id, decode(n)) for n in notifications]
            events += len(kept)
        else:
            for notification in notifications:
                decode(notification)
            events += len(notifications)
        position = notifications[-1].id
    return Run(events, time.perf_counter() - started, time.process_time() - cpu)


READS = "(reading and decoding the log)"


class Split:
    """Wall time of the rebuild per read model: its handlers (`process`) and its writes
    (`Batch.flush`: the batch's statements and COPY); and the time spent reading the log
    (`Runner._read`). Timed per batch and model: a few microseconds per batch. The reads run
    ahead in a thread of their own, alongside the handlers and writes: the parts add up to
    more than the rebuild's wall time."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.seconds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self._current = ""

    @contextmanager
    def installed(self) -> Iterator[None]:
        split = self
        original_flush = Batch.flush
        original_read = self.runner._read

        owners = {t.name: p.name for p in self.runner.projections for t in p.tables}

        def flush(batch: Batch) -> None:
            started = time.perf_counter()
            original_flush(batch)
            owner = owners[next(iter(batch.tables))]
            split.seconds[owner]["writes"] += time.perf_counter() - started

        def read(after: int, limit: int) -> list[tuple[int, Any]]:
            started = time.perf_counter()
            found = original_read(after, limit)
            split.seconds[READS]["seconds"] += time.perf_counter() - started
            return found

        for projection in self.runner.projections:
            projection.process = self._timed(projection)  # type: ignore[method-assign]
        Batch.flush = flush  # type: ignore[method-assign,assignment]
        self.runner._read = read  # type: ignore[method-assign]
        try:
            yield
        finally:
            Batch.flush = original_flush  # type: ignore[method-assign]
            del self.runner._read
            for projection in self.runner.projections:
                del projection.process

    def _timed(self, projection: Projection) -> Callable[..., None]:
        original = type(projection).process

        def process(events: Any, batch: Batch) -> None:
            self._current = projection.name
            started = time.perf_counter()
            original(projection, events, batch)
            self.seconds[projection.name]["handlers"] += time.perf_counter() - started

        return process

    def as_dict(self) -> dict[str, dict[str, float]]:
        return {
            name: {k: round(v, 3) for k, v in sorted(parts.items())}
            for name, parts in self.seconds.items()
        }


def rebuild(runner: Runner) -> Run:
    """A full rebuild of every read model, split per model when it runs in this process (the
    processes of a rebuild in several are not timed inside: their CPU time is counted)."""
    reset_views(runner.db, runner.projections)
    runner.setup()
    split = Split(runner)
    server = backend_cpu(runner.db)
    timed = split.installed() if runner.processes == 1 else nullcontext()
    with timed:
        reset = high_water_reset()
        started, cpu = time.perf_counter(), cpu_seconds()
        events = runner.rebuild()
        seconds, used = time.perf_counter() - started, cpu_seconds() - cpu
        peak = own_peak_mb() if reset else None
    after = backend_cpu(runner.db)
    server_cpu = after - server if after is not None and server is not None else None
    return Run(events, seconds, used, split.as_dict(), server_cpu, dict(runner.phases), peak)


_peaks_before_reset: list[float] = []
"""This process's peaks set back by `high_water_reset` (`peak_rss_mb` counts them)."""


def high_water_reset() -> bool:
    """This process's peak resident memory (VmHWM) set back to what it holds now (Linux:
    /proc/self/clear_refs), so that the rebuild's own peak in it is known apart from the
    baseline's reads before it; whether it could."""
    before = own_peak_mb()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    if before is not None:
        _peaks_before_reset.append(before)
    return True


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (a rebuild's other
    processes end with it)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mb() -> dict[str, float]:
    """The peak resident memory of this process and of the largest of its ended children (a
    rebuild's other processes), in MB (Linux reports kB)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return {
        "this_process": max(round(own.ru_maxrss / 1024, 1), *_peaks_before_reset),
        "child": round(children.ru_maxrss / 1024, 1),
    }


def profile(runner: Runner, top: int) -> dict[str, Any]:
    """One more rebuild under cProfile: its top functions by own time, and own time summed
    per module."""
    reset_views(runner.db, runner.projections)
    runner.setup()
    profiler = cProfile.Profile()
    profiler.enable()
    runner.rebuild()
    profiler.disable()
    stats = pstats.Stats(profiler)
    per_module: Counter[str] = Counter()
    rows = []
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, line, function), (_, calls, own, cumulative, _) in entries.items():
        module = module_of(filename)
        per_module[module] += own
        rows.append((own, cumulative, calls, f"{module}:{line}({function})"))
    rows.sort(reverse=True)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
    return {
        "total_own_seconds": round(sum(per_module.values()), 3),
        "per_module_own_seconds": {
            m: round(s, 3) for m, s in per_module.most_common(20) if s >= 0.01
        },
        "top_functions": [
            {"own_s": round(o, 3), "cumulative_s": round(c, 3), "calls": n, "function": f}
            for o, c, n, f in rows[:top]
        ],
        "cumulative_report": text.getvalue(),
    }


ROOT = Path(__file__).resolve().parents[1]


def module_of(filename: str) -> str:
    """A short name for a profiled file: its path in the project, in site-packages or in the
    standard library."""
    if filename.startswith("<") or filename == "~":
        return "builtins"
    path = Path(filename)
    if path.is_relative_to(ROOT) and ".venv" not in path.parts:
        return path.relative_to(ROOT).with_suffix("").as_posix()
    parts = path.parts
    for anchor in ("site-packages", "lib"):
        if anchor in parts:
            tail = parts[parts.index(anchor) + 1 :]
            if anchor == "lib" and tail and tail[0].startswith("python"):
                tail = tail[1:]
            return "/".join(tail).removesuffix(".py")
    return path.stem


def backend_cpu(db: Db) -> float | None:
    """CPU seconds used so far by the server process of the views' connection (Linux, server
    on this machine), or None."""
    connect = getattr(db, "_connection", None)
    if connect is None:
        return None
    try:
        stat = Path(f"/proc/{connect().info.backend_pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the report ----------------------------------------------------------------------------


def table(result: dict[str, Any]) -> str:
    base, built = result["baseline"]["best"], result["rebuild"]["best"]
    stream = result["baseline_events_dropped_at_once"]
    lines = [
        f"rebuild of all read models on PostgreSQL {result['postgres_version']} "
        f"({result['events']:,} events, batch {result['batch_size']}, "
        f"{result['cpus']} CPUs, load {result['load_average']['mean']} mean "
        f"/ {result['load_average']['max']} max)",
        "",
        f"{'':34}{'events':>10}{'seconds':>10}{'events/s':>11}{'client CPU s':>14}"
        f"{'server CPU s':>14}",
    ]
    for label, run in (
        ("baseline: read + decode, no writes", base),
        ("  (each event dropped at once)", stream["best"]),
        ("rebuild: all read models", built),
    ):
        server = run.get("views_server_cpu_seconds")
        lines.append(
            f"{label:34}{run['events']:>10,}{run['seconds']:>10.2f}"
            f"{run['events_per_s']:>11,.0f}{run['client_cpu_seconds']:>14.2f}"
            f"{'' if server is None else f'{server:.2f}':>14}"
        )
    ratio = result["ratio"]
    verdict = "meets" if ratio >= GOAL else "below"
    rss, far = result["peak_rss_mb"], result["extrapolated_to_20m_events"]
    lines += [
        "",
        f"ratio rebuild / baseline: {ratio:.2f}x ({verdict} the goal of {GOAL}x); "
        f"to the read dropping each event at once: {stream['ratio']:.2f}x; "
        f"of the medians of {len(result['rebuild']['runs'])} round(s): "
        f"{result['ratio_of_medians']:.2f}x",
        f"rebuild in {result['processes']} process(es); peak RSS {rss['this_process']} MB "
        f"(this process, with the baselines), {rss.get('rebuild_this_process')} MB (the "
        f"rebuild's part in this process), {rss['child']} MB (largest child, as getrusage "
        f"counts it); remembering up to {result['remember_rows']:,} rows each",
        f"largest loading process, its own peak (VmHWM): {rss.get('loading_process')} MB",
        f"20 M events, at these rates: rebuild {far['rebuild_minutes']} min, "
        f"read + decode {far['read_and_decode_minutes']} min",
        "",
    ]
    lines.append(
        f"{'rebuild time per read model (s)':34}{'handlers':>10}{'writes':>10}{'total':>11}"
    )
    phases = built.get("phases_seconds", {})
    if phases:
        steps = ", ".join(
            f"{name} {seconds:.1f}" for name, seconds in phases.items() if not name.startswith(PEAK)
        )
        lines.insert(-1, f"its steps (s): {steps}")
    split = dict(built.get("split_seconds", {}))
    if not split:
        return "\n".join(lines[:-1])
    reads = split.pop(READS, {}).get("seconds", 0.0)
    ordered = sorted(split.items(), key=lambda kv: -sum(kv[1].values()))
    for name, parts in ordered:
        handlers, writes = parts.get("handlers", 0.0), parts.get("writes", 0.0)
        lines.append(f"{name:34}{handlers:>10.2f}{writes:>10.2f}{handlers + writes:>11.2f}")
    lines.append(f"{READS:34}{'':>20}{reads:>11.2f}")
    other = built["seconds"] - sum(sum(p.values()) for p in split.values()) - reads
    lines.append(f"{'(locks, positions, commits, swap)':34}{'':>20}{other:>11.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rebuild", description=__doc__)
    parser.add_argument("--units", type=int, default=11_000, help="units by the last year")
    parser.add_argument("--last-year", type=int, default=2030)
    parser.add_argument("--seed", type=int, default=20240626)
    parser.add_argument("--min-events", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=2, help="baseline/rebuild pairs")
    parser.add_argument("--batch-size", type=int, default=None, help="the runner's default")
    parser.add_argument(
        "--processes", type=int, default=2, help="processes loading the read models (2)"
    )
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the schema")
    parser.add_argument(
        "--remember-rows", type=int, default=None, help="rows each loading process remembers"
    )
    parser.add_argument("--profile", action="store_true", help="one more rebuild, cProfiled")
    parser.add_argument("--output", type=Path, default=RESULT)
    parser.add_argument(
        "--no-pipeline", action="store_true", help="generate without libpq's pipeline mode"
    )
    args = parser.parse_args(argv)

    cache = f"bench_rebuild_v{GENERATOR_VERSION}_{args.units}_{args.last_year}_{args.seed}"
    schema = cache if args.keep else f"bench_rebuild_{uuid.uuid4().hex[:10]}"
    started_at = datetime.now(UTC)
    info = kept_info(schema) if args.keep else None
    reused = info is not None
    try:
        if info is None:
            print(f"generating the history into schema {schema} ...", flush=True)
            if args.no_pipeline:
                without_pipeline()
            info = generate_into(schema, args.units, args.last_year, args.seed)
            print(
                f"  {info['events']:,} events by {info['acts']:,} acts in "
                f"{info['seconds']:.0f} s (writing {info['write_seconds']:.0f} s)",
                flush=True,
            )
        else:
            print(f"using the kept history in schema {schema} ({info['events']:,} events)")
        if info["events"] < args.min_events:
            raise SystemExit(
                f"only {info['events']:,} events (< {args.min_events:,}): raise --units"
            )
        result = measure(schema, args, info)
        result |= {
            "started_at": started_at.isoformat(),
            "schema": schema,
            "schema_reused": reused,
            "schema_kept": args.keep,
        }
    finally:
        if not args.keep:
            drop_schema(schema)
    print(table(result))
    if args.profile:
        print("\ncProfile of one more rebuild, own time per module (s):")
        for module, seconds in result["profile"]["per_module_own_seconds"].items():
            print(f"  {seconds:8.2f}  {module}")
        print("top functions by own time:")
        for row in result["profile"]["top_functions"]:
            print(
                f"  {row['own_s']:8.2f} {row['cumulative_s']:8.2f} {row['calls']:>9}  "
                f"{row['function']}"
            )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten to {args.output}")
    return 0


def measure(schema: str, args: argparse.Namespace, info: dict[str, Any]) -> dict[str, Any]:
    url = url_of(schema)
    app = build_service(url, SettableClock(datetime(2031, 1, 1, tzinfo=UTC)))
    db = views_db(url)
    try:
        projections = all_projections()
        reset_views(db, projections)
        kwargs = {"batch_size": args.batch_size} if args.batch_size else {}
        workers = RebuildWorkers(settings_or_env(None, url)) if args.processes > 1 else None
        runner = Runner(app, db, projections, workers=workers, processes=args.processes, **kwargs)
        if args.remember_rows is not None:  # (as `greenlist projections rebuild --remember-rows`)
            runner.remember_rows = args.remember_rows
        baselines: list[Run] = []
        streams: list[Run] = []
        rebuilds: list[Run] = []
        size = runner.batch_size
        with LoadSampler() as load:
            read_all(app, size)  # warm-up: the server's cache, the decoder's
            for i in range(args.rounds):
                print(f"round {i + 1}/{args.rounds}: baseline ...", end="", flush=True)
                baselines.append(read_all(app, size))
                streams.append(read_all(app, size, keep_batch=False))
                print(
                    f" {baselines[-1].rate:,.0f}/s (events dropped at once: "
                    f"{streams[-1].rate:,.0f}/s); rebuild ...",
                    end="",
                    flush=True,
                )
                rebuilds.append(rebuild(runner))
                print(f" {rebuilds[-1].rate:,.0f}/s", flush=True)
        check = db.query("SELECT count(*) AS n FROM audit_trail")[0]["n"]
        if int(check) != info["events"] or any(r.events != info["events"] for r in rebuilds):
            raise RuntimeError(f"the rebuild saw {check} events of {info['events']}")
        best_base = max(baselines, key=lambda r: r.rate)
        best_stream = max(streams, key=lambda r: r.rate)
        best_rebuild = max(rebuilds, key=lambda r: r.rate)
        result: dict[str, Any] = {
            "postgres_url": POSTGRES_URL,
            "postgres_version": str(db.query("SHOW server_version")[0]["server_version"]),
            "eventsourcing_version": version("eventsourcing"),
            "cpus": os.cpu_count(),
            "events": info["events"],
            "generation": info,
            "event_mix": event_mix(schema),
            "batch_size": runner.batch_size,
            "remember_rows": runner.remember_rows,
            "read_models": [p.name for p in projections],
            "baseline": {
                "what": "select_notifications in batches + mapper.to_domain_event, each "
                "batch's events kept until the next is read (as Runner._read)",
                "best": best_base.as_dict(),
                "runs": [r.as_dict() for r in baselines],
            },
            "baseline_events_dropped_at_once": {
                "what": "the same loop, each event dropped as soon as it is decoded",
                "best": best_stream.as_dict(),
                "runs": [r.as_dict() for r in streams],
                "ratio": round(best_rebuild.rate / best_stream.rate, 3),
            },
            "rebuild": {
                "best": best_rebuild.as_dict(),
                "runs": [r.as_dict() for r in rebuilds],
            },
            "ratio": round(best_rebuild.rate / best_base.rate, 3),
            "ratio_of_medians": round(
                median([r.rate for r in rebuilds]) / median([r.rate for r in baselines]), 3
            ),
            "goal": GOAL,
            "processes": args.processes,
            "peak_rss_mb": {
                **peak_rss_mb(),
                "rebuild_this_process": max(
                    (r.peak_mb for r in rebuilds if r.peak_mb is not None), default=None
                ),
                "loading_process": max(
                    (mb for r in rebuilds for k, mb in r.phases.items() if k.startswith(PEAK)),
                    default=None,
                ),
            },
            "extrapolated_to_20m_events": {
                "basis": "the best rebuild's events/s, constant as the log grows (each batch "
                "costs the same: rows read by key, at most `remember_rows` remembered, the peak "
                "memory flat from 0.2 M to 1 M events)",
                "rebuild_minutes": round(20_000_000 / best_rebuild.rate / 60, 1),
                "read_and_decode_minutes": round(20_000_000 / best_base.rate / 60, 1),
            },
            "load_average": load.summary(),
        }
        if args.profile:
            result["profile"] = profile(runner, top=60)
        return result
    finally:
        db.close()
        app.close()


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


if __name__ == "__main__":
    raise SystemExit(main())
