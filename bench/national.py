"""Issue 15's benchmark (item 2): the national follower's throughput over two provinces, as a
ratio to reading and decoding the same two logs in the same run.

1. Two provinces' histories (simulation.histories: the province story, `UNITS` units each to
   `LAST_YEAR`, different seeds) are generated into two fresh schemas, the national view into a
   third (one server: on the machine the benchmarks run on, three databases would share it all
   the same).
2. Baseline: each province's whole log read with `select_notifications` in batches of the
   follower's batch size and decoded with `mapper.to_domain_event`, writing nothing
   (bench.rebuild.read_all, each batch's events kept until the next is read); the two logs one
   after the other, events per second over both.
3. Measured: `NationalFollower.catch_up()` from empty national tables: both provinces, one
   after the other (sequential), each batch applied to the national lists and announcements and
   committed with the province's tracking position; then the same with one thread per province
   (`parallel=True`, as `greenlist national follow` runs them), reported as a second line.
Each is measured `ROUNDS` times, alternately, after an untimed read; the best of each is
compared. Ratio = follower events/s over baseline events/s. Goal: >= 0.5, the rebuild's
(bench.rebuild): building read models in batches should cost at most as much again as reading."""

from __future__ import annotations

import time
from contextlib import ExitStack
from typing import Any

from bench.common import LoadSampler, Result, fresh_schema
from bench.rebuild import Run, read_all
from greenlist import national
from greenlist.settings import StoreUrl
from projections.national import NationalFollower, Upstream, province_summary
from simulation.histories import generate

NAME = "national"
UNITS = 3_000
LAST_YEAR = 2028
SEEDS = {"ZJ": 20240626, "JS": 20250101}
ROUNDS = 2
BATCH = 2_000
GOAL = 0.5


def follow(follower: NationalFollower, parallel: bool) -> Run:
    """One catch-up of both provinces into empty national tables."""
    follower.reset()
    started, cpu = time.perf_counter(), time.process_time()
    events = follower.catch_up(parallel=parallel)
    return Run(events, time.perf_counter() - started, time.process_time() - cpu)


def read_both(upstreams: list[Upstream]) -> Run:
    runs = [read_all(u.app, BATCH) for u in upstreams]
    return Run(
        sum(r.events for r in runs),
        sum(r.seconds for r in runs),
        sum(r.cpu_seconds for r in runs),
    )


def run(scale: float = 1.0) -> list[Result]:
    units = max(int(UNITS * scale), 50)
    with ExitStack() as stack:
        urls = {
            name: stack.enter_context(fresh_schema(f"national_{name.lower()}")) for name in SEEDS
        }
        into = stack.enter_context(fresh_schema("national"))
        generated = {}
        for name, url in urls.items():
            info = generate(url, "province", units=units, last_year=LAST_YEAR, seed=SEEDS[name])
            generated[name] = info.info()
            print(f"  {name}: {info.events:,} events generated", flush=True)
        upstreams = [national.upstream(name, StoreUrl.parse(url)) for name, url in urls.items()]
        for upstream in upstreams:
            stack.callback(upstream.app.close)
        db = national.national_db(into)
        stack.callback(db.close)
        follower = NationalFollower(upstreams, db, BATCH)
        baselines: list[Run] = []
        sequential: list[Run] = []
        parallel: list[Run] = []
        with LoadSampler() as load:
            read_both(upstreams)  # warm-up: the server's cache, the decoder's
            for i in range(ROUNDS):
                baselines.append(read_both(upstreams))
                sequential.append(follow(follower, parallel=False))
                parallel.append(follow(follower, parallel=True))
                print(
                    f"  round {i + 1}/{ROUNDS}: read+decode {baselines[-1].rate:,.0f}/s, "
                    f"follower {sequential[-1].rate:,.0f}/s (sequential), "
                    f"{parallel[-1].rate:,.0f}/s (a thread per province)",
                    flush=True,
                )
        heads = {u.name: u.head() for u in upstreams}
        summary = province_summary(db, heads)
        if any(row["lag"] for row in summary):
            raise RuntimeError(f"the follower did not reach the heads: {summary}")
    base = max(baselines, key=lambda r: r.rate)
    best = {"sequential": max(sequential, key=lambda r: r.rate)}
    best["parallel"] = max(parallel, key=lambda r: r.rate)
    raw: dict[str, Any] = {
        "provinces": generated,
        "events": base.events,
        "batch_size": BATCH,
        "baseline": base.as_dict(),
        "sequential": best["sequential"].as_dict(),
        "parallel": best["parallel"].as_dict(),
        "runs": {
            "baseline": [r.as_dict() for r in baselines],
            "sequential": [r.as_dict() for r in sequential],
            "parallel": [r.as_dict() for r in parallel],
        },
        "load_average": load.summary(),
    }
    results = []
    for mode, label in (("sequential", "provinces in turn"), ("parallel", "a thread each")):
        ratio = best[mode].rate / base.rate
        results.append(
            Result(
                NAME,
                f"national follower, 2 provinces ({label}): {best[mode].rate:,.0f} events/s",
                f"read+decode of both logs: {base.rate:,.0f} events/s",
                ratio,
                "follower events/s / read+decode events/s",
                f">= {GOAL}" if mode == "sequential" else "-",
                ratio >= GOAL if mode == "sequential" else None,
                raw,
            )
        )
    return results
