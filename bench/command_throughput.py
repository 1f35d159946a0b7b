"""In-process command throughput on PostgreSQL, single thread, for each aggregate cache mode.

Figure: `submit_evaluation` by the enterprise itself on a registered factory (the command loads
the unit, checks A12/A17, records one event and saves it with its timeline row), one command
per unit, under each `GREENLIST_AGGREGATE_CACHE` mode: `trusted` (the default), `checked` and
`off`. Each mode has its own service, built by `greenlist.config.build_service`, and its own
units, all in one fresh schema.

Setup, by service commands only: the units are registered with `register_unit`, then each gets
one untimed `submit_evaluation`, so the timed command is the unit's second (its version 3) on a
unit this process has handled before: the steady state of a long-running writer. (No timed
command lands on a snapshot version; every tenth version of a unit also writes a snapshot.)

Baseline: eventsourcing's raw `recorder.insert_events([stored_event])`, batch of one, through
another service's recorder in the same schema, with a copy of the command's stored event (same
topic and state) on a new stream; no timeline row (the command writes one in its transaction).
Commands and raw inserts run interleaved: in each of CHUNKS rounds, for each mode in turn (the
order rotating), a chunk of its commands, then a chunk of raw inserts. Ratio of a mode = its
command rate / the rate of the raw inserts that ran right after its chunks. Goal: >= 0.8 for
the default mode; the other modes are reported.
"""

from __future__ import annotations

from contextlib import ExitStack
from time import perf_counter
from typing import Any

from bench.common import (
    Result,
    RoundTrips,
    Timings,
    chunk,
    describe,
    fresh_schema,
    prepared_submissions,
    raw_inserts,
    service,
)
from domain.aggregates.unit import unit_id
from simulation.scenarios import credit_code

NAME = "command_throughput"
MODES = ("trusted", "checked", "off")
DEFAULT_MODE = "trusted"
GOAL_RATIO = 0.8
COMMANDS = 800
WARMUP = 50
CHUNKS = 10


def run(scale: float = 1.0) -> list[Result]:
    n = max(int(COMMANDS * scale), CHUNKS)
    with fresh_schema("cmd") as url, ExitStack() as stack:
        apps = {mode: stack.enter_context(service(url, mode)) for mode in MODES}
        raw_app = stack.enter_context(service(url, "off"))
        commands, setup_s = {}, {}
        for m, (mode, app) in enumerate(apps.items()):
            started = perf_counter()
            first = m * 100_000 + 1
            ops = prepared_submissions(app, first, WARMUP + n)
            Timings().run(ops[:WARMUP])
            commands[mode] = ops[WARMUP:]
            setup_s[mode] = perf_counter() - started
        last_event = next(raw_app.events.get(unit_id(credit_code(first)), desc=True, limit=1))
        template = raw_app.mapper.to_stored_event(last_event)
        Timings().run(raw_inserts(raw_app, template, WARMUP))
        raws = {mode: raw_inserts(raw_app, template, n) for mode in MODES}

        timings = {mode: (Timings(), Timings()) for mode in MODES}
        trips = {mode: RoundTrips(app) for mode, app in apps.items()}
        for k in range(CHUNKS):
            for mode in MODES[k % len(MODES) :] + MODES[: k % len(MODES)]:
                command_times, raw_times = timings[mode]
                for receipt in command_times.run(chunk(commands[mode], k, CHUNKS)):
                    assert receipt.version == 3, receipt
                raw_times.run(chunk(raws[mode], k, CHUNKS))
        for counter in trips.values():
            counter.close()

    print(
        f"  {n} timed commands per mode (after {WARMUP} warm-up), interleaved in {CHUNKS} "
        f"rounds with as many raw inserts ({len(template.state)}-byte event state)"
    )
    results = []
    for mode in MODES:
        command_times, raw_times = timings[mode]
        ratio = command_times.rate / raw_times.rate
        raw = {
            "cache_mode": mode,
            "commands": command_times.summary(),
            "raw_inserts": raw_times.summary(),
            "round_trips_per_command": trips[mode].per_op(command_times),
            "setup_seconds": setup_s[mode],
            "event": {"topic": template.topic, "state_bytes": len(template.state)},
        }
        _print(raw)
        default = mode == DEFAULT_MODE
        results.append(
            Result(
                benchmark=NAME,
                figure=f"submit_evaluation, cache {mode}: {command_times.rate:.0f} cmd/s",
                baseline=f"raw insert_events(1) {raw_times.rate:.0f}/s",
                ratio=ratio,
                ratio_definition="command rate / raw insert rate (interleaved)",
                goal=f"ratio >= {GOAL_RATIO}" if default else "- (reported)",
                met=ratio >= GOAL_RATIO if default else None,
                raw=raw,
            )
        )
    return results


def _print(raw: dict[str, Any]) -> None:
    line = "{rate_per_s:6.0f}/s  p50 {p50:.2f}  p99 {p99:.2f} ms  client CPU {cpu:.2f} ms"
    for label, key in (("commands", "commands"), ("raw inserts", "raw_inserts")):
        s = raw[key]
        figures = line.format(
            rate_per_s=s["rate_per_s"],
            p50=s["latency"]["p50_ms"],
            p99=s["latency"]["p99_ms"],
            cpu=s["client_cpu_ms"],
        )
        print(f"  cache {raw['cache_mode']:<8} {label:<12} {figures}")
    print(f"    per command: {describe(raw['round_trips_per_command'])}")
    print(f"    setup (register + first submit, real commands): {raw['setup_seconds']:.1f} s")
