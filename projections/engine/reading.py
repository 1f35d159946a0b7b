"""Reading the event log for the read models: batches of decoded events after a position, and a
rebuild's read-ahead (the next batch read while the current one is written)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from domain.errors import UndecodableEvent
from domain.service import Greenlist

Events = list[tuple[int, Any]]
"""(log position, decoded event) pairs, in log order."""


def read_events(app: Greenlist, after: int, limit: int) -> Events:
    """The next events of the log after a position, decoded, up to the first that cannot be
    decoded. That one stops the runner: the batch returns the events before it (so they are
    applied) and the next read, which starts at it, raises `UndecodableEvent` naming its
    aggregate, version and position.

    Stopping, never skipping (issue 9 item 7): a skipped event would leave the read models
    silently different from the log (a unit missing from a list, a deadline never set), and the
    tracking position would move past it, so that the event would never be applied even once
    the code can read it again (a topic alias or an upcaster). Stopped, the read models stay
    consistent up to the position before it, say how far they are behind, and resume from
    there once it can be read."""
    notifications = app.recorder.select_notifications(
        start=after, limit=limit, inclusive_of_start=False
    )
    to_event = app.mapper.to_domain_event
    events: Events = []
    for notification in notifications:
        try:
            events.append((notification.id, to_event(notification)))
        except UndecodableEvent:
            if events:
                break
            raise
    return events


@contextmanager
def reader(
    read: Callable[[int], Events], ahead: bool
) -> Iterator[Callable[[int], Callable[[], Events]]]:
    """`start(after)` starts reading the batch after a position (with `read`) and returns the
    function that waits for it. `ahead`: read (and decode) the next batch in a thread while the
    current one is written: the log only grows at its end (the store records events in order),
    so the batch is the one that would be read afterwards."""
    if not ahead:
        yield lambda after: lambda: read(after)
        return
    with ThreadPoolExecutor(1, thread_name_prefix="rebuild-read") as pool:
        try:
            yield lambda after: pool.submit(read, after).result
        finally:
            pool.shutdown(cancel_futures=True)
