"""The cost of sealing a report (issue 14): filing with the vault as a ratio to filing without it.

Figure: `file_complaint` by the public against an agency (the command loads the agency, seals
the reporter's name, contact, evidence and statement, records the `ComplaintFiled` and saves
the new report with its timeline row and leaf) through the service as `greenlist.config`
builds it, whose vault creates the report's data key, wraps it under the KEK and stores it in
the vault's table (on PostgreSQL a table of the store's schema; on SQLite the file
`<store>.vault`), then seals the record with AES-256-GCM.

Baseline: the same command, on the same store, through a second service whose sealer does not
encrypt: it stores the record as JSON, in clear (the legacy envelope, `domain.custody`), and
keeps no key. Sealed and clear filings run alternating: in each of CHUNKS rounds a chunk of
each, the order swapped every round. Ratio = mean seconds per sealed filing / mean seconds per
clear filing (1.0: sealing costs nothing); the median of the rounds' ratios is kept beside it
(a burst of load on a shared machine skews a round, not the median). Run on a SQLite file and
on PostgreSQL.

Also measured: the raw cost of sealing and opening one record (`greenlist.vault.envelope`,
AES-256-GCM with its JSON, no storage), reported as a share of a clear filing; and the vault's
`open` (unwrap the data key read from its table, then decrypt). No goal: the figures are
reported. Printed, and written to var/bench-sealing.json."""

from __future__ import annotations

import json
import os
import secrets
import statistics
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from time import perf_counter
from typing import Any, cast
from uuid import UUID

from bench.common import Result, Timings, chunk, fresh_schema, latency_ms, service
from domain.custody import legacy_envelope, opened_legacy
from domain.service import Greenlist
from domain.service.base import Receipt
from greenlist.vault import Vault, envelope
from greenlist.vault.keys import encode_key
from simulation.scenarios import PUBLIC, register_agency

NAME = "sealing"
FILINGS = 2000
WARMUP = 20
CHUNKS = 20
RAW = 2000
RESULT = Path(__file__).resolve().parent.parent / "var" / "bench-sealing.json"
CONTACT = "13800138000"
EVIDENCE = ["监测数据截图.png", "现场照片.jpg"]
STATEMENT = "该机构出具的评价报告与现场情况明显不符，能耗数据存在造假嫌疑。" * 3
RECORD: dict[str, Any] = {
    "name": "陈举报",
    "contact": CONTACT,
    "evidence": EVIDENCE,
    "statement": STATEMENT,
    "filed_by": ["anonymous", "public", "330000"],
}
"""A report's sealed record, of a typical size."""


class ClearSealer:
    """The baseline's sealer: the record as JSON, in clear; no key kept, nothing encrypted."""

    def seal(self, subject: UUID, version: int, record: Mapping[str, Any]) -> str:
        return legacy_envelope(record)

    def open(self, subject: UUID, version: int, sealed: str) -> dict[str, Any]:
        return opened_legacy(sealed)

    def shred(self, subject: UUID) -> bool:
        return False

    def close(self) -> None:
        pass


@contextmanager
def vault_key() -> Iterator[None]:
    """A KEK of this run's own in the environment while the services are built (unless one is
    configured), so no key file is generated for the benchmark's throwaway stores."""
    saved = os.environ.get("GREENLIST_VAULT_KEY")
    os.environ["GREENLIST_VAULT_KEY"] = saved or encode_key(secrets.token_bytes(32))
    try:
        yield
    finally:
        if saved is None:
            del os.environ["GREENLIST_VAULT_KEY"]


def filings(app: Greenlist, agency: str, count: int) -> list[Callable[[], Receipt]]:
    """`count` real-name reports against `agency`, their arguments prepared beforehand."""

    def op(serial: int) -> Callable[[], Receipt]:
        name = f"举报人{serial}"
        return lambda: app.file_complaint(
            PUBLIC,
            "agency",
            agency,
            name,
            CONTACT,
            EVIDENCE,
            STATEMENT,
            city="330100",
        )

    return [op(serial) for serial in range(count)]


def measure_store(label: str, url: str, n: int) -> list[Result]:
    with vault_key(), ExitStack() as stack:
        sealed = stack.enter_context(service(url, "trusted"))
        clear = stack.enter_context(service(url, "trusted"))
        clear.vault = ClearSealer()
        agency = register_agency(sealed, 901, "法人九〇一")
        ops = {
            "sealed": filings(sealed, agency, WARMUP + n),
            "clear": filings(clear, agency, WARMUP + n),
        }
        for mode in ops:
            Timings().run(ops[mode][:WARMUP])
        timings = {mode: Timings() for mode in ops}
        rounds = []  # each round's sealed / clear mean: a load spike skews one round, not all
        for k in range(CHUNKS):
            this = {mode: Timings() for mode in ops}
            for mode in ("sealed", "clear") if k % 2 == 0 else ("clear", "sealed"):
                this[mode].run(chunk(ops[mode][WARMUP:], k, CHUNKS))
                timings[mode].wall += this[mode].wall
                timings[mode].cpu += this[mode].cpu
            rounds.append(_mean(this["sealed"]) / _mean(this["clear"]))
        raw = raw_costs(cast(Vault, sealed.vault))
    per = {mode: sum(t.wall) / len(t.wall) for mode, t in timings.items()}
    ratio = per["sealed"] / per["clear"]
    per_round = statistics.median(rounds)
    raw_ms = raw["seal"]["mean_ms"] + raw["open"]["mean_ms"]
    summary = {
        "store": label,
        "filings_per_mode": n,
        "sealed": timings["sealed"].summary(),
        "clear": timings["clear"].summary(),
        "sealed_over_clear": ratio,
        "sealed_over_clear_median_of_rounds": per_round,
        "raw": raw,
    }
    print(
        f"  {label}: sealed {per['sealed'] * 1000:.2f} ms/filing, clear "
        f"{per['clear'] * 1000:.2f} ms/filing: ratio {ratio:.2f} (median of rounds "
        f"{per_round:.2f}); envelope seal "
        f"{raw['seal']['mean_ms'] * 1000:.1f} µs, open {raw['open']['mean_ms'] * 1000:.1f} µs; "
        f"vault open (key read + unwrap + decrypt) {raw['vault_open']['mean_ms']:.3f} ms"
    )
    return [
        Result(
            benchmark=NAME,
            figure=f"file_complaint sealed, {label}: {per['sealed'] * 1000:.2f} ms",
            baseline=f"file_complaint in clear {per['clear'] * 1000:.2f} ms",
            ratio=ratio,
            ratio_definition="seconds per sealed filing / per clear filing (alternating)",
            goal="- (reported)",
            met=None,
            raw=summary,
        ),
        Result(
            benchmark=NAME,
            figure=f"envelope seal + open of a record, {label}: {raw_ms * 1000:.1f} µs",
            baseline=f"file_complaint in clear {per['clear'] * 1000:.2f} ms",
            ratio=raw_ms / (per["clear"] * 1000),
            ratio_definition="seal + open of one record (no storage) / a clear filing",
            goal="- (reported)",
            met=None,
            raw=raw,
        ),
    ]


def _mean(timings: Timings) -> float:
    return sum(timings.wall) / len(timings.wall)


def raw_costs(vault: Vault) -> dict[str, Any]:
    """Per record: AES-256-GCM sealing and opening with the JSON (no storage); the vault's open
    of a stored report (its data key read from the table and unwrapped, then decrypted)."""
    data_key = envelope.new_data_key()
    subjects = [uuid.uuid4() for _ in range(RAW)]
    seal, open_ = Timings(), Timings()
    sealed = seal.run([partial(envelope.seal, data_key, s, 1, RECORD) for s in subjects])
    pairs = zip(subjects, sealed, strict=True)
    open_.run([partial(envelope.open_sealed, data_key, s, 1, e) for s, e in pairs])
    stored = [uuid.uuid4() for _ in range(RAW // 10)]
    envelopes = [(s, vault.seal(s, 1, RECORD)) for s in stored]
    vault_open = Timings()
    vault_open.run([partial(vault.open, s, 1, e) for s, e in envelopes])
    return {
        "seal": latency_ms(seal.wall),
        "open": latency_ms(open_.wall),
        "vault_open": latency_ms(vault_open.wall),
        "record_bytes": len(json.dumps(RECORD, ensure_ascii=False).encode()),
        "envelope_chars": len(sealed[0]),
    }


def run(scale: float = 1.0, output: Path = RESULT) -> list[Result]:
    n = max(int(FILINGS * scale), CHUNKS * 2)
    started = perf_counter()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-sealing-") as directory:
        results += measure_store("SQLite", f"sqlite:///{directory}/bench.db", n)
    with fresh_schema("seal") as url:
        results += measure_store("PostgreSQL", url, n)
    document = {
        "benchmark": NAME,
        "seconds": perf_counter() - started,
        "load_average": os.getloadavg(),
        "results": [r.as_json() for r in results],
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"  written to {output}")
    return results


if __name__ == "__main__":
    run()
