"""A rebuild near the limit (issue 15, item 3): loaded by several processes on PostgreSQL, into
unlogged tables logged before the swap, with the collector quieter meanwhile, and with its
progress (events, rate, time left) on standard error; the rows are those of a catch-up."""

import gc
import io
from collections.abc import Sequence
from concurrent.futures import Future
from contextlib import redirect_stderr

import pytest

from domain.clock import SettableClock
from domain.service import Greenlist
from greenlist.runtime import ProgressBar, read_side
from projections.catalogue import all_projections
from projections.engine.batch import Batch
from projections.engine.checksum import table_checksums
from projections.engine.db import Db
from projections.engine.projection import Table, columns
from projections.engine.rebuilding import (
    AGGREGATE_ORDER,
    LOG_ORDER,
    PEAK,
    collecting_less,
    load_part,
    partition,
    plan,
)
from projections.engine.remembered import UNKNOWN, Forgotten, Remembered
from projections.engine.runner import Runner
from simulation import scenarios as s
from tests.projections.test_crash_safety import record_history

TABLE = Table("t", columns("k:int v:int"), key=("k",))


@pytest.mark.stores("postgres")
def test_a_rebuild_in_two_processes_gives_the_rows_of_a_catch_up(
    app: Greenlist, clock: SettableClock, views: Db, store_url: str
) -> None:
    """Two spawned processes each read the log and load a share of the read models (the
    audit trail and the supervision shared by event class); the swap, here, applies what
    each had not reached and puts every model at the head. The log ends with events that
    only the process reading by aggregate applies (cultivations): the other leaves them out
    unread, and must still stand at the head (each was once applied twice at the swap)."""
    record_history(app, clock, listed=20, more=6)
    for i in range(3):
        s.register_and_cultivate(app, s.credit_code(9300 + i))
    models = all_projections()
    Runner(app, views, models, batch_size=7).catch_up()
    built = table_checksums(views, models)
    side = read_side(app, store_url)
    try:
        side.runner.processes = 2
        shown: list[tuple[int, int]] = []
        assert side.runner.rebuild(progress=lambda done, total: shown.append((done, total))) == (
            side.runner.head()
        )
        assert table_checksums(views, models) == built
        assert views.query("SELECT count(*) AS n FROM audit_trail")[0]["n"] == side.runner.head()
        assert set(side.runner.lag().values()) == {0}
        assert shown[-1] == (side.runner.head(), side.runner.head())
        peaks = {k: v for k, v in side.runner.phases.items() if k.startswith(PEAK)}
        assert peaks.keys() == {f"{PEAK} {LOG_ORDER}", f"{PEAK} {AGGREGATE_ORDER}"}
        assert all(10 < mb < 4096 for mb in peaks.values())  # each process's own, in MiB
    finally:
        side.close()


@pytest.mark.stores("postgres")
def test_a_loading_process_remembers_as_many_rows_as_its_parent(
    app: Greenlist, clock: SettableClock, views: Db
) -> None:
    """`greenlist projections rebuild --remember-rows N`: the parent passes N to each
    loading process (`load_part`), which otherwise keeps its own (the default)."""
    record_history(app, clock, listed=20, more=2)
    models = [p for p in all_projections() if p.name == "rounds"]
    loader = Runner(app, views, models, batch_size=5)

    class Workers:  # (in a loading process, what builds its runner: here, the same one)
        def __call__(self, names: Sequence[str]) -> Runner:
            return loader

        def close(self, runner: object) -> None:
            pass

    for told, kept in ((7, 7), (None, 7), (0, 0)):
        loader._start_afresh(models)
        number = loader.rebuild_number
        load_part(Workers(), ["rounds"], loader.head(), LOG_ORDER, number, None, frozenset(), told)
        assert loader.remember_rows == kept
    sent: list[tuple[object, ...]] = []

    class Pool:  # what the parent hands each loading process
        def submit(self, fn: object, *args: object) -> Future[tuple[int, int, dict[str, float]]]:
            sent.append(args)
            done: Future[tuple[int, int, dict[str, float]]] = Future()
            done.set_result((0, 0, {}))
            return done

    loader.remember_rows, loader.workers, loader.phases = 11, Workers(), {}
    loader._load_in_processes(Pool(), plan(models, 1, False), 0, None)  # type: ignore[arg-type]
    assert [args[-1] for args in sent] == [11]


@pytest.mark.stores("postgres")
def test_a_rebuilt_table_is_logged_again_before_it_is_swapped_in(
    app: Greenlist, clock: SettableClock, views: Db
) -> None:
    """Loaded unlogged (no log record per row), each new table is logged once, whole, before
    the swap: a server crash after it must not empty a live read model."""
    record_history(app, clock, listed=20, more=6)
    runner = Runner(app, views, all_projections())
    runner.rebuild()
    rows = views.query(
        "SELECT relname, relpersistence FROM pg_class "
        "WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'"
    )
    tables = {t.name for p in runner.projections for t in p.tables}
    persistence = {r["relname"]: r["relpersistence"] for r in rows if r["relname"] in tables}
    assert persistence.keys() == tables
    assert set(persistence.values()) == {"p"}


def test_the_read_models_are_shared_out_by_their_cost() -> None:
    models = all_projections()
    parts = partition(models, 2)
    assert sorted(p.name for part in parts for p in part) == sorted(p.name for p in models)
    weights = [sum(p.rebuild_weight for p in part) for part in parts]
    assert max(weights) - min(weights) <= max(p.rebuild_weight for p in models)
    assert partition(models, 1) == [models]
    assert len(partition(models[:1], 4)) == 1


def test_the_collector_is_as_it_was_after_a_rebuild() -> None:
    before = gc.get_threshold()
    with collecting_less(50_000):
        assert gc.get_threshold()[0] == 50_000
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_long_rebuild_shows_events_done_rate_and_time_left() -> None:
    ticks = iter([0.0, 10.0, 20.0])
    bar = ProgressBar(width=10, clock=lambda: next(ticks))
    shown = io.StringIO()
    with redirect_stderr(shown):
        bar(0, 3_000_000)
        bar(100_000, 3_000_000)
        bar(3_000_000, 3_000_000)
    lines = shown.getvalue().split("\r")
    assert lines[2] == "[..........] 100,000/3,000,000 events, 10,000 events/s, ETA 0:04:50"
    assert lines[3].startswith("[##########] 3,000,000/3,000,000 events, 150,000 events/s")
    assert shown.getvalue().endswith("\n")


def test_a_forgotten_key_is_never_taken_for_one_never_written() -> None:
    forgotten = Forgotten()
    for i in range(50_000):
        forgotten.add(("unit", i))
    assert all(forgotten.maybe(("unit", i)) for i in range(50_000))
    false = sum(forgotten.maybe(("other", i)) for i in range(50_000))
    assert false < 50_000 * 0.01


def test_rows_beyond_the_limit_are_forgotten_not_the_tables_completeness() -> None:
    """Past its limit a rebuild forgets its oldest rows only: a row it forgot is read again
    (UNKNOWN), a row never written is still known not to exist, without a read."""
    remembered = Remembered(["t"], limit=100)
    for start in range(0, 400, 50):
        batch = Batch(None, {"t": (TABLE, "t")}, remembered)  # type: ignore[arg-type]
        for i in range(start, start + 50):
            batch.put("t", k=i, v=i)
        remembered.learn(batch)
        assert sum(len(rows) for rows in remembered.rows.values()) <= 100
    assert remembered.get("t", (399,)) == {"k": 399, "v": 399}
    assert remembered.get("t", (0,)) is UNKNOWN
    assert remembered.get("t", (10_000,)) is None
    assert remembered.fresh("t", [(0,), (10_000,)]) == {(10_000,)}


COUNTED = Table("c", columns("k:int v:int n:count"), key=("k",))


def _stored(views: Db, table: str) -> dict[int, tuple[object, ...]]:
    return {r["k"]: tuple(r.values()) for r in views.query(f"SELECT * FROM {table} ORDER BY k")}


@pytest.mark.stores("sqlite", "postgres")
def test_a_rebuild_writes_back_each_row_once_and_misses_none(views: Db) -> None:
    """Issue 15 item 3: a rebuild's batches leave the rows they change in memory (written
    back), so a row changed by many batches is written once. What reaches the table is what a
    batch-by-batch write would leave: rows forgotten at the limit are written when forgotten
    (and read back, changed, deleted, written again), the rest at the end, and a table whose
    counters are bumped by SQL gets its unwritten rows first."""
    tables = {"t": (TABLE, "t_wb"), "c": (COUNTED, "c_wb")}
    with views.transaction() as tx:
        for spec, physical in tables.values():
            for statement in spec.ddl(tx.dialect, physical, "wb"):
                tx.execute(statement)
    remembered = Remembered(["t", "c"], limit=25, write_back=True)
    expected: dict[int, int] = {}
    for round_ in range(12):
        with views.transaction() as tx:
            batch = Batch(tx, {n: spec for n, spec in tables.items()}, remembered)
            for i in range(round_ * 10, round_ * 10 + 30):  # new rows and rows of before
                row = batch.row("t", i)
                value = (row["v"] if row else 0) + 1
                batch.put("t", k=i, v=value)
                expected[i] = value
            if round_ % 3 == 2:  # one long forgotten, read back and deleted
                batch.delete("t", round_ * 10 - 20)
                expected.pop(round_ * 10 - 20, None)
            batch.put("c", k=round_, v=round_, n=0)
            batch.flush()
            assert not batch.wrote_back("c") or round_ < 6
            remembered.learn(batch)
        if round_ == 5:  # the counters' table is bumped by SQL from now on: written through
            with views.transaction() as tx:
                batch = Batch(tx, {n: spec for n, spec in tables.items()}, remembered)
                assert (5,) in remembered.unwritten["c"]
                batch.bump("c", {"k": 5}, n=2.0)  # (not a whole number: added in SQL)
                batch.flush()
                remembered.learn(batch)
        assert sum(len(r) for r in remembered.rows.values()) <= 25
    assert remembered.unwritten["t"], "rows left unwritten until the end"
    assert len(_stored(views, "t_wb")) < len(expected)
    with views.transaction() as tx:
        remembered.write_all(tx)
    assert not any(remembered.unwritten.values()) and not remembered.write_back
    assert {k: v[1] for k, v in _stored(views, "t_wb").items()} == expected
    counted = _stored(views, "c_wb")
    assert {k: v[1] for k, v in counted.items()} == {r: r for r in range(12)}
    assert counted[5] == (5, 5, 2) and counted[1] == (1, 1, 0)


@pytest.mark.stores("sqlite", "postgres")
def test_a_rebuild_adds_whole_counts_to_the_rows_it_remembers(views: Db) -> None:
    """Issue 15 item 3: a rebuild's bumps of whole numbers are added to the rows it remembers
    (the table stays one it writes back, once, at the end, as COPY for new rows), and leave
    the counts that bumps added in SQL leave, also for rows forgotten and read back."""
    counted = Table("c", columns("k:int label v:count w:count"), key=("k",))
    with views.transaction() as tx:
        for physical in ("c_sql", "c_mem"):
            for statement in counted.ddl(tx.dialect, physical, physical):
                tx.execute(statement)
    remembered = Remembered(["c"], limit=6, write_back=True)
    for round_ in range(8):
        with views.transaction() as tx:
            by_sql = Batch(tx, {"c": (counted, "c_sql")})
            in_memory = Batch(tx, {"c": (counted, "c_mem")}, remembered)
            for batch in (by_sql, in_memory):
                for i in range(round_, round_ + 5):
                    batch.bump("c", {"k": i % 9}, v=1, w=True)
                batch.bump("c", {"k": 0}, v=round_)
            in_memory.flush()
            assert in_memory.wrote_back("c") and not in_memory._bumps["c"]
            remembered.learn(in_memory)
            by_sql.flush()
        assert "c" in remembered.complete
    assert remembered.forgotten.get("c") is not None  # some forgotten, then read back
    with views.transaction() as tx:
        remembered.write_all(tx)
    assert _stored(views, "c_mem") == _stored(views, "c_sql")
    assert _stored(views, "c_mem")[0] == (0, None, 4 + sum(range(8)), 4)  # k=0: i = 0 and 9
    assert all(type(value) is int for row in _stored(views, "c_mem").values() for value in row[2:])
