"""A read model: its tables and the handlers that turn events into rows."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any, ClassVar

from projections.engine.batch import Batch
from projections.engine.db import Tx
from projections.engine.remembered import Remembered

SQL_TYPES = {
    "sqlite": {
        "text": "TEXT",
        "int": "INTEGER",
        "real": "REAL",
        "count": "INTEGER NOT NULL DEFAULT 0",
    },
    "postgres": {
        "text": "TEXT",
        "int": "BIGINT",
        "real": "DOUBLE PRECISION",
        "count": "BIGINT NOT NULL DEFAULT 0",
    },
}


def columns(spec: str) -> tuple[tuple[str, str], ...]:
    """A table's columns written "name name:type ..." (text unless a type is given)."""
    return tuple((c.partition(":")[0], c.partition(":")[2] or "text") for c in spec.split())


@dataclass(frozen=True)
class Table:
    """A table of a read model. With a `key` its rows are upserted by key; without one it is
    append-only. `indexes` are extra column lists to index."""

    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = field(default=())

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        """Computed once: it is read for every row written."""
        return tuple(name for name, _ in self.columns)

    @cached_property
    def column_set(self) -> frozenset[str]:
        return frozenset(self.column_names)

    @cached_property
    def counters(self) -> frozenset[str]:
        """The columns of type "count" (NOT NULL, 0 by default): what `Batch.bump` adds to."""
        return frozenset(name for name, kind in self.columns if kind == "count")

    @cached_property
    def keyed_by_text(self) -> bool:
        """Whether the key's first column is text (an id: what `Batch.prefetch` reads by)."""
        return bool(self.key) and dict(self.columns)[self.key[0]] == "text"

    @cached_property
    def key_of(self) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
        """The key of a row, as a tuple (computed for every row written)."""
        if len(self.key) > 1:
            return itemgetter(*self.key)
        if self.key:
            (column,) = self.key
            return lambda row: (row[column],)
        return lambda row: ()

    def ddl(
        self,
        dialect: str,
        physical: str,
        token: str,
        indexes: bool = True,
        unlogged: bool = False,
    ) -> list[str]:
        """The table with its key; and its other indexes unless told (`index_ddl`). `unlogged`
        (PostgreSQL): without write-ahead log, as a rebuild loads its new tables (see
        engine.rebuilding)."""
        types = SQL_TYPES[dialect]
        cols = [f"{name} {types[kind]}" for name, kind in self.columns]
        if self.key:
            cols.append(f"PRIMARY KEY ({', '.join(self.key)})")
        create = "CREATE UNLOGGED TABLE" if unlogged and dialect == "postgres" else "CREATE TABLE"
        statements = [f"{create} IF NOT EXISTS {physical} ({', '.join(cols)})"]
        return statements + (self.index_ddl(physical, token) if indexes else [])

    def index_ddl(self, physical: str, token: str) -> list[str]:
        return [
            f"CREATE INDEX IF NOT EXISTS {self.name}_{i}_{token} ON {physical} "
            f"({', '.join(columns)})"
            for i, columns in enumerate(self.indexes)
        ]


Handler = Callable[[Any, Any, Batch], None]


def handles(*event_classes: type) -> Callable[[Handler], Handler]:
    """Mark a method as the handler of these event classes."""

    def mark(method: Handler) -> Handler:
        method.handles = event_classes  # type: ignore[attr-defined]
        return method

    return mark


class Projection:
    """Subclasses declare `name`, `tables` (and bump `version` when their rows change shape,
    which calls for a rebuild) and `@handles(...)` methods `(self, event, batch)`."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    rebuild_weight: ClassVar[float] = 1.0
    """What a rebuild of this model costs, relative to the others (seconds of its handlers
    and writes per 200 k events of the province story, bench.rebuild): how a rebuild in
    several processes shares the models out (engine.rebuilding.partition)."""
    aggregate_local: ClassVar[bool] = False
    """Every row of this model is read and written by the events of one aggregate only
    (the same one for all its life), and the model keeps nothing in memory between events:
    then an aggregate's events in order give its rows whatever the order of the other
    aggregates' events, and a rebuild may read the log by aggregate
    (engine.rebuilding: `_load_by_aggregate`). tests/projections/test_aggregate_local.py
    checks each model that says so on the simulated histories."""
    shareable: ClassVar[bool] = False
    """Every row of this model is appended (`Batch.add`) or only counted (`Batch.bump` of
    whole numbers), but the rows that say what each aggregate is about (its subjects), which
    the events creating aggregates (`subject_classes`) write and the others read. Once the
    subjects are recorded for the whole log (`record_subjects`), any share of the model's
    events gives the same rows in any order, applied in any process: a rebuild in processes
    shares such a model out by event class (`restrict`; engine.rebuilding.plan), so that
    each process applies it to the events it reads anyway (issue 15 item 3)."""
    subject_classes: ClassVar[frozenset[type]] = frozenset()
    """A shareable model's events that create aggregates and record their subjects."""
    tables: ClassVar[tuple[Table, ...]]
    _handlers: dict[type, list[Handler]]
    """The handlers per event class: the class's (`__init_subclass__`), or a share of them
    (`restrict`)."""
    share = ""
    """Of a restricted model (`restrict`), the name of its share of the events; "" for the
    model that applies every event it handles."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {}
        for klass in reversed(cls.__mro__):
            for attr in vars(klass).values():
                for event_class in getattr(attr, "handles", ()):
                    cls._handlers.setdefault(event_class, []).append(attr)

    def restrict(self, classes: Collection[type], share: str = "") -> None:
        """This instance applies only the events of these classes (a shareable model's share
        in a rebuild's loading process, engine.rebuilding), tracked as `share` (see
        `tracked_name`)."""
        if not self.shareable:
            raise TypeError(f"{self.name} is not shareable by event class")
        self._handlers = {c: h for c, h in type(self)._handlers.items() if c in classes}
        self.share = share

    def record_subjects(self, events: Iterable[tuple[int, Any]], batch: Batch) -> None:
        """A shareable model: the subjects these events (of `subject_classes`, in log order)
        create, written with `batch`, before a rebuild's load shares the model out."""
        raise NotImplementedError

    def use_recorded_subjects(self, tx: Tx, suffix: str, read: dict[str, Any]) -> None:
        """A shareable model, in a rebuild's loading process: from now on its subjects are
        read from its tables (named with `suffix`: written by `record_subjects`), never
        written. `read`: what the models of one process read so far, by what it is, so
        that two models recording the same subjects keep them in memory once."""
        raise NotImplementedError

    def process(self, events: Iterable[tuple[int, Any]], batch: Batch) -> None:
        """Apply (position, event) pairs in order."""
        handlers = self._handlers
        for position, event in events:
            chosen = handlers.get(type(event))
            if chosen:
                batch.position = position
                for handler in chosen:
                    handler(self, event, batch)


def tracked_name(projection: Projection, suffix: str) -> str:
    """The name of the model's tracking row for its tables named with `suffix`: of a share
    of its events (`Projection.restrict`) a row of its own, "<model>/<share><suffix>", so that
    processes applying other shares do not wait for its lock or move its position."""
    return share_tracked_as(projection.name, projection.share, suffix)


def share_tracked_as(model: str, share: str, suffix: str) -> str:
    """The tracking row's name of a model's share ("": the model's own row)."""
    return f"{model}/{share}{suffix}" if share else f"{model}{suffix}"


def apply_to(
    tx: Tx,
    projection: Projection,
    suffix: str,
    events: Iterable[tuple[int, Any]],
    remembered: Remembered | None = None,
    subjects: Collection[str] = (),
) -> None:
    """Events applied to one model's tables (named with `suffix`), written in `tx`; the rows
    it changed left to `remembered` (a rebuild's), which reads those a batch's `subjects`
    begin the keys of at once (`Batch.prefetch`)."""
    tables = {t.name: (t, t.name + suffix) for t in projection.tables}
    batch = Batch(tx, tables, remembered)
    if subjects:
        batch.prefetch(subjects)
    projection.process(events, batch)
    batch.flush()
    if remembered is not None:
        remembered.learn(batch)
