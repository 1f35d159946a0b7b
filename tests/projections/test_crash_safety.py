"""Crash safety of the projection runner: the read models are derivable from the event log alone.

A runner killed (SIGKILL) in the middle of a batch leaves the rows of the batches it committed
and nothing of the one it was writing, since a batch's rows and its tracking position are
written in one transaction; restarted, it ends with the rows of a clean build, row for row.
So does a runner killed while rebuilding (the live tables are untouched until the swap), a
rebuild run twice, and two runners of the same read models at once (each batch takes the
models' lock and re-reads their positions); of two rebuilds at once, one gives way. Every read
model of the catalogue is checked, on SQLite and PostgreSQL, on one shared log of about two
thousand events (generated once per store and test process, kept apart from the views)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import Level
from greenlist.config import build_service, views_db
from projections.catalogue import all_projections
from projections.engine.checksum import table_checksums, table_rows
from projections.engine.db import Db
from projections.engine.runner import TRACKING, RebuildSuperseded, Runner
from simulation import scenarios as s
from tests.on_time import on_time
from tests.projections import killing

ROOT = Path(__file__).resolve().parents[2]
STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
BATCH = 50
CITIES = list(s.ALL_QUOTAS)
TIMEOUT = 120.0
"""Seconds to wait for a child or a thread before failing (a loaded server is slow)."""


# --- the event log, recorded once per store ----------------------------------------------------


def record_history(app: Greenlist, clock: SettableClock, listed: int = 40, more: int = 520) -> None:
    """About 2,100 events of most kinds: units registered, cultivated and evaluated, a
    provincial round published, renames, negative records, complaints, dynamic forms and the
    next annual publication that removes and renames (A19, A20.3)."""
    clock.set(datetime(2025, 1, 2, tzinfo=UTC))
    s.register_agency(app, 801, "张三")
    codes = [s.credit_code(1000 + i, CITIES[i % len(CITIES)]) for i in range(listed + more)]
    s.list_provincially_together(app, *codes[:listed])
    for code in codes[listed:]:
        s.register_and_cultivate(app, code)
        s.evaluate(app, code, Level.PROVINCIAL)
    clock.set(datetime(2025, 10, 2, tzinfo=UTC))
    for code in codes[:5]:
        change = app.declare_change(
            s.enterprise_actor(code), code, "name", "更名", new_name=f"新名称{code[-4:]}"
        )
        city = s.city_actor(code[2:6] + "00")
        app.recheck_change(city, code, change.details["change_id"], True, True)
    clock.set(datetime(2025, 11, 2, tzinfo=UTC))
    for code in codes[5:8]:
        s.record_ground(app, code, "A17.4", date(2025, 10, 20), date(2025, 11, 1))
    for code, outcome in ((codes[8], "removal"), (codes[9], "unfounded")):
        filed = app.file_complaint(s.PUBLIC, "unit", code, "王某", "138", ["照片"], "能耗造假")
        city = s.city_actor(code[2:6] + "00")
        app.accept_complaint(city, filed.aggregate_id)
        app.verify_complaint(city, filed.aggregate_id, outcome == "removal", outcome, "核实")
    clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    for code in codes[10:20]:
        actor = s.enterprise_actor(code)
        app.submit_dynamic_form(actor, code, Level.PROVINCIAL, 2025, {"energy_tce": 1200})
    s.annual_publication(app, 2026)


@contextmanager
def fresh_schema(server_url: str) -> Iterator[str]:
    """A new schema on the server, as a store URL; dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{server_url}?schema={schema}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@dataclass
class Log:
    kind: str
    url: str
    app: Greenlist
    ids: list[int]
    """The notification ids of the log, in order."""

    @property
    def head(self) -> int:
        return self.ids[-1]


@pytest.fixture(scope="module", params=STORES)
def log(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Log]:
    """The log of `record_history` on each store, recorded once per test process (the tests
    only read it; their views are in databases of their own)."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('events')}/events.db"
        else:
            url = stack.enter_context(fresh_schema(request.getfixturevalue("postgres_url")))
        clock = SettableClock(datetime(2025, 1, 1, tzinfo=UTC))
        with pytest.MonkeyPatch.context() as patch:  # this process alone writes: no re-reads
            patch.setenv("GREENLIST_AGGREGATE_CACHE", "trusted")
            app = build_service(url, clock)
        stack.callback(app.close)
        record_history(on_time(app), clock)
        notifications = app.recorder.select_notifications(start=0, limit=1_000_000)
        yield Log(request.param, url, app, [n.id for n in notifications])


def new_views(log: Log, stack: ExitStack, directory: Path, label: str) -> tuple[str, Db]:
    """A fresh, empty views database apart from the log: a URL for `views_db` (a SQLite file
    in `directory`, or a new PostgreSQL schema) and the database, both closed with `stack`."""
    if log.kind == "sqlite":
        url = f"sqlite:///{directory}/{label}.db"
    else:
        url = stack.enter_context(fresh_schema(log.url.split("?", 1)[0]))
    db = views_db(url)
    stack.callback(db.close)
    return url, db


@pytest.fixture
def views(log: Log, tmp_path: Path) -> Iterator[Callable[[str], tuple[str, Db]]]:
    """`views(label)`: a fresh views database for this test."""
    with ExitStack() as stack:
        yield lambda label: new_views(log, stack, tmp_path, label)


@pytest.fixture(scope="module")
def clean(log: Log, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Db]:
    """Every read model built once from zero, never interrupted: the rows to compare with."""
    with ExitStack() as stack:
        _, db = new_views(log, stack, tmp_path_factory.mktemp("clean"), "clean")
        Runner(log.app, db, all_projections()).catch_up()
        assert row_count(db) > 0
        yield db


# --- helpers -----------------------------------------------------------------------------------


class RunnerUpTo(Runner):
    """A runner that sees the log only up to `stop`: the rows a crashed runner must have kept."""

    stop = 0

    def _read(self, after: int, limit: int) -> list[tuple[int, Any]]:
        return [(p, e) for p, e in super()._read(after, limit) if p <= self.stop]


def positions(db: Db) -> dict[str, int]:
    return {r["name"]: int(r["position"]) for r in db.query(f"SELECT * FROM {TRACKING}")}


def assert_same_rows(db: Db, expected: Db) -> None:
    """Both databases hold the same rows in every table of every read model."""
    models = all_projections()
    got, want = table_checksums(db, models), table_checksums(expected, models)
    if got == want:
        return
    details = []
    for table in (t for m in models for t in m.tables if got[t.name] != want[t.name]):
        ours, theirs = table_rows(db, table), table_rows(expected, table)
        extra = [r for r in ours if r not in theirs][:2]
        missing = [r for r in theirs if r not in ours][:2]
        details.append(f"{table.name}: {len(ours)} rows, expected {len(theirs)}; ")
        details.append(f"unexpected {extra}, missing {missing}\n")
    pytest.fail("rows differ:\n" + "".join(details))


def row_count(db: Db) -> int:
    return sum(len(table_rows(db, t)) for m in all_projections() for t in m.tables)


def run_and_kill(log: Log, views_url: str, mode: str, batch_size: int, stop: int) -> None:
    """Run a runner in a child process and SIGKILL it once its `stop`-th batch of one read
    model is written but not committed (see crash_runner)."""
    args = [log.url, views_url, mode, str(batch_size), str(stop)]
    killing.run_and_kill("tests.projections.crash_runner", args, f"flushed {stop}")


def flush_in_batch(batch: int) -> int:
    """The count of `Batch.flush` calls that ends in the middle of the `batch`-th batch: after
    half the read models of the group (each writes its rows and position in turn)."""
    models = len(all_projections())
    return (batch - 1) * models + (models + 1) // 2


class InStep(Runner):
    """A runner whose first read of the log waits for the other's (`together`): both then
    hold the same first events, so the second to write must skip what the first wrote."""

    together: threading.Barrier | None = None

    def _read(self, after: int, limit: int) -> list[tuple[int, Any]]:
        events = super()._read(after, limit)
        if self.together is not None:
            self.together.wait(timeout=TIMEOUT)
            self.together = None
        return events


def at_once(log: Log, url: str, work: Callable[[Runner], Any]) -> list[Any]:
    """Two runners (each with its own service and connections, in batches of 30 and 47 events)
    created at the same moment and set to `work`. Their results, or what they raised."""
    apps = [build_service(log.url) for _ in range(2)]
    start, first_read = threading.Barrier(2), threading.Barrier(2)
    outcomes: list[Any] = []

    def run(app: Greenlist, batch_size: int) -> None:
        db = views_db(url)
        try:
            start.wait(timeout=TIMEOUT)
            runner = InStep(app, db, all_projections(), batch_size=batch_size)
            runner.together = first_read
            outcomes.append(work(runner))
        except Exception as failure:
            outcomes.append(failure)
        finally:
            db.close()

    threads = [
        threading.Thread(target=run, args=(app, size))
        for app, size in zip(apps, (30, 47), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT)
    for app in apps:
        app.close()
    assert len(outcomes) == 2, "a runner did not finish"
    return outcomes


# --- the tests ---------------------------------------------------------------------------------


def test_a_runner_killed_in_the_middle_of_a_batch_resumes_to_the_rows_of_a_clean_build(
    log: Log, views: Callable[[str], tuple[str, Db]], clean: Db
) -> None:
    url, db = views("crashed")
    _, partial = views("partial")
    reference = RunnerUpTo(log.app, partial, all_projections())
    names = {p.name for p in all_projections()}

    # killed in its 4th batch of 50 events: the first 3 batches stay, nothing of the 4th
    run_and_kill(log, url, "catch_up", BATCH, flush_in_batch(4))
    kept = log.ids[3 * BATCH - 1]
    assert positions(db) == dict.fromkeys(names, kept)
    reference.stop = kept
    reference.catch_up()
    assert_same_rows(db, partial)

    # restarted with other batches, killed again in its 3rd
    run_and_kill(log, url, "catch_up", 73, flush_in_batch(3))
    kept = log.ids[3 * BATCH + 2 * 73 - 1]
    assert positions(db) == dict.fromkeys(names, kept)
    reference.stop = kept
    reference.catch_up()
    assert_same_rows(db, partial)

    runner = Runner(log.app, db, all_projections(), batch_size=500)
    runner.catch_up()
    assert positions(db) == dict.fromkeys(names, log.head)
    assert_same_rows(db, clean)

    for _ in range(2):
        runner.rebuild()
        assert positions(db) == dict.fromkeys(names, log.head)
        assert_same_rows(db, clean)


def test_a_runner_killed_while_rebuilding_leaves_the_live_rows_and_the_rebuild_can_rerun(
    log: Log, views: Callable[[str], tuple[str, Db]], clean: Db
) -> None:
    url, db = views("live")
    names = {p.name for p in all_projections()}
    runner = Runner(log.app, db, all_projections(), batch_size=500)
    runner.catch_up()

    run_and_kill(log, url, "rebuild", BATCH, flush_in_batch(4))
    at = positions(db)
    assert {n: at[n] for n in names} == dict.fromkeys(names, log.head)
    assert {n: at[n + "__next"] for n in names} == dict.fromkeys(names, log.ids[3 * BATCH - 1])
    assert_same_rows(db, clean)

    runner.rebuild()
    assert positions(db) == dict.fromkeys(names, log.head)
    assert_same_rows(db, clean)


def test_two_runners_of_the_same_read_models_at_once_end_with_the_rows_of_one(
    log: Log, views: Callable[[str], tuple[str, Db]], clean: Db
) -> None:
    url, together = views("together")
    read = at_once(log, url, Runner.catch_up)  # on new tables: both create them, too
    assert all(isinstance(count, int) and count > 0 for count in read), read
    assert_same_rows(together, clean)


def test_of_two_rebuilds_at_once_one_gives_way_and_none_loses_rows(
    log: Log, views: Callable[[str], tuple[str, Db]], clean: Db
) -> None:
    url, db = views("rebuilt")
    Runner(log.app, db, all_projections()).catch_up()
    outcomes = at_once(log, url, Runner.rebuild)  # the one to write first goes on
    assert [isinstance(o, int) for o in outcomes].count(True) == 1, outcomes
    assert [isinstance(o, RebuildSuperseded) for o in outcomes].count(True) == 1, outcomes
    assert positions(db) == dict.fromkeys((p.name for p in all_projections()), log.head)
    assert_same_rows(db, clean)
