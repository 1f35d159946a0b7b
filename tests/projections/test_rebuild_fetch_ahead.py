"""A rebuild's process in log order fetches its next page from the server in a thread while it
decodes and applies the current one (issue 15 item 3, `Rebuilding.fetch_ahead`): a page is
fetched (`fetch_page`: the rows, cut at their stored bytes, none decoded) and decoded apart
(`decode_page`), and the two give what `read_page` gives; a page that ends before an event it
cannot decode is followed by a page read from there, not by the page fetched ahead, so that
the rebuild stops at that event as before and never goes on past it."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import pytest

from domain.clock import SettableClock
from domain.errors import UndecodableEvent
from domain.service import Greenlist
from projections.catalogue import all_projections
from projections.engine import rebuilding
from projections.engine.db import Db
from projections.engine.reading import decode_page, fetch_page, read_page
from projections.engine.rebuilding import LOG_ORDER, Rebuilding, load_part, plan, share_names
from projections.engine.runner import Runner
from tests.projections.test_crash_safety import record_history
from tests.projections.test_rebuild_shares import InProcess, record_undecodable


def _kinds(app: Greenlist) -> tuple[int, frozenset[type], frozenset[type]]:
    """The head of the log, and its event classes split in two (as a process in log order
    skips those another process decodes)."""
    every = read_page(app, 0, 10**6, (), skipped=frozenset()).events
    kinds = {type(e) for _, e in every}
    skipped = frozenset(k for k in kinds if k.__name__ in {"Cultivated", "UnitRegistered"})
    return every[-1][0], frozenset(kinds - skipped), skipped


@pytest.mark.stores("postgres")
@pytest.mark.parametrize("max_bytes", [None, 1, 3_000])
def test_a_page_fetched_then_decoded_is_the_page_read(
    app: Greenlist, clock: SettableClock, max_bytes: int | None
) -> None:
    record_history(app, clock, listed=20, more=10)
    head, wanted, skipped = _kinds(app)
    after, pages = 0, 0
    while True:
        read = read_page(app, after, 20, wanted, head, skipped, max_bytes)
        fetched = fetch_page(app, after, 20, wanted, head, skipped, max_bytes)
        assert decode_page(app, fetched) == read
        assert (fetched.last, fetched.read, fetched.cut) == (read.last, read.read, read.cut)
        if not read.read:
            break
        after, pages = read.last, pages + 1
    assert pages > 1


def _log_order_part(app: Greenlist, views: Db) -> tuple[Runner, rebuilding.Part, int]:
    """A rebuild in two processes started (its tables reset, its subjects recorded), and the
    part its process in log order loads."""
    parent = Runner(app, views, all_projections())
    parts = plan(parent.projections, 2, by_aggregate=True)
    parent._start_afresh(parent.projections, [n for part in parts for n in share_names(part)])
    head = parent.head()
    parent._record_subjects([p for p in parent.projections if p.shareable], head)
    part = next(part for part in parts if part.by == LOG_ORDER)
    assert part.skipped  # (it leaves out what the process by aggregate decodes)
    return parent, part, head


class LargePages(InProcess):
    """Pages of up to 1,000 events (not 9)."""

    def __call__(self, names: Sequence[str]) -> Runner:
        runner = super().__call__(names)
        runner.batch_size = 1_000
        return runner


def _load(parent: Runner, part: rebuilding.Part, head: int, workers: InProcess) -> int:
    done, _, _ = load_part(
        workers,
        [p.name for p in part.models],
        head,
        part.by,
        parent.rebuild_number,
        part.shares,
        part.skipped,
    )
    return done


@pytest.mark.stores("postgres")
@pytest.mark.parametrize("ahead", [True, False])
def test_the_process_in_log_order_fetches_in_a_thread_and_decodes_in_its_own(
    app: Greenlist,
    clock: SettableClock,
    views: Db,
    monkeypatch: pytest.MonkeyPatch,
    ahead: bool,
) -> None:
    record_history(app, clock, listed=20, more=6)
    parent, part, head = _log_order_part(app, views)
    fetched_in: list[str] = []
    decoded_in: list[str] = []
    read: list[int] = []

    def fetch(*args: Any, **kwargs: Any) -> Any:
        fetched_in.append(threading.current_thread().name)
        fetched = fetch_page(*args, **kwargs)
        read.append(fetched.read)
        return fetched

    def decode(*args: Any, **kwargs: Any) -> Any:
        decoded_in.append(threading.current_thread().name)
        return decode_page(*args, **kwargs)

    monkeypatch.setattr(rebuilding, "fetch_page", fetch)
    monkeypatch.setattr(rebuilding, "decode_page", decode)
    monkeypatch.setattr(Rebuilding, "fetch_ahead", ahead)
    assert _load(parent, part, head, InProcess(app, views)) > 0
    main = threading.current_thread().name
    assert len(fetched_in) > 3 and set(decoded_in) == {main}  # batches of 9 events
    assert read[-1] == 0 and 0 not in read[:-1]  # nothing fetched past the end of the log
    assert len(decoded_in) == len(read) - 1  # (an empty page is not decoded)
    if ahead:
        assert all(name.startswith("rebuild-read") for name in fetched_in)
    else:
        assert set(fetched_in) == {main}


@pytest.mark.stores("postgres")
@pytest.mark.parametrize("ahead", [True, False])
def test_the_process_in_log_order_stops_at_an_event_it_cannot_decode(
    app: Greenlist,
    clock: SettableClock,
    views: Db,
    monkeypatch: pytest.MonkeyPatch,
    ahead: bool,
) -> None:
    """The event is the log's last: the page fetched ahead after the page that ends before
    it is empty, and a loop that took it would end the load there, silently past the event."""
    record_history(app, clock, listed=20, more=2)
    record_undecodable(views, "domain.events.unit:NoSuchEvent")
    monkeypatch.setattr(Rebuilding, "fetch_ahead", ahead)
    parent, part, head = _log_order_part(app, views)
    with pytest.raises(UndecodableEvent):
        _load(parent, part, head, LargePages(app, views))  # the event mid-page
