"""A short run of bench.http (issue 4): the real server on a fresh PostgreSQL schema with the
demo history, every scenario measured, every request answered 2xx (about 12 s)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import common
from bench import http as bench_http


@pytest.mark.postgres
def test_every_scenario_runs_without_errors(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "POSTGRES_URL", postgres_url)
    for key in ("GREENLIST_IDENTITY_KEY", "GREENLIST_VAULT_KEY"):  # as `make bench` runs it:
        monkeypatch.delenv(key)  # its server gets throwaway keys (production settings on PG)
    output = tmp_path / "bench-http.json"
    argv = ["--seconds", "0.3", "--rounds", "1", "--warmup", "0", "--output", str(output)]

    assert bench_http.main(argv) == 0

    result = json.loads(output.read_text())
    names = {"list", "list_as_of", "announcements", "audit_trail", "unit", "register_unit"}
    assert set(result["scenarios"]) == names
    for measured in [result["baseline"], *result["scenarios"].values()]:
        assert measured["requests"] > 0 and measured["errors"] == 0, measured
    assert all(s["ratio"] > 0 for s in result["scenarios"].values())
    assert Path(result["server"]["log"]).exists()
