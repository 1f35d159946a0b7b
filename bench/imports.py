"""Importing a historical list (issue 15 item 1): a record of N rows (factories across the
eleven cities) imported in one act, as a ratio to registering the same N units one command
each through the service in the same run, on PostgreSQL (fresh schemas).

Figures: the import (every row judged, then N units registered and listed in one transaction),
its dry run (judged only) and its re-import (every row found imported before, nothing written).
Baseline: N `register_unit` commands (one transaction each). Goal: reported only; an import
should cost about what registering its units does, so that a long file is bounded by the
store's write rate, not by the judging. Measured on 4 December 2026 (2 cores, load ~6, the
aggregate cache `trusted`): 2000 rows, register one by one 11.0 s; import 3.1 s (ratio 0.28),
dry run 0.87 s (0.08), re-import 0.22 s (0.02: the units come from the cache)."""

from __future__ import annotations

from datetime import date
from time import perf_counter

from bench.common import Result, fresh_schema, service
from domain.rules.records import HistoricalRecord, RecordRow
from domain.values import CITIES, Level, UnitKind
from simulation.scenarios import PROVINCE_ACTOR, city_actor, credit_code

NAME = "imports"
ROWS = 2000
CODES = sorted(CITIES)


def rows(count: int) -> tuple[RecordRow, ...]:
    """`count` factories' rows, the cities in turn."""
    return tuple(
        RecordRow(
            n + 2, credit_code(n + 1, CODES[n % 11]), f"示范工厂{n + 1}", CODES[n % 11], "绿色工厂"
        )
        for n in range(count)
    )


def run(scale: float = 1.0) -> list[Result]:
    count = max(100, int(ROWS * scale))
    record = HistoricalRecord(
        "b" * 64, "bench.csv", Level.PROVINCIAL, 2023, date(2023, 12, 31), rows(count)
    )
    with fresh_schema("register") as url, service(url) as app:
        began = perf_counter()
        for row in record.rows:
            actor = city_actor(row.city)
            app.register_unit(actor, row.credit_code, UnitKind.FACTORY, row.name)
        baseline = perf_counter() - began
    with fresh_schema("import") as url, service(url) as app:
        seconds = {}
        for label, dry in (("dry run", True), ("import", False), ("re-import", False)):
            began = perf_counter()
            report = app.import_historical_list(PROVINCE_ACTOR, record, dry_run=dry)
            seconds[label] = perf_counter() - began
            assert not report.refused and report.recorded is (label == "import"), report
    raw = {"rows": count, "register_s": baseline, **seconds}
    print(
        f"  {count} rows: register one by one {baseline:.2f} s; import {seconds['import']:.2f} s,"
        f" dry run {seconds['dry run']:.2f} s, re-import {seconds['re-import']:.2f} s"
    )
    return [
        Result(
            NAME,
            f"import of {count} rows: {seconds[label]:.2f} s ({label})",
            f"{count} register_unit: {baseline:.2f} s",
            seconds[label] / baseline,
            f"{label} seconds / register seconds",
            "reported",
            None,
            raw,
        )
        for label in ("import", "dry run", "re-import")
    ]
