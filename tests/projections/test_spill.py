"""A rebuild's load keeps the rows it forgets in a spill on the local disk until its end
(engine.spill, `Remembered.spill`; issue 15 item 3): its memory holds at most `remember_rows`
rows whatever the length of the log, a row needed again is read back from the spill (never
from the server), and every row is written to the new table once, by COPY, at the end."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest

from projections.engine import spill as spill_module
from projections.engine.batch import Batch
from projections.engine.db import Db, Tx
from projections.engine.projection import Table, columns
from projections.engine.remembered import Remembered
from projections.engine.spill import MISSING, Spill
from projections.subjects import Subjects, subjects_table

ROWS = Table("r", columns("k n:int label note score:real"), key=("k",))


class Watched:
    """A transaction whose statements are counted by kind (the real one underneath)."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx
        self.selects = 0
        self.upserts = 0
        self.copied = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tx, name)

    def fetchall(self, statement: str, params: Any = ()) -> Any:
        self.selects += statement.lstrip().upper().startswith("SELECT")
        return self.tx.fetchall(statement, params)

    def execute_native(self, statement: str, params: Any = ()) -> Any:
        self.upserts += "ON CONFLICT" in statement
        return self.tx.execute_native(statement, params)

    def executemany(self, statement: str, rows: Any) -> Any:
        self.upserts += "ON CONFLICT" in statement
        return self.tx.executemany(statement, rows)

    def copy_rows(self, table: str, cols: Any, rows: Any) -> None:
        self.copied += len(rows)
        self.tx.copy_rows(table, cols, rows)


def test_a_spill_gives_back_each_value_as_it_was_put() -> None:
    spill = Spill()
    odd = (1, 2.5, None, True, "浙江", b"\x80", Decimal("1.10"), ("nested",))
    spill.put("a", [(("k", 1), odd), (("k", 2), None), (("gone",), ("x",))])
    got = spill.get("a", ("k", 1))
    assert got == odd and [type(v) for v in got] == [type(v) for v in odd]
    assert spill.get("a", ("k", 2)) is None  # known not to exist
    assert spill.get("a", ("k", 3)) is MISSING
    assert spill.get("b", ("k", 1)) is MISSING  # another table
    spill.put("a", [(("k", 1), ("newer",))])
    assert spill.get("a", ("k", 1)) == ("newer",)
    written = [v for chunk in spill.rows("a", leaving=[("gone",)]) for v in chunk]
    assert written == [("newer",)]  # none for a row known absent, nor for one left out
    assert spill.size() == 3
    spill.drop("a")
    assert not spill.holds("a") and spill.get("a", ("k", 1)) is MISSING
    spill.put("c", [(("k",), ("c",))])
    spill.put("a", [(("k",), ("a",))])  # made again after a drop: its own table
    assert (spill.get("a", ("k",)), spill.get("c", ("k",))) == (("a",), ("c",))
    spill.close()


def test_equal_keys_are_one_key_however_their_values_were_made() -> None:
    """Keys are compared as bytes: an interned text and one built at run time, equal, are one
    key (marshal's later versions write them apart)."""
    spill = Spill()
    made = "".join(["unit-", "7"])
    assert made is not "unit-7"  # noqa: F632 (the point: two objects)
    spill.put("a", [((made, 2024), ("one",))])
    assert spill.get("a", ("unit-7", 2024)) == ("one",)
    spill.put("a", [(("unit-7", 2024), ("two",))])
    assert spill.size() == 1


def test_equal_texts_read_back_are_one_object() -> None:
    """Each row read back is loaded anew: its texts are shared, so that rows read back
    share a unit's code and a city's name as the rows decoded from one event did."""
    spill = Spill()
    code = "".join(["9133", "0100MA27XL3B8X"])
    spill.put("a", [(("u1",), (code, "330100", 1)), (("u2",), (code[:], "330100", 2))])
    spill.put("b", [(("u1",), (code, "{}"))])
    first, second, other = spill.get("a", ("u1",)), spill.get("a", ("u2",)), spill.get("b", ("u1",))
    assert first[0] is second[0] is other[0] and first[1] is second[1]
    assert (first[2], second[2]) == (1, 2)


def test_the_texts_kept_to_share_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not `sys.intern`, whose dict never shrinks (3.8 MB at 1 M events, half at 0.22 M): at
    most `TEXTS_SHARED` texts are kept, then forgotten at once; equal texts are still one
    object while they are kept."""
    monkeypatch.setattr(spill_module, "TEXTS_SHARED", 100)
    spill_module._texts.clear()
    spill = Spill()
    spill.put("a", [((f"k{i}",), (f"text {i}", "330100")) for i in range(1000)])
    for i in range(1000):
        assert spill.get("a", (f"k{i}",)) == (f"text {i}", "330100")
        assert len(spill_module._texts) <= 100
    first, second = spill.get("a", ("k1",)), spill.get("a", ("k2",))
    assert first[1] is second[1]
    spill.close()


def test_a_spill_leaves_no_file_behind(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The spill's database is private: its file is unlinked as soon as SQLite opens it."""
    monkeypatch.setenv("SQLITE_TMPDIR", str(tmp_path))
    spill = Spill()
    spill.put("a", [((f"k{i}",), ("v" * 200,)) for i in range(5000)])
    assert os.listdir(tmp_path) == []
    spill.close()


def _make(views: Db) -> None:
    with views.transaction() as tx:
        for statement in ROWS.ddl(tx.dialect, "r_next", "r_next"):
            tx.execute(statement)


@pytest.mark.stores("sqlite", "postgres")
def test_rows_forgotten_are_read_back_from_the_spill_and_written_once_by_copy(
    views: Db,
) -> None:
    """Ten remembered rows at most, 200 rows changed again and again, some deleted: memory
    holds ten, none is read from the table or upserted during the load, and the table holds
    each row's last values once the load ends."""
    _make(views)
    remembered = Remembered(["r"], limit=10, write_back=True)
    expected: dict[str, dict[str, Any]] = {}
    for round_ in range(5):
        with views.transaction() as real:
            tx = Watched(real)
            batch = Batch(tx, {"r": (ROWS, "r_next")}, remembered)  # type: ignore[arg-type]
            for i in range(round_ * 7, round_ * 7 + 200, 3):
                key = f"u{i % 97:03d}"
                row = batch.row("r", key)
                n = (row["n"] if row else 0) + 1
                values = {"k": key, "n": n, "label": f"第{n}次", "note": None, "score": n / 4}
                if (i + round_) % 11 == 0:
                    batch.delete("r", key)
                    expected.pop(key, None)
                else:
                    batch.put("r", **values)
                    expected[key] = values
            batch.flush()
            remembered.learn(batch)
            assert (tx.selects, tx.upserts, tx.copied) == (0, 0, 0)
        assert sum(len(rows) for rows in remembered.rows.values()) <= 10
    assert remembered.spill is not None and remembered.spill.size() > 10
    with views.transaction() as real:
        tx = Watched(real)
        remembered.write_all(tx)  # type: ignore[arg-type]
        assert tx.upserts == 0 and tx.copied == len(expected)
    assert remembered.spill is None  # closed
    stored = {r["k"]: r for r in views.query("SELECT * FROM r_next")}
    assert stored == expected


@pytest.mark.stores("postgres")
def test_a_spilled_table_bumped_in_sql_is_written_whole_first(views: Db) -> None:
    """A column bumped by SQL (not a counter) ends writing back: the rows spilled and
    those remembered are written first, and the bump adds to them."""
    table = Table("c", columns("k n:int total:real"), key=("k",))
    with views.transaction() as tx:
        for statement in table.ddl(tx.dialect, "c_next", "c_next"):
            tx.execute(statement)
    remembered = Remembered(["c"], limit=4, write_back=True)
    for start in (0, 10):
        with views.transaction() as tx:
            batch = Batch(tx, {"c": (table, "c_next")}, remembered)
            for i in range(start, start + 10):
                batch.put("c", k=f"k{i}", n=i, total=i)
            batch.flush()
            remembered.learn(batch)
    assert remembered.spill is not None and remembered.spill.holds("c")
    with views.transaction() as tx:
        batch = Batch(tx, {"c": (table, "c_next")}, remembered)
        batch.bump("c", {"k": "k3"}, total=0.5)
        batch.bump("c", {"k": "k19"}, total=0.5)
        batch.flush()
        remembered.learn(batch)
    assert not remembered.spill.holds("c")
    with views.transaction() as tx:
        batch = Batch(tx, {"c": (table, "c_next")}, remembered)
        assert batch.row("c", "k3") == {"k": "k3", "n": 3, "total": 3.5}
        batch.put("c", k="k5", n=50, total=5)
        batch.flush()
        remembered.learn(batch)
    with views.transaction() as tx:
        remembered.write_all(tx)
    stored = {r["k"]: (r["n"], float(r["total"])) for r in views.query("SELECT * FROM c_next")}
    assert stored == {
        **{f"k{i}": (i, float(i)) for i in range(20)},
        "k3": (3, 3.5),
        "k19": (19, 19.5),
        "k5": (50, 5.0),
    }


@pytest.mark.stores("sqlite", "postgres")
def test_recorded_subjects_beyond_those_kept_are_found_in_the_spill(
    views: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loading process reads the recorded subjects in chunks, keeps three in memory and
    finds every other one in its spill, and one never recorded is known to have none: no
    statement to the table after the read, and the read models of the process share them."""
    monkeypatch.setattr(Subjects, "RECORDED_KEEP", 3)
    monkeypatch.setattr(Subjects, "READ_CHUNK", 4)
    table = subjects_table("s")
    with views.transaction() as tx:
        for statement in table.ddl(tx.dialect, "s_next", "s_next"):
            tx.execute(statement)
        recorded = {
            f"agg-{i:02d}": (f"code-{i}", "2025年省级遴选" if i % 3 else None) for i in range(11)
        }
        tx.copy_rows(
            "s_next",
            ("aggregate_id", "credit_code", "label"),
            [(a, *v) for a, v in recorded.items()],
        )
    audit, supervision = Subjects("s"), Subjects("s")
    with views.transaction() as tx:
        read = audit.use_recorded(tx, "s_next", None)
        assert supervision.use_recorded(tx, "s_next", read) is read
    assert len(read.known) == 3 and read.spill is not None
    with views.transaction() as real:
        tx = Watched(real)
        batch = Batch(tx, {"s": (table, "s_next")})  # type: ignore[arg-type]
        for subjects in (audit, supervision):
            for aggregate_id, expected in recorded.items():
                assert subjects.lookup(batch, aggregate_id) == expected
            assert subjects.lookup(batch, "never-recorded") == (None, None)
            assert len(subjects._known) <= 3
        assert tx.selects == 0
