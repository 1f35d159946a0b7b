"""Exports (issue 13 item 2): an XLSX export of 100,000 audit-trail rows, as a ratio to writing
the same rows as CSV in the same run.

Setup: a SQLite views database whose `audit_trail` table holds N synthetic rows (Chinese
summaries, instants, rule codes; every thousandth justification starts like a formula), written
straight into the table (the read model's own schema, `projections.audit.Audit`).
Figure: the API's export path (`api.exports`: the read model paged `PAGE` rows per query, each
row through the audit trail's row schema, then XlsxWriter in constant_memory mode into a file),
in a process of its own: its wall time and its peak RSS growth (ru_maxrss at the end minus RSS
before the export started).
Baseline: the same path writing CSV (UTF-8 with BOM), measured the same way, same rows.
Ratios: XLSX / CSV time and XLSX / CSV peak memory growth. Goal: the XLSX export's peak memory
growth stays under 64 MiB at 100k rows (XlsxWriter without constant_memory took 167 MiB
for 100k rows of 10 columns on this machine, trust-and-console notes C). Measured on 4 December
2026 (2 cores, load ~10): CSV 14.2 s, XLSX 80.9 s (ratio 5.7); peak RSS growth 72.2 and
72.3 MiB (ratio 1.00: the workbook adds nothing; the growth, the same for both, is on the
reading side and not in Python objects, which tests/api/test_export_streaming.py finds flat).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from time import perf_counter
from typing import Any

from bench.common import Result

NAME = "exports"
ROWS = 100_000
GOAL_MIB = 64.0
MIB = 1024 * 1024


def synthetic_audit_rows(count: int) -> Iterator[tuple[Any, ...]]:
    """`count` rows of `audit_trail`, positions 1..count, in its columns' order."""
    for n in range(1, count + 1):
        yield (
            n, f"00000000-0000-0000-0000-{n:012d}", "unit", f"9133010000{n:08d}", "Nominated",
            1, "jxj-330100", "city", "330100", 1_750_000_000_000_000 + n * 1_000_000,
            1_750_000_000_000_000 + n * 1_000_003, "A14.1,A14.2", "", "2024-105",
            "=1+1 市级名单另行发布" if n % 1000 == 0 else None,
            f"杭州市经信局推荐示范工厂{n}参加省级绿色工厂评选",
        )  # fmt: skip


def fill(path: str, count: int) -> None:
    from projections.audit import Audit
    from projections.engine.sqlite_db import SQLiteDb
    from projections.engine.tables import create_tables

    db = SQLiteDb(path)
    with db.transaction() as tx:
        create_tables(tx, Audit(), "")
        marks = ", ".join("?" * 16)
        tx.executemany(
            f"INSERT INTO audit_trail VALUES ({marks})", list(synthetic_audit_rows(count))
        )
    db.close()


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def child(fmt: str, path: str, out: str) -> None:
    """One export in this process; prints its seconds, peak RSS growth and size as JSON."""
    from api.exports.http import pages
    from api.exports.tables import Sheet, chunks
    from api.schemas.oversight import AuditRow
    from projections.audit import audit_trail
    from projections.engine.sqlite_db import SQLiteDb

    db = SQLiteDb(path)
    before = rss()
    began = perf_counter()
    rows = pages(lambda after, size: audit_trail(db, limit=size, after=after), "position", None)
    size = 0
    with open(out, "wb") as file:
        for chunk in chunks(fmt, [Sheet("audit", AuditRow(), rows)]):
            size += file.write(chunk)
    seconds = perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    print(json.dumps({"seconds": seconds, "peak_bytes": peak, "bytes": size}))


def measure(fmt: str, path: str, out: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.exports", fmt, path, out],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def run(scale: float) -> list[Result]:
    count = max(1000, int(ROWS * scale))
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "views.db")
        fill(path, count)
        csv = measure("csv", path, str(Path(tmp) / "audit.csv"))
        xlsx = measure("xlsx", path, str(Path(tmp) / "audit.xlsx"))
    raw = {"rows": count, "csv": csv, "xlsx": xlsx}
    for fmt, m in (("csv", csv), ("xlsx", xlsx)):
        print(
            f"  {fmt:<4} {count} rows: {m['seconds']:.2f} s, peak RSS growth "
            f"{m['peak_bytes'] / MIB:.1f} MiB, file {m['bytes'] / MIB:.1f} MiB"
        )
    xlsx_mib = xlsx["peak_bytes"] / MIB
    return [
        Result(
            NAME,
            f"xlsx export of {count} audit rows: {xlsx['seconds']:.2f} s",
            f"csv: {csv['seconds']:.2f} s",
            xlsx["seconds"] / csv["seconds"],
            "xlsx seconds / csv seconds",
            "reported",
            None,
            raw,
        ),
        Result(
            NAME,
            f"xlsx peak RSS growth: {xlsx_mib:.1f} MiB",
            f"csv: {csv['peak_bytes'] / MIB:.1f} MiB",
            xlsx["peak_bytes"] / max(csv["peak_bytes"], 1),
            "xlsx peak RSS growth / csv peak RSS growth",
            f"xlsx growth <= {GOAL_MIB:.0f} MiB",
            xlsx_mib <= GOAL_MIB,
            raw,
        ),
    ]


if __name__ == "__main__":
    child(*sys.argv[1:4])
