"""Issue 3's benchmark: how fast a full rebuild of every read model runs on PostgreSQL, as a
ratio to reading and decoding the same log without writing anything.

    .venv/bin/python -m bench.rebuild [--units N] [--keep] [--profile]

1. A realistic history (bench.rebuild_history) of at least `--min-events` events is generated
   in its own schema; with `--keep` the schema is kept and used again by the next `--keep` run
   (its name says what was generated), otherwise it is dropped at the end.
2. Baseline: the runner's own read (`Runner._read`: `select_notifications` in batches of the
   runner's batch size, then `mapper.to_domain_event`) over the whole log, writing nothing.
3. Rebuild: `Runner.rebuild()` of all read models (projections.catalogue), from zero into new
   tables, then the swap. Its time is split per read model (handlers, then the batch's writes)
   by timing each model's `process` and `Batch.flush` calls (per batch, not per event).

Both are measured `--rounds` times, alternately, after a warm-up read; the best of each is
compared (the machine may be shared: the load average during the run is recorded). With
`--profile` one more rebuild runs under cProfile and its top functions are printed.
The result is printed as a table and written to var/bench-rebuild.json."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from domain.clock import SettableClock
from domain.service import Greenlist
from greenlist.config import build_service
from projections.catalogue import all_projections
from projections.engine.batch import Batch
from projections.engine.db import Db, views_db
from projections.engine.projection import Projection
from projections.engine.runner import TRACKING, Runner

POSTGRES_URL = os.environ.get(
    "GREENLIST_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
GENERATOR_VERSION = 1
"""Part of the kept schema's name: bump it when bench.rebuild_history changes."""
GOAL = 0.5
RESULT = Path("var/bench-rebuild.json")
INFO_TABLE = "bench_rebuild_info"


# --- the schema and the history ------------------------------------------------------------


def url_of(schema: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}schema={schema}"


def admin(statement: sql.Composable, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
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


def generate_into(schema: str, units: int, last_year: int, seed: int) -> dict[str, Any]:
    from bench.rebuild_history import generate

    create_schema(schema)
    info = generate(url_of(schema), units, last_year, seed)
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
        }


def read_all(runner: Runner) -> Run:
    """The baseline: the runner's read of the whole log, in its batches, decoding every event
    and writing nothing."""
    started, cpu = time.perf_counter(), time.process_time()
    position, events = 0, 0
    while True:
        batch = runner._read(position, runner.batch_size)
        if not batch:
            break
        events += len(batch)
        position = batch[-1][0]
    return Run(events, time.perf_counter() - started, time.process_time() - cpu)


class Split:
    """Wall time of the rebuild per read model: its handlers (`process`) and its writes
    (`Batch.flush`, the batch's statements and COPY), and of the reads. Timed per batch and
    model, so the overhead is a few microseconds per batch."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.seconds: dict[str, Counter[str]] = defaultdict(Counter)
        self._current = ""

    @contextmanager
    def installed(self) -> Iterator[None]:
        split = self
        original_flush = Batch.flush
        original_read = self.runner._read

        def flush(batch: Batch) -> None:
            started = time.perf_counter()
            original_flush(batch)
            split.seconds[split._current]["writes"] += time.perf_counter() - started

        def read(after: int, limit: int) -> list[tuple[int, Any]]:
            started = time.perf_counter()
            found = original_read(after, limit)
            split.seconds["(read and decode)"]["reads"] += time.perf_counter() - started
            return found

        for projection in self.runner.projections:
            projection.process = self._timed(projection)  # type: ignore[method-assign]
        Batch.flush = flush  # type: ignore[method-assign]
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
    """A full rebuild of every read model, split per model."""
    reset_views(runner.db, runner.projections)
    runner.setup()
    split = Split(runner)
    with split.installed():
        started, cpu = time.perf_counter(), time.process_time()
        events = runner.rebuild()
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return Run(events, seconds, cpu_seconds, split.as_dict())


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


def module_of(filename: str) -> str:
    """A short module-ish name for a profiled file."""
    if filename.startswith("<") or filename == "~":
        return "builtins"
    parts = Path(filename).parts
    for anchor in ("site-packages", "main", "lib"):
        if anchor in parts:
            tail = parts[parts.index(anchor) + 1 :]
            if anchor == "lib" and tail and tail[0].startswith("python"):
                tail = tail[1:]
            return "/".join(tail).removesuffix(".py")
    return Path(filename).stem


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


# --- the report ----------------------------------------------------------------------------


def table(result: dict[str, Any]) -> str:
    base, built = result["baseline"]["best"], result["rebuild"]["best"]
    lines = [
        f"rebuild of all read models on PostgreSQL {result['postgres_version']} "
        f"({result['events']:,} events, batch {result['batch_size']}, "
        f"{result['cpus']} CPUs, load {result['load_average']['mean']} mean "
        f"/ {result['load_average']['max']} max)",
        "",
        f"{'':34}{'events':>10}{'seconds':>10}{'events/s':>11}{'client CPU s':>14}",
    ]
    for label, run in (
        ("baseline: read + decode, no writes", base),
        ("rebuild: all read models", built),
    ):
        lines.append(
            f"{label:34}{run['events']:>10,}{run['seconds']:>10.2f}"
            f"{run['events_per_s']:>11,.0f}{run['client_cpu_seconds']:>14.2f}"
        )
    ratio = result["ratio"]
    verdict = "meets" if ratio >= GOAL else "below"
    lines += ["", f"ratio rebuild / baseline: {ratio:.2f}x ({verdict} the goal of {GOAL}x)", ""]
    lines.append(
        f"{'rebuild time per read model (s)':34}{'handlers':>10}{'writes':>10}{'total':>11}"
    )
    split = built.get("split_seconds", {})
    ordered = sorted(split.items(), key=lambda kv: -sum(kv[1].values()))
    for name, parts in ordered:
        handlers, writes = parts.get("handlers", 0.0), parts.get("writes", 0.0)
        reads = parts.get("reads", 0.0)
        if reads:
            lines.append(f"{name:34}{'':>10}{'':>10}{reads:>11.2f}")
        else:
            lines.append(f"{name:34}{handlers:>10.2f}{writes:>10.2f}{handlers + writes:>11.2f}")
    accounted = sum(sum(p.values()) for p in split.values())
    lines.append(
        f"{'(locks, tracking, commits, swap)':34}{'':>20}{built['seconds'] - accounted:>11.2f}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rebuild", description=__doc__)
    parser.add_argument("--units", type=int, default=11_000, help="units by the last year")
    parser.add_argument("--last-year", type=int, default=2030)
    parser.add_argument("--seed", type=int, default=20240626)
    parser.add_argument("--min-events", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=2, help="baseline/rebuild pairs")
    parser.add_argument("--batch-size", type=int, default=None, help="the runner's default")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the schema")
    parser.add_argument("--profile", action="store_true", help="one more rebuild, cProfiled")
    parser.add_argument("--output", type=Path, default=RESULT)
    args = parser.parse_args(argv)

    cache = f"bench_rebuild_v{GENERATOR_VERSION}_{args.units}_{args.last_year}_{args.seed}"
    schema = cache if args.keep else f"bench_rebuild_{uuid.uuid4().hex[:10]}"
    started_at = datetime.now(UTC)
    info = kept_info(schema) if args.keep else None
    reused = info is not None
    try:
        if info is None:
            print(f"generating the history into schema {schema} ...", flush=True)
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
        runner = Runner(app, db, projections, **kwargs)
        baselines: list[Run] = []
        rebuilds: list[Run] = []
        with LoadSampler() as load:
            read_all(runner)  # warm-up: the server's cache, the decoder's
            for i in range(args.rounds):
                print(f"round {i + 1}/{args.rounds}: baseline ...", end="", flush=True)
                baselines.append(read_all(runner))
                print(f" {baselines[-1].rate:,.0f}/s; rebuild ...", end="", flush=True)
                rebuilds.append(rebuild(runner))
                print(f" {rebuilds[-1].rate:,.0f}/s", flush=True)
        check = db.query("SELECT count(*) AS n FROM audit_trail")[0]["n"]
        if int(check) != info["events"] or any(r.events != info["events"] for r in rebuilds):
            raise RuntimeError(f"the rebuild saw {check} events of {info['events']}")
        best_base = max(baselines, key=lambda r: r.rate)
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
            "read_models": [p.name for p in projections],
            "baseline": {
                "best": best_base.as_dict(),
                "runs": [r.as_dict() for r in baselines],
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
