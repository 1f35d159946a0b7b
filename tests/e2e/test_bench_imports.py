"""A tiny run of bench.imports (issue 15 item 1) on PostgreSQL: the import, its dry run and its
re-import each give a finite ratio to registering the same units one by one; the benchmark
asserts as it runs that only the import records and that no row is refused (about 2 s)."""

from __future__ import annotations

import math

import pytest

from bench import common, imports


@pytest.mark.postgres
def test_the_import_benchmark_runs(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "POSTGRES_URL", postgres_url)
    results = imports.run(scale=0.001)
    assert [r.figure.split("(")[-1] for r in results] == ["import)", "dry run)", "re-import)"]
    assert all(r.ratio > 0 and math.isfinite(r.ratio) for r in results)
    assert results[0].raw["rows"] == 100
