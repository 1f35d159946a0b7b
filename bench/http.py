"""Issue 4's benchmark: list reads and commands over HTTP, against the real server under
concurrency, each as a ratio to a trivial endpoint of the same server in the same run.

    .venv/bin/python -m bench.http [--threads 8] [--seconds 10] [--rounds 5] [--workers 2]

1. A fresh PostgreSQL schema (`GREENLIST_BENCH_POSTGRES_URL`) gets the demo history
   (simulation.demo.history, what `greenlist serve --demo` loads: about 1,000 events, lists at
   three levels, announcements), so the reads read realistic rows; the schema is dropped at
   the end.
2. The server is started the README's way, `greenlist serve --workers 2 --port P` (gunicorn,
   gthread, each worker following the log with its read models), as a subprocess; its output
   goes to var/bench-http-server.log (next to `--output`).
3. Baseline: `GET /health`, the cheapest route: what gunicorn, Flask and the before-request
   hooks cost on their own, so a ratio says what the route's own work costs on top.
4. Scenarios (see `scenarios`): the provincial list now and as of a random instant of the
   demo history, announcements, a random page of the audit trail, one unit (the aggregate),
   and a command that never runs out, registering a new factory with a fresh credit code.
5. A closed loop: `--threads` client threads (http.client, one keep-alive connection each)
   send a request as soon as the last one is answered. Each scenario runs `--seconds` in all,
   in `--rounds` slices, each paired with a baseline slice of the same length right before or
   after it (alternating; the scenarios' order rotates each round), so drift of a shared
   machine hits both. Ratio = the scenario's requests/s / that of its paired baseline slices.
   Before measuring, every scenario runs `--warmup` seconds (both workers, their caches).
   After each slice of commands the read models (followed in the workers) are let catch up
   before the next slice, untimed; how long that took is reported.
6. Every request must succeed: any non-2xx answer or failed request is counted as an error and
   the run fails (exit 1) if a scenario's error rate exceeds 1%.
The table is printed and the result written to var/bench-http.json, with the load average
sampled during the run (the machine may be shared).

Measured (issue 15 item 4; 2 CPUs, `--seconds 6 --rounds 3`, one run each of `main` before
and of these changes at load average about 9): list 0.20x -> 0.49x, list as of an instant
0.20x -> 0.59x, announcements 0.06x -> 0.30x, audit trail 0.20x -> 0.30x, unit 0.33x -> 0.39x;
at load 3: 0.41x, 0.39x, 0.32x, 0.28x, 0.35x. Then with pages rendered by PostgreSQL, the audit
trail's rendered rows and a unit's rendering per version remembered, tokens verified once
(branch `reads`, load about 5, `main` in the same session first): list 0.45x -> 0.57x, list as
of an instant 0.42x -> 0.63x, announcements 0.37x -> 0.36x, audit trail 0.29x -> 0.51x, unit
0.34x -> 0.67x; the list read now remembered by its model's position afterwards, measured in
process only: 1.36 -> 0.93 ms of CPU a request with PostgreSQL's (README "Performance").
Then with lists remembered as of any instant, full audit pages remembered, query strings parsed
once, the limiter for POSTs only and the unit's latest version looked up first, twice on the
merged main (load 3.6 before the runs): list 0.64/0.66, list as of 0.55/0.59, audit trail
0.59/0.59, unit 0.63/0.63, announcements 0.45/0.47."""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import random
import secrets
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from time import perf_counter
from typing import Any
from urllib.parse import quote

from api.auth import mint
from bench import common
from bench.common import LoadSampler, Result, fresh_schema, redacted, server_version
from bench.http_load import (
    Request,
    RequestMaker,
    Scenario,
    Tally,
    measure,
    read_models,
    running_server,
)
from domain.values import PROVINCE, SHANGHAI
from greenlist.serve import THREADS
from simulation import demo as demo_history
from simulation.scenarios import credit_code

NAME = "http"
RESULT = Path(__file__).resolve().parent.parent / "var" / "bench-http.json"
MAX_ERROR_RATE = 0.01
CITY = "330100"
FIRST_SERIAL = 700_000_000
"""Credit codes of the registered factories: far above the demo's serials."""
AS_OF = (datetime(2025, 1, 1, tzinfo=SHANGHAI), datetime(2026, 7, 1, tzinfo=SHANGHAI))
"""The instants `list_as_of` reads at: across both provincial publications of the demo."""


def _get(path: str, token: str | None = None) -> Request:
    return ("GET", path, None, {"Authorization": f"Bearer {token}"} if token else {})


def _instant(rng: random.Random) -> str:
    start, end = AS_OF
    return quote((start + (end - start) * rng.random()).isoformat())


def _register(serials: Iterator[int], token: str) -> RequestMaker:
    """A new factory per request: a fresh valid credit code, its own Idempotency-Key."""

    def make(_rng: random.Random) -> Request:
        code = credit_code(next(serials), CITY)  # next() on a count is atomic
        body = {"credit_code": code, "kind": "factory", "name": f"基准工厂{code[-9:-1]}"}
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": f"bench-{code}",
        }
        return ("POST", "/api/v1/units", json.dumps(body).encode(), headers)

    return make


def scenarios(demo: demo_history.Outcome, secret: str) -> list[Scenario]:
    """What is measured against the baseline, on the demo history's rows."""
    codes = sorted({code for listed in demo.listed.values() for code in listed})
    province = mint(secret, "bench-province", "province", PROVINCE)
    auditor = mint(secret, "bench-auditor", "auditor", PROVINCE)
    city = mint(secret, f"bench-{CITY}", "city", CITY)
    last_page = max(demo.events - 50, 1)
    lists = "/api/v1/lists/provincial?limit=100"
    return [
        Scenario("list", f"GET {lists} (public): the list now", lambda _: _get(lists)),
        Scenario(
            "list_as_of",
            f"GET {lists}&as_of=<a random instant, 2025-01 to 2026-06> (public)",
            lambda rng: _get(f"{lists}&as_of={_instant(rng)}"),
        ),
        Scenario(
            "announcements",
            "GET /api/v1/announcements?limit=20 (public): the newest",
            lambda _: _get("/api/v1/announcements?limit=20"),
        ),
        Scenario(
            "audit_trail",
            "GET /api/v1/audit-trail?limit=50&after=<a random position> (auditor)",
            lambda rng: _get(
                f"/api/v1/audit-trail?limit=50&after={rng.randrange(last_page)}", auditor
            ),
        ),
        Scenario(
            "unit",
            f"GET /api/v1/units/<one of the {len(codes)} listed units> (province): the aggregate",
            lambda rng: _get(f"/api/v1/units/{rng.choice(codes)}", province),
        ),
        Scenario(
            "register_unit",
            "POST /api/v1/units, a new factory (city token, Idempotency-Key): one command",
            _register(itertools.count(FIRST_SERIAL), city),
            writes=True,
        ),
    ]


BASELINE = Scenario("health", "GET /health: routing, hooks, JSON", lambda _: _get("/health"))


def _row(case: Scenario, mine: Tally, base: Tally) -> dict[str, Any]:
    """A scenario's figures and ratio, with the ratio of each slice to its paired baseline
    slice: their spread says how steady the machine was."""
    slices = [a / (b or math.nan) for a, b in zip(mine.slice_rates, base.slice_rates, strict=True)]
    return {
        "what": case.what,
        "ratio": mine.rate / (base.rate or math.nan),
        "slice_ratios": [round(r, 3) for r in slices],
        **mine.summary(),
        "paired_baseline": base.summary(),
    }


def bench(args: argparse.Namespace) -> dict[str, Any]:
    """The whole run: schema, demo history, server, measurements; the result document."""
    secret, began = secrets.token_urlsafe(32), datetime.now().astimezone()
    log = args.output.with_name(f"{args.output.stem}-server.log")
    with fresh_schema("http") as url:
        started = perf_counter()
        demo = demo_history.load_if_empty(url)
        assert demo is not None, "a fresh schema holds no events"
        loaded = perf_counter() - started
        print(f"  demo history: {demo.events} events in {loaded:.1f} s", flush=True)
        cases = scenarios(demo, secret)
        with ExitStack() as stack:
            server = stack.enter_context(running_server(url, secret, args.workers, log))
            runner = stack.enter_context(read_models(url))
            with LoadSampler() as la:
                pairs, baseline = measure(server, runner, BASELINE, cases, args)
    return {
        "benchmark": NAME,
        "started_at": began.isoformat(),
        "postgres_url": redacted(common.POSTGRES_URL),
        "postgres_version": server_version(),
        "versions": {p: version(p) for p in ("eventsourcing", "gunicorn", "flask")},
        "python_version": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": la.summary(),
        "server": {
            "command": f"greenlist serve --workers {args.workers} --port P",
            "threads_per_worker": THREADS,
            "aggregate_cache": os.environ.get("GREENLIST_AGGREGATE_CACHE", "checked"),
            "log": str(log),
        },
        "client": {k: getattr(args, k) for k in ("threads", "seconds", "rounds", "warmup")},
        "demo": {"events": demo.events, "load_seconds": round(loaded, 2)},
        "ratio_definition": "scenario requests/s / requests/s of its paired /health slices",
        "baseline": {"what": BASELINE.what, **baseline.summary()},
        "scenarios": {case.name: _row(case, *pairs[case.name]) for case in cases},
    }


def table(result: dict[str, Any]) -> str:
    c, la = result["client"], result["load_average"]
    lines = [
        f"HTTP on PostgreSQL {result['postgres_version']}, {result['server']['command']} "
        f"({result['server']['threads_per_worker']} threads each), {c['threads']} client threads, "
        f"{c['seconds']} s per scenario in {c['rounds']} slices, {result['cpus']} CPUs, "
        f"load {la['mean']} mean / {la['max']} max",
        "",
        f"{'scenario':<15}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}"
        f"{'client CPU':>11}{'server CPU':>11}{'/health req/s':>14}{'ratio':>7}",
    ]
    rows = [(name, s, s["paired_baseline"], s["ratio"]) for name, s in result["scenarios"].items()]
    for name, s, base, ratio in [*rows, ("health (all)", result["baseline"], None, None)]:
        lines.append(
            f"{name:<15}{s['requests']:>9,}{s['rate_per_s']:>8.0f}{s['latency']['p50_ms']:>8.1f}"
            f"{s['latency']['p99_ms']:>8.1f}{s['errors']:>7}"
            f"{s['client_cpu_ms_per_request']:>9.2f}ms{s['server_cpu_ms_per_request']:>9.2f}ms"
            + (f"{base['rate_per_s']:>14.0f}{ratio:>7.2f}" if base else "")
        )
    lines.append("(CPU: ms per request, client = this process, server = gunicorn's processes)")
    for name, s in result["scenarios"].items():
        if waits := s["read_models_caught_up_after_s"]:
            lines.append(f"({name}: read models caught up {max(waits):.2f} s max after a slice)")
    return "\n".join(lines)


def failures(result: dict[str, Any]) -> list[str]:
    """The scenarios (baseline included) whose error rate is over MAX_ERROR_RATE."""
    rows = {"health": result["baseline"], **result["scenarios"]}
    return [
        f"{name}: {s['errors']} errors in {s['requests']} requests {s['error_examples']}"
        for name, s in rows.items()
        if s["errors"] > MAX_ERROR_RATE * max(s["requests"], 1) or not s["requests"]
    ]


def report(args: argparse.Namespace) -> dict[str, Any]:
    """Run, print, write the JSON; RuntimeError (after writing) if too many requests failed."""
    result = bench(args)
    print()
    print(table(result))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\nresult written to {args.output}; server log {result['server']['log']}", flush=True)
    failed = failures(result)
    if failed:
        raise RuntimeError("error rate over 1%:\n  " + "\n  ".join(failed))
    return result


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.http", description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=8, help="client threads (default 8)")
    p.add_argument("--seconds", type=float, default=10.0, help="per scenario (default 10)")
    p.add_argument("--rounds", type=int, default=5, help="slices per scenario (default 5)")
    p.add_argument("--warmup", type=float, default=1.0, help="seconds per scenario first")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--output", type=Path, default=RESULT)
    return p


def run(scale: float = 1.0) -> list[Result]:
    """For `python -m bench`: the default run, its durations multiplied by `scale`."""
    args = parser().parse_args([])
    args.seconds, args.warmup = args.seconds * scale, args.warmup * min(scale, 1.0)
    args.rounds = max(1, min(args.rounds, round(args.rounds * scale)))  # slices of >= ~1 s
    result = report(args)
    base = result["baseline"]["rate_per_s"]
    return [
        Result(
            benchmark=NAME,
            figure=f"{name}: {s['rate_per_s']:.0f} req/s, p99 {s['latency']['p99_ms']:.1f} ms",
            baseline=f"GET /health {s['paired_baseline']['rate_per_s']:.0f} req/s",
            ratio=s["ratio"],
            ratio_definition=result["ratio_definition"] + f" (all /health slices: {base:.0f}/s)",
            goal="- (reported)",
            met=None,
            raw=s,
        )
        for name, s in result["scenarios"].items()
    ]


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        report(args)
    except RuntimeError as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
