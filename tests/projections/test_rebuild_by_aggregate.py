"""A rebuild reads the log by aggregate for the aggregate-local read models (issue 15 item 3,
engine.rebuilding `_load_by_aggregate`), on PostgreSQL: the walk gives each aggregate's events
together and in order, up to the head; the models loaded that way have the rows of a catch-up,
with what was recorded during the load applied at the swap; another rebuild started meanwhile
stops it; and a rebuild in two processes loads them apart from the others."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any, NamedTuple
from uuid import UUID

import pytest
from eventsourcing.persistence import Notification

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.service.ports import LogByAggregate
from projections.catalogue import all_projections
from projections.engine import rebuilding
from projections.engine.batch import Batch
from projections.engine.checksum import table_checksums
from projections.engine.db import Db
from projections.engine.reading import AggregatePage, by_aggregate, read_by_aggregate
from projections.engine.rebuilding import AGGREGATE_ORDER, LOG_ORDER, plan, whole_aggregates
from projections.engine.remembered import Remembered
from projections.engine.runner import NEXT, RebuildSuperseded, Runner
from simulation import scenarios as s
from tests.projections.test_crash_safety import record_history

pytestmark = pytest.mark.stores("postgres")


def local_models() -> list:
    return [p for p in all_projections() if p.aggregate_local]


def history_past_the_head(
    app: Greenlist, clock: SettableClock
) -> tuple[LogByAggregate, int, Sequence[Notification]]:
    """A history, its head, then one more unit recorded after it; the store's walks, the
    head and every event recorded."""
    record_history(app, clock, listed=20, more=4)
    log = by_aggregate(app)
    assert isinstance(log, LogByAggregate)
    head = int(app.recorder.max_notification_id() or 0)
    s.register_and_cultivate(app, s.credit_code(9001))  # after the head: not walked
    return log, head, app.recorder.select_notifications(start=1, limit=10**6)


def test_the_log_by_aggregate_gives_each_aggregate_s_events_together_up_to_the_head(
    app: Greenlist, clock: SettableClock
) -> None:
    log, head, everything = history_past_the_head(app, clock)
    wanted = {type(app.mapper.to_domain_event(n)) for n in everything}
    walked, after, pages = [], None, 0
    while True:
        page = read_by_aggregate(log, app, after, head, 7, wanted)
        if not page.read:
            break
        assert page.read <= 7 and len(page.events) == page.read
        walked += [(str(e.originator_id), e.originator_version, p) for p, e in page.events]
        after, pages = page.after, pages + 1
    assert pages > 1 and after is not None
    keys = [(aggregate, version) for aggregate, version, _ in walked]
    assert keys == sorted(keys)  # by aggregate, then version
    expected = sorted(
        (str(n.originator_id), n.originator_version, n.id) for n in everything if n.id <= head
    )
    assert walked == expected  # every event up to the head, once
    units_only = {type(e) for _, e in read_by_aggregate(log, app, None, head, 10**6, wanted).events}
    some = {next(iter(units_only))}
    page = read_by_aggregate(log, app, None, head, 10**6, some)
    assert page.read == len(expected) and {type(e) for _, e in page.events} == some


@pytest.mark.parametrize(("batch_size", "hold_pages"), [(3, 10**6), (13, 10**6), (3, 1), (2, 1)])
def test_the_local_models_loaded_by_aggregate_have_the_rows_of_a_catch_up(
    app: Greenlist,
    clock: SettableClock,
    views: Db,
    batch_size: int,
    hold_pages: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What is recorded after the head the load read to is applied at the swap, in log
    order. Each batch applies whole aggregates (pages of 3 or 13 events end inside one; a
    unit has more events than a page of 3), so its rows are final: written by the batch and
    neither remembered nor read back from the new tables. An aggregate longer than
    `hold_pages` pages is applied in parts, its rows remembered until it is past."""
    record_history(app, clock, listed=20, more=6)
    models = local_models()
    runner = Runner(app, views, models, batch_size=batch_size)
    runner.hold_pages = hold_pages
    runner._start_afresh(models)
    head = runner.head()
    for i in range(3):  # recorded during the load, after its head
        s.register_and_cultivate(app, s.credit_code(9100 + i))
    in_parts = hold_pages == 1
    remembered = runner._remembered(models, 400 if in_parts else 40)
    monkeypatch.setattr(Batch, "_select", _not_read_back)
    monkeypatch.setattr(Batch, "_prefetch", _not_read_back)
    settled: list[None] = []
    settle = Remembered.settle
    monkeypatch.setattr(Remembered, "settle", lambda r, tx: settled.append(settle(r, tx)))
    assert runner._load_by_aggregate(models, head, remembered)[1] == head
    assert remembered is not None and not remembered.forgotten
    if in_parts:  # the units' events (more than 2 or 3) applied in parts, then settled
        assert settled and sum(map(len, remembered.rows.values())) <= 40
    else:
        assert not settled and remembered.final and not any(remembered.rows.values())
    monkeypatch.undo()
    reached = dict.fromkeys((p.name for p in models), head)
    runner._finish_load(models, reached)
    runner._swap(models, reached)
    rebuilt = table_checksums(views, models)
    Runner(app, views, models).rebuild()  # one process, in log order
    assert rebuilt == table_checksums(views, models)
    assert set(runner.lag().values()) == {0}


def _not_read_back(*args: object) -> None:
    raise AssertionError(f"a row read back from the new tables: {args[1:]}")


def test_whole_aggregates_holds_back_the_events_of_the_aggregate_a_page_ends_in() -> None:
    a, b, c = (UUID(int=i) for i in (1, 2, 3))
    events = [(1, _Event(a)), (2, _Event(b)), (3, _Event(b)), (4, _Event(c))]
    assert whole_aggregates(events, (c, 7)) == (events[:3], events[3:])
    assert whole_aggregates(events[1:3], (b, 9)) == ([], events[1:3])  # one aggregate: all held
    assert whole_aggregates(events, (UUID(int=4), 1)) == (events, [])  # ended in an unwanted one
    assert whole_aggregates(events, None) == (events, [])  # the end of the log


class _Event(NamedTuple):
    originator_id: UUID


def test_a_load_by_aggregate_stops_when_another_rebuild_starts(
    app: Greenlist, clock: SettableClock, views: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_history(app, clock, listed=20, more=6)
    models = local_models()
    runner = Runner(app, views, models, batch_size=11)
    runner.read_ahead_by_aggregate = False  # each page read between two batches, here
    runner._start_afresh(models)
    other = Runner(app, views, models)
    pages: list[int] = []

    def read(*args: Any) -> AggregatePage:
        pages.append(1)
        if len(pages) == 3:
            other._start_afresh(models)  # another rebuild resets the new tables
        return read_by_aggregate(*args)

    monkeypatch.setattr(rebuilding, "read_by_aggregate", read)
    with pytest.raises(RebuildSuperseded):
        runner._load_by_aggregate(models, runner.head(), runner._remembered(models))
    assert len(pages) == 3
    found = runner.positions()
    assert {found[p.name + NEXT] for p in models} == {0}  # the other's, untouched
    assert all(not views.query(f"SELECT 1 FROM {t.name}{NEXT}") for p in models for t in p.tables)


def test_the_tracking_rows_count_the_events_read_below_zero_during_the_load(
    app: Greenlist, clock: SettableClock, views: Db
) -> None:
    record_history(app, clock, listed=20, more=2)
    models = local_models()
    runner = Runner(app, views, models, batch_size=10)
    runner._start_afresh(models)
    seen: list[int] = []
    original = runner._apply_by_aggregate

    def apply(*args: object, **kwargs: object) -> None:
        seen.append(min(runner.positions()[p.name + NEXT] for p in models))
        original(*args, **kwargs)  # type: ignore[arg-type]

    runner._apply_by_aggregate = apply  # type: ignore[method-assign]
    head = runner.head()
    runner._load_by_aggregate(models, head, runner._remembered(models))
    *pages, held = seen  # then the events of the last aggregate, held back (`whole_aggregates`)
    assert pages[0] == 0 and all(b == a - 10 for a, b in pairwise(pages))
    assert 0 < pages[-1] - held <= 10
    assert {runner.positions()[p.name + NEXT] for p in models} == {head}


def test_a_rebuild_in_processes_loads_the_local_models_by_aggregate() -> None:
    """And shares the shareable ones (the audit trail, the supervision) out by event class:
    the process by aggregate applies them to the events no model in log order needs, which
    the processes in log order then skip, and to those its own models decode anyway (which
    the processes in log order decode too, for theirs); they apply the rest."""
    models = all_projections()
    local = {p.name for p in models if p.aggregate_local}
    shareable = {p.name for p in models if p.shareable}
    assert shareable == {"audit", "supervision"}
    two = plan(models, 2, by_aggregate=True)
    assert [(part.by, {p.name for p in part.models} - shareable) for part in two] == [
        (AGGREGATE_ORDER, local),
        (LOG_ORDER, {p.name for p in models} - local - shareable),
    ]
    by_aggregate, in_order = two
    assert {p.name for p in by_aggregate.models} & {p.name for p in in_order.models} == shareable
    assert by_aggregate.shares is not None and in_order.shares is not None
    decoded = set().union(*(p._handlers for p in models if p.aggregate_local))
    needed = set().union(*(p._handlers for p in in_order.models if not p.shareable))
    everything = set().union(*(p._handlers for p in models))
    assert in_order.skipped == everything - needed  # only what its own models need is read
    for p in models:
        if p.shareable:
            mine, theirs = by_aggregate.shares[p.name], in_order.shares[p.name]
            assert mine.classes == set(p._handlers) - (needed - decoded)
            assert mine.classes - decoded  # some the local models do not need
            assert mine.classes & decoded & needed  # some both processes decode
            assert not theirs.classes & decoded  # none the process by aggregate decodes
            assert not mine.classes & theirs.classes
            assert mine.classes | theirs.classes == set(p._handlers)
            assert (mine.name, theirs.name) == ("by-aggregate", "")
    three = plan(models, 3, by_aggregate=True)
    assert [part.by for part in three] == [AGGREGATE_ORDER, LOG_ORDER, LOG_ORDER]
    names = sorted(p.name for part in three for p in part.models)
    assert names == sorted([*(p.name for p in models), *shareable])
    for processes, offered in ((1, True), (2, False)):  # in log order, as before
        assert {part.by for part in plan(models, processes, offered)} == {LOG_ORDER}
    assert {part.by for part in plan(local_models(), 2, True)} == {LOG_ORDER}


@pytest.mark.parametrize("by", [LOG_ORDER, AGGREGATE_ORDER])
def test_the_later_of_two_rebuilds_goes_on_even_before_the_earlier_applied_a_batch(
    app: Greenlist, clock: SettableClock, views: Db, by: str
) -> None:
    """Found by an outside attack: a rebuild's loading processes start a second or two after
    it reset the tables; a rebuild started in that window reset them again, and the earlier
    rebuild's first batch found them at position 0, took them for its own and went on, while
    the later one stopped. Each rebuild's tracking rows now carry its own number."""
    record_history(app, clock, listed=20, more=2)
    models = local_models()
    earlier, later = Runner(app, views, models), Runner(app, views, models)
    earlier._start_afresh(models)
    later._start_afresh(models)  # before the earlier applied anything
    assert earlier.rebuild_number != later.rebuild_number

    def load(runner: Runner) -> tuple[int, int]:
        head = runner.head()
        if by == AGGREGATE_ORDER:
            return runner._load_by_aggregate(models, head, runner._remembered(models))
        return runner._load(models, head, runner._remembered(models))

    with pytest.raises(RebuildSuperseded):
        load(earlier)
    reached = dict.fromkeys((p.name for p in models), load(later)[1])
    later._finish_load(models, reached)
    later._swap(models, reached)
    rebuilt = table_checksums(views, models)
    Runner(app, views, models).rebuild()
    assert rebuilt == table_checksums(views, models)
