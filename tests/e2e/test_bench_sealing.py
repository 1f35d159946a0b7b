"""A tiny run of bench.sealing (issue 14): filing sealed and in clear on SQLite and PostgreSQL,
the raw seal and open of a record, the figures finite and written to their JSON file."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench import common, sealing


@pytest.mark.postgres
def test_the_sealing_benchmark_runs_on_both_stores(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(common, "POSTGRES_URL", postgres_url)
    output = tmp_path / "bench-sealing.json"

    results = sealing.run(scale=0.05, output=output)

    figures = [r.figure.split(":")[0] for r in results]
    assert figures == [
        "file_complaint sealed, SQLite",
        "envelope seal + open of a record, SQLite",
        "file_complaint sealed, PostgreSQL",
        "envelope seal + open of a record, PostgreSQL",
    ]
    assert all(r.ratio > 0 and math.isfinite(r.ratio) for r in results)
    written = json.loads(output.read_text())
    assert [r["figure"] for r in written["results"]] == [r.figure for r in results]
