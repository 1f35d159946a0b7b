"""One entry point for a generated history: which story, how large, from which seed, into which
store. The demo (`make run`, bench.http), the rebuild benchmark (bench.rebuild) and the
verifiable log's benchmark (bench.verify_log) all generate their histories here.

- `demo`: the demo history (simulation.demo), command by command through the service as
  `greenlist.config.build_service` builds it; its size is fixed (76 units, 2024-2026).
- `province`: `units` units from 2024 to `last_year` (simulation.province), written through
  the bulk writer (simulation.bulk)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from domain.clock import SettableClock
from domain.service import Greenlist
from greenlist.config import build_service, store_env
from simulation import demo, province
from simulation.bulk import BulkWriter
from simulation.scenarios import log_size

STORIES = ("demo", "province")
DEMO_LAST_YEAR = 2026


class StoreNotEmpty(RuntimeError):
    """A history is generated into an empty store only: the one given already holds events."""


@dataclass
class Generated:
    """What a generation did: the story, its size and seed, the events written, the acts tried
    and those the service refused (by command), and how long it took (writing included)."""

    story: str
    units: int
    last_year: int
    seed: int
    events: int = 0
    acts: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    write_seconds: float = 0.0
    outcome: demo.Outcome | None = None
    """The demo's own account (who was listed, removed ...); None for the province."""

    def info(self) -> dict[str, Any]:
        """The figures as plain values (bench.rebuild keeps them next to the schema)."""
        return {k: v for k, v in asdict(self).items() if k not in ("story", "outcome")}


@contextmanager
def opened(
    url: str,
    story: str = "demo",
    *,
    units: int | None = None,
    last_year: int | None = None,
    seed: int | None = None,
) -> Iterator[tuple[Greenlist, Generated]]:
    """Generate `story` into the empty store at `url`; yields the service, still open (an
    in-memory store's events are only there while it is), and what was done."""
    if story not in STORIES:
        raise ValueError(f"unknown story {story!r}: one of {', '.join(STORIES)}")
    if story == "demo" and (units is not None or last_year not in (None, DEMO_LAST_YEAR)):
        raise ValueError("the demo history has a fixed size: 76 units, July 2024 to June 2026")
    if story == "demo":
        clock = SettableClock(demo.START)
        app = build_service(url, clock)
    else:
        clock = SettableClock(province.START)
        app = BulkWriter.service(store_env(url), clock)
    try:
        if log_size(app):
            raise StoreNotEmpty(f"the store already holds events: {url}")
        started = time.perf_counter()
        if story == "demo":
            generated = Generated("demo", 76, DEMO_LAST_YEAR, demo.SEED if seed is None else seed)
            generated.outcome = demo.DemoHistory(app, clock, generated.seed).run()
            generated.events = generated.outcome.events
        else:
            generated = run_province(app, clock, units, last_year, seed)
        generated.seconds = time.perf_counter() - started
        yield app, generated
    finally:
        app.close()


def run_province(
    app: Greenlist,
    clock: SettableClock,
    units: int | None,
    last_year: int | None,
    seed: int | None,
) -> Generated:
    """The province story on a service built by `BulkWriter.service`."""
    generated = Generated(
        "province",
        units if units is not None else 1000,
        last_year if last_year is not None else DEMO_LAST_YEAR,
        demo.SEED if seed is None else seed,
    )
    history = province.ProvinceHistory(
        app, clock, generated.units, generated.last_year, generated.seed
    )
    history.run()
    generated.events, generated.write_seconds = history.store.written, history.store.write_seconds
    generated.units, generated.acts = len(history.units), history.acts
    generated.refused = dict(history.refused)
    return generated


def generate(
    url: str,
    story: str = "demo",
    *,
    units: int | None = None,
    last_year: int | None = None,
    seed: int | None = None,
) -> Generated:
    """Generate `story` into the empty store at `url` and close it; what was done."""
    with opened(url, story, units=units, last_year=last_year, seed=seed) as (_, generated):
        return generated
