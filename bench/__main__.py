"""Run the benchmarks, print a summary table and write var/bench-results.json.

    .venv/bin/python -m bench                        # all benchmarks
    .venv/bin/python -m bench as_of_read             # only some
    .venv/bin/python -m bench --scale 0.1            # a quick smoke run (smaller N)
    .venv/bin/python -m bench.http --seconds 10      # only the HTTP benchmark, with its options

`http` (bench/http.py, issue 4) starts the real server (`greenlist serve --workers 2`) on the
demo history and measures list reads and commands under concurrency as ratios to `/health`
(`--scale` multiplies its durations); it also writes var/bench-http.json.

PostgreSQL: `GREENLIST_BENCH_POSTGRES_URL` (default postgresql://postgres@127.0.0.1:5432/test).
The exit status is 1 if a benchmark failed to run; goals not met are reported, not fatal.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from time import perf_counter
from typing import Any

from bench import (
    as_of_read,
    command_throughput,
    exports,
    http,
    imports,
    national,
    sealing,
    verify_log,
)
from bench.common import POSTGRES_URL, Result, redacted, server_version

BENCHMARKS: dict[str, Callable[[float], list[Result]]] = {
    command_throughput.NAME: command_throughput.run,
    as_of_read.NAME: as_of_read.run,
    http.NAME: http.run,
    verify_log.NAME: verify_log.run,
    exports.NAME: exports.run,
    imports.NAME: imports.run,
    national.NAME: national.run,
    sealing.NAME: sealing.run,
}
RESULTS_FILE = Path(__file__).resolve().parent.parent / "var" / "bench-results.json"


def _table(results: list[Result]) -> str:
    header = ("benchmark", "figure", "baseline", "ratio", "goal", "met?")
    rows = [header] + [
        (
            r.benchmark,
            r.figure,
            r.baseline,
            "-" if math.isnan(r.ratio) else f"{r.ratio:.2f}",
            r.goal,
            "-" if r.met is None else "yes" if r.met else "NO",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def _json_safe(value: Any) -> Any:
    """NaN is not JSON: store it as null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(BENCHMARKS)}")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every N (default 1)")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE)
    args = parser.parse_args(argv)
    names = args.names or list(BENCHMARKS)
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")

    environment = {
        "started_at": datetime.now(UTC).isoformat(),
        "postgres_url": redacted(POSTGRES_URL),
        "postgres_version": server_version(),
        "eventsourcing_version": metadata.version("eventsourcing"),
        "python_version": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": os.getloadavg(),
        "scale": args.scale,
    }
    print(
        "greenlist benchmarks on {postgres_url} (PostgreSQL {postgres_version}), eventsourcing "
        "{eventsourcing_version}, Python {python_version}, {cpus} CPUs, load average "
        "{load_average_before[0]:.2f} {load_average_before[1]:.2f}".format(**environment)
    )
    results: list[Result] = []
    seconds: dict[str, float] = {}
    errors: dict[str, str] = {}
    for name in names:
        print(f"\n[{name}]", flush=True)
        began = perf_counter()
        try:
            results += BENCHMARKS[name](args.scale)
        except Exception:
            errors[name] = traceback.format_exc()
            print(errors[name], file=sys.stderr)
        seconds[name] = perf_counter() - began
        print(f"  ({seconds[name]:.1f} s)", flush=True)

    print("\nSummary (ratios against a baseline measured in the same run)\n")
    print(_table(results))
    for name in errors:
        print(f"  ! {name} failed to run (see the traceback above)")

    document = environment | {
        "load_average_after": os.getloadavg(),
        "seconds": seconds,
        "results": [r.as_json() for r in results],
        "errors": errors,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(_json_safe(document), indent=2, ensure_ascii=False) + "\n")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}; results written to {args.output}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
