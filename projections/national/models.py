"""The national read models: the provincial read models, run unchanged, each row tagged with its
province.

Why the same models rather than national ones of their own: the national lists must be exactly
the union of the provincial lists (issue 15: "the national lists equal the union of the
provincial ones"). Running the lists' and the announcements' own handlers (projections.lists,
projections.announcements) on each province's events gives, for each province, the rows that
province's own read side has, row for row; the national tables add the province as the first
column of every row and of every key, so that two provinces' units, positions and announcements
never meet (a unit id is derived from its credit code, and log positions restart in every
province). A province's tables are written through `ProvinceBatch`, which puts the province in
front of every key the handlers use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from projections.announcements import Announcements
from projections.engine.batch import Batch
from projections.engine.db import Row, Tx
from projections.engine.projection import Projection, Table, columns
from projections.engine.remembered import Remembered
from projections.lists import Lists
from projections.values import NATIONAL

NATIONAL_MODELS: tuple[Projection, ...] = (Lists(), Announcements())
"""The provincial read models the national view is made of: the lists (every level, with their
change feed) and the announcements."""

MODELS_VERSION = ",".join(f"{p.name}:{p.version}" for p in NATIONAL_MODELS)
"""The shape of the national rows: a model whose rows change shape (its `version`) calls for
the national tables to be built again (`NationalFollower.reset`)."""

TRACKING = f"{NATIONAL}tracking"
"""One row per upstream (province): the last position of its log applied, the head of its log
as last seen, the events applied, when; written in each batch's transaction."""

COUNTS = Table(
    f"{NATIONAL}counts",
    columns("province what level kind n:int"),
    indexes=(("province",),),
)
"""The per-province summary's counts, recomputed for a province in each of its batches:
`what` = `list` (units on a list now, per level and kind of unit) or `announcement` (per level
and kind of announcement)."""


def national_table(table: Table) -> Table:
    """A provincial table with the province in front of its columns, its key and its indexes."""
    return Table(
        NATIONAL + table.name,
        (("province", "text"), *table.columns),
        key=("province", *table.key) if table.key else (),
        indexes=tuple(("province", *index) for index in table.indexes),
    )


def national_tables(projection: Projection) -> dict[str, tuple[Table, str]]:
    """A model's tables as a `Batch` takes them: by the name its handlers use, the national
    table and its physical name."""
    tables = {}
    for table in projection.tables:
        national = national_table(table)
        tables[table.name] = (national, national.name)
    return tables


class NationalTables(Projection):
    """Every national table (the models' and the counts), for creating and dropping them; the
    rows are written by the provincial models' own handlers (`apply`)."""

    name = "national"
    tables = (
        *(national_table(t) for projection in NATIONAL_MODELS for t in projection.tables),
        COUNTS,
    )


class ProvinceBatch(Batch):
    """The write buffer of one province's batch: the handlers of a provincial model read and
    write their own tables' rows; each call goes to the national tables' buffer (`inner`) with
    the province in front of the key, and rows come back without it. A `Batch` for the type
    the handlers take; its own buffers are never used (everything is `inner`'s)."""

    def __init__(self, inner: Batch, province: str) -> None:
        self.inner = inner
        self.province = province
        self.tx = inner.tx
        self.tables = inner.tables
        self.remembered = None
        self.position = 0

    @staticmethod
    def _local(row: Row | None) -> Row | None:
        if row is not None:
            row.pop("province", None)
        return row

    def row(self, table: str, *key: Any) -> Row | None:
        return self._local(self.inner.row(table, self.province, *key))

    def put(self, table: str, **row: Any) -> None:
        self.inner.put(table, **row, province=self.province)

    def update(self, table: str, *key: Any, **changes: Any) -> Row | None:
        return self._local(self.inner.update(table, self.province, *key, **changes))

    def delete(self, table: str, *key: Any) -> None:
        self.inner.delete(table, self.province, *key)

    def add(self, table: str, **row: Any) -> None:
        self.inner.add(table, **row, province=self.province)

    def bump(self, table: str, key: Mapping[str, Any], **deltas: float) -> None:
        self.inner.bump(table, {**key, "province": self.province}, **deltas)

    def seal(self) -> None:
        self.inner.seal()

    def flush(self) -> None:
        self.inner.flush()


def apply(
    tx: Tx, province: str, events: list[tuple[int, Any]], remembered: Remembered | None = None
) -> None:
    """A province's events applied to every national model, in the caller's transaction; with
    the rows of the province's earlier batches that its follower `remembered`
    (projections.engine.remembered: read from memory instead of the tables)."""
    for projection in NATIONAL_MODELS:
        batch = ProvinceBatch(Batch(tx, national_tables(projection), remembered), province)
        projection.process(events, batch)
        batch.flush()
        if remembered is not None:
            remembered.learn(batch.inner)
    count(tx, province)


def remembering(limit: int, empty: bool) -> Remembered:
    """What a province's follower remembers of its rows from one batch to the next (by the
    names the models' handlers use): with `empty`, the province has no row yet, so a row not
    remembered does not exist."""
    remembered = Remembered([t.name for p in NATIONAL_MODELS for t in p.tables], limit)
    if not empty:
        remembered.complete.clear()
    return remembered


def count(tx: Tx, province: str) -> None:
    """The province's counts, recomputed from its national rows (in the batch's transaction,
    after its rows: the summary is always that of the position tracked)."""
    memberships = f"{NATIONAL}list_memberships"
    announcements = f"{NATIONAL}announcements"
    tx.execute(f"DELETE FROM {COUNTS.name} WHERE province = ?", (province,))
    tx.execute(
        f"INSERT INTO {COUNTS.name} (province, what, level, kind, n) "
        "SELECT province, 'list', level, coalesce(kind, ''), count(*) "
        f"FROM {memberships} WHERE province = ? AND removed_at IS NULL "
        "GROUP BY province, level, coalesce(kind, '')",
        (province,),
    )
    tx.execute(
        f"INSERT INTO {COUNTS.name} (province, what, level, kind, n) "
        "SELECT province, 'announcement', coalesce(level, ''), kind, count(*) "
        f"FROM {announcements} WHERE province = ? GROUP BY province, coalesce(level, ''), kind",
        (province,),
    )
