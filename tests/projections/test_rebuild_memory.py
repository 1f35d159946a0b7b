"""A rebuild's memory does not follow the size of what it meets (issue 15 item 3): a page of the
log stops decoding at its bytes, so a run of large events makes more, smaller batches, not a
larger batch in memory; the next pages ask for fewer events, then for more again; and the
dicts of the rows a rebuild remembers shrink when it forgets rows."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from domain.clock import SettableClock
from domain.service import Greenlist
from projections.engine.batch import Batch
from projections.engine.db import Db
from projections.engine.reading import Page, PageSize, read_page
from projections.engine.remembered import Remembered
from tests.projections.test_crash_safety import record_history
from tests.projections.test_spill import ROWS, _make


def _stored(app: Greenlist) -> dict[int, int]:
    """Each event's position and the bytes of its stored state."""
    notes = app.recorder.select_notifications(start=1, limit=10**6)
    return {n.id: len(n.state) for n in notes}


@pytest.mark.stores("memory", "sqlite", "postgres")
@pytest.mark.parametrize("max_bytes", [1, 2_500, 20_000])
def test_a_page_stops_decoding_at_its_bytes_and_the_next_goes_on_from_there(
    app: Greenlist, clock: SettableClock, max_bytes: int
) -> None:
    """Each page decodes events until their stored bytes reach `max_bytes` (the first always,
    however large): a page cut there ends at its last event decoded, the next starts after
    it, and together the pages hold every event once, in order."""
    record_history(app, clock, listed=20, more=10)
    sizes = _stored(app)
    pages: list[Page] = []
    after = 0
    while (page := read_page(app, after, 50, (), skipped=frozenset(), max_bytes=max_bytes)).read:
        pages.append(page)
        after = page.last
    positions = [p for page in pages for p, _ in page.events]
    assert positions == sorted(sizes)  # every event once, in order
    for page in pages:
        held = [sizes[p] for p, _ in page.events]
        assert page.last == page.events[-1][0] and page.read == len(held)
        assert sum(held[:-1]) < max_bytes  # the last decoded took it to (or past) the bytes
        if page.cut:
            assert sum(held) >= max_bytes and len(held) < 50
    assert any(page.cut for page in pages)
    if max_bytes == 1:
        assert all(len(page.events) == 1 for page in pages)


@pytest.mark.stores("postgres")
def test_a_page_cut_at_its_bytes_ends_at_its_last_event_decoded_among_skipped_ones(
    app: Greenlist, clock: SettableClock
) -> None:
    """Reading in order with classes skipped (a rebuild's process in log order): the bytes
    counted are those of the events decoded, and a page cut ends at the last of them, so
    that the events skipped after it are read, and skipped, by the next page."""
    record_history(app, clock, listed=20, more=10)
    sizes = _stored(app)
    every = read_page(app, 0, 10**6, (), skipped=frozenset()).events
    kinds = {type(e) for _, e in every}
    skipped = frozenset(k for k in kinds if k.__name__ in {"Cultivated", "UnitRegistered"})
    wanted = kinds - skipped
    head, after, seen = every[-1][0], 0, []
    while (page := read_page(app, after, 20, wanted, head, skipped, max_bytes=3_000)).read:
        if page.cut:
            assert page.last == page.events[-1][0]
            assert sum(sizes[p] for p, _ in page.events[:-1]) < 3_000
        seen += page.events
        after = page.last
    assert seen == [(p, e) for p, e in every if type(e) in wanted]


def test_the_pages_after_a_cut_one_ask_for_a_quarter_more_then_twice_as_many() -> None:
    size = PageSize(2000)
    assert size.limit == 2000
    size.follow(Page([], 500, 400, cut=True))
    assert size.limit == 500  # 400 and a quarter: few rows sent and not decoded
    size.follow(Page([], 900, 7, cut=True))
    assert size.limit == 8
    size.follow(Page([], 901, 1, cut=True))
    assert size.limit == 1  # never none
    for expected in (2, 4, 8, 16):
        size.follow(Page([], 1000, 1))
        assert size.limit == expected
    for _ in range(20):
        size.follow(Page([], 2000, 1))
    assert size.limit == 2000  # back to the batch size, never past it


@pytest.mark.stores("sqlite")
def test_the_remembered_rows_dicts_shrink_when_rows_are_forgotten(views: Db) -> None:
    """A dict never shrinks as keys are deleted: once a table's rows are forgotten (here 20,000
    remembered, then the limit lowered to 1,000, as when other tables' rows take their
    place), its dicts of rows remembered and of rows unwritten are made anew, no larger than
    a dict made of what they hold."""
    _make(views)
    remembered = Remembered(["r"], limit=100_000, write_back=True)
    with views.transaction() as tx:
        for first, limit in ((0, 100_000), (20_000, 1_000)):
            remembered.limit = limit
            batch = Batch(tx, {"r": (ROWS, "r_next")}, remembered)
            for i in range(first, first + 20_000 if not first else first + 10):
                batch.put("r", **_row(i))
            batch.flush()
            remembered.learn(batch)
            if not first:
                many = sys.getsizeof(remembered.rows["r"])
    rows, unwritten = remembered.rows["r"], remembered.unwritten["r"]
    assert len(rows) == int(1_000 * Remembered.KEEP) and len(unwritten) == len(rows)
    assert sys.getsizeof(rows) <= sys.getsizeof(dict(rows)) < many / 10
    assert sys.getsizeof(unwritten) <= sys.getsizeof(dict(unwritten))
    assert remembered.spill is not None and remembered.spill.size() == 20_010 - len(rows)


def _row(i: int) -> dict[str, Any]:
    return {"k": f"u{i:05d}", "n": i, "label": f"第{i}行", "note": None, "score": i / 4}
