"""A tiny run of bench.verify_log (issue 10) on PostgreSQL and SQLite: the log it fills is found
whole by `verify_store` and by `greenlist verify`, every checkpoint held, and the recorder
without leaves writes none (the benchmark asserts all three as it runs; about 5 s)."""

from __future__ import annotations

import math

import pytest

from bench import common, verify_log


@pytest.mark.postgres
def test_both_parts_run_on_both_stores(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "POSTGRES_URL", postgres_url)

    results = verify_log.run(scale=0.001)

    figures = [r.figure.split(":")[0] for r in results]
    assert figures == [
        "verify_store, PostgreSQL, 200 events",
        "greenlist verify (CLI, end to end), PostgreSQL",
        "submit_evaluation with its leaf, PostgreSQL",
        "raw insert_events(1) with its leaf, PostgreSQL",
        "verify_store, SQLite, 200 events",
        "greenlist verify (CLI, end to end), SQLite",
        "submit_evaluation with its leaf, SQLite",
        "raw insert_events(1) with its leaf, SQLite",
    ]
    assert all(r.ratio > 0 and math.isfinite(r.ratio) for r in results)
    verified = [r.raw for r in results if r.figure.startswith("verify_store")]
    assert [v["fill"]["checkpoints"] for v in verified] == [verify_log.CHECKPOINTS] * 2
