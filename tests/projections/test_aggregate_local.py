"""The read models that say they are aggregate-local (`Projection.aggregate_local`) are, on the
simulated histories: each row of their tables is read and written by the events of one aggregate
only, and they keep nothing in memory. A rebuild reads the log by aggregate for them
(engine.rebuilding, issue 15 item 3), which is right only if this holds: a handler that read a
row another aggregate wrote (a city's count, a round's list) would see it half built.

Every row a handler touches (`Batch.row`, `put`, `update`, `delete`, `bump`) is noted with the
aggregate of the event being handled; appended rows (`Batch.add`) belong to their event."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from greenlist.config import views_db
from projections.catalogue import all_projections
from projections.engine.batch import Batch
from projections.engine.projection import Projection
from projections.engine.runner import Runner
from projections.values import text_id
from simulation import histories

STORIES = {
    "demo": {},
    "province": {"units": 150, "last_year": 2027, "seed": 11},
}


class Touches:
    """Which aggregates' events touched each row, per read model."""

    def __init__(self) -> None:
        self.event: Any = None
        self.rows: dict[str, dict[tuple[str, Any], set[str]]] = defaultdict(
            lambda: defaultdict(set)
        )
        self.owner = {t.name: p.name for p in all_projections() for t in p.tables}
        self.ops: dict[str, dict[tuple[str, str], set[type]]] = defaultdict(
            lambda: defaultdict(set)
        )
        """Per model, (operation, table) -> the classes of the events that did it."""

    def note(self, batch: Batch, table: str, key: tuple[Any, ...], op: str = "") -> None:
        if self.event is not None:
            model = self.owner[table]
            if op != "add":  # an appended row belongs to its event
                self.rows[model][(table, key)].add(text_id(self.event.originator_id))
            self.ops[model][(op, table)].add(type(self.event))

    def shared(self, model: str) -> list[tuple[str, Any]]:
        return [row for row, aggregates in self.rows[model].items() if len(aggregates) > 1]


@pytest.fixture(params=sorted(STORIES))
def touches(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Touches]:
    touches = Touches()
    key_of = lambda b, table, row: b.tables[table][0].key_of(row)  # noqa: E731
    for name, key in (
        ("row", lambda b, t, *k, **_: k),
        ("update", lambda b, t, *k, **_: k),
        ("delete", lambda b, t, *k, **_: k),
        ("put", lambda b, t, **row: key_of(b, t, row)),
        ("bump", lambda b, t, k, **_: key_of(b, t, k)),
        ("add", lambda b, t, **_: ()),
    ):
        original = getattr(Batch, name)

        def noted(
            b: Batch,
            table: str,
            *a: Any,
            _o: Any = original,
            _k: Any = key,
            _n: str = name,
            **kw: Any,
        ) -> Any:
            touches.note(b, table, _k(b, table, *a, **kw), _n)
            return _o(b, table, *a, **kw)

        monkeypatch.setattr(Batch, name, noted)

    def process(self: Projection, events: Any, batch: Batch) -> None:
        for position, event in events:
            for handler in self._handlers.get(type(event), ()):
                batch.position = position
                touches.event = event
                handler(self, event, batch)
        touches.event = None

    monkeypatch.setattr(Projection, "process", process)
    with histories.opened("memory://", request.param, **STORIES[request.param]) as (app, _):
        models = all_projections()
        Runner(app, views_db("memory://"), models).catch_up()
        touches.models = models  # type: ignore[attr-defined]
        yield touches


def test_a_model_that_says_it_is_aggregate_local_is(touches: Touches) -> None:
    local = [p for p in touches.models if p.aggregate_local]  # type: ignore[attr-defined]
    assert {p.name for p in local} == {"lists", "pools", "dynamic", "deadlines"}
    for model in local:
        assert touches.rows[model.name], f"{model.name}: no row touched"
        assert touches.shared(model.name) == [], f"{model.name}: rows of several aggregates"
        assert vars(model) == {}, f"{model.name} keeps state between events"


def not_shareable(touches: Touches, model: Projection) -> list[str]:
    """What the model did that a model shared out by event class must not: anything but
    appending rows, adding to counters, reading, and writing its subjects' table by the
    events that create aggregates (`subject_classes`)."""
    tables = {t.name: t for t in model.tables}
    found, subjects = [], set()
    for (op, table), classes in touches.ops[model.name].items():
        spec = tables[table]
        counters_only = set(spec.column_names) - set(spec.key) <= spec.counters
        names = sorted(c.__name__ for c in classes)[:3]
        if op == "add" and spec.key:
            found.append(f"{table}: rows appended to a keyed table")
        elif op == "bump" and not (spec.key and counters_only):
            found.append(f"{table}: bumped, not only counters")
        elif op == "row" and counters_only:
            found.append(f"{table}: counters read")
        elif op in ("put", "update", "delete"):
            subjects.add(table)
            if op != "put" or not classes <= model.subject_classes:
                found.append(f"{table}: {op} by {names}")
    if len(subjects) > 1:
        found.append(f"written in place: {sorted(subjects)}")
    return found


def test_a_model_that_says_it_is_shareable_by_event_class_is(touches: Touches) -> None:
    """`Projection.shareable`: a rebuild applies such a model's events in two processes, in
    two orders (engine.rebuilding.plan), which is right only if each event appends rows,
    adds whole numbers to counters, or reads subjects; and only the events that create
    aggregates (`subject_classes`) write subjects, which a rebuild records first."""
    shareable = [p for p in touches.models if p.shareable]  # type: ignore[attr-defined]
    assert {p.name for p in shareable} == {"audit", "supervision"}
    for model in shareable:
        assert touches.ops[model.name], f"{model.name}: nothing done"
        assert not_shareable(touches, model) == [], model.name


def test_the_check_sees_a_model_that_is_not(touches: Touches) -> None:
    """The models that do not say so share rows between aggregates (a round's nominees, an
    agency's ledger, each actor's activity): the check above would catch one of them."""
    for name in ("rounds", "supervision"):
        assert touches.shared(name), name
    models = {p.name: p for p in touches.models}  # type: ignore[attr-defined]
    for name in ("rounds", "announcements", "lists"):
        assert not_shareable(touches, models[name]), name
