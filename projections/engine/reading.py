"""Reading the event log for the read models: batches of decoded events after a position, and a
rebuild's read-ahead (the next batch read while the current one is written)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic, resolve_topic

from domain.errors import UndecodableEvent
from domain.service import Greenlist
from domain.service.ports import LogByAggregate

K = TypeVar("K")
T = TypeVar("T")
P = TypeVar("P", "Page", "Fetched")
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
    return read_page(app, after, limit, (), skipped=frozenset()).events  # every one decoded


class Page(NamedTuple):
    """A batch of the log read in order (`read_page`): the decoded events wanted, the
    position of the last event read, wanted or not (the `after` it was read from: none), and
    how many were read."""

    events: Events
    last: int
    read: int
    cut: bool = False
    """Decoding stopped at `max_bytes` (`read_page`), before the last event read."""


class Fetched(NamedTuple):
    """A batch of the log read in order but not decoded yet (`fetch_page`): the events to
    decode, each with the position and count read before it (where a page ends if it cannot
    be decoded), and as `Page`, the position of the last event read, how many were read and
    whether the page was cut at its bytes."""

    notifications: list[Notification]
    before: list[tuple[int, int]]
    last: int
    read: int
    cut: bool = False


class PageSize:
    """How many events a rebuild's next page asks for (`limit`), made smaller after a page
    cut at its bytes (`read_page`'s `max_bytes`: the next asks for a quarter more than that
    one held, so the server sends few rows that are not decoded), and then doubled page by
    page back to `most`."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.limit = most

    def follow(self, page: P) -> P:
        """The page (read or fetched), its size noted for the next."""
        if page.cut:
            self.limit = max(1, page.read + page.read // 4)
        else:
            self.limit = min(self.most, self.limit * 2)
        return page


def read_page(
    app: Greenlist,
    after: int,
    limit: int,
    wanted: Collection[type],
    head: int | None = None,
    skipped: Collection[type] | None = None,
    max_bytes: int | None = None,
) -> Page:
    """As `read_events`, with only the events of the `wanted` classes decoded, and those of
    the `skipped` classes not (a rebuild's process whose read models handle a share of the
    classes, engine.rebuilding: another process decodes those); None: every other class is
    skipped. Any other event is decoded, so that it fails as in `read_events`: an event that
    no process can read is never skipped (found by an outside attack: a topic naming a class
    that is no event was skipped by every process). With `head` and classes `skipped`, where
    the store offers it (`LogByAggregate.select_in_order`), the events of their topics are
    left out by the server, and the log is read up to `head`. With `max_bytes`, decoding stops
    once the stored events decoded hold that many bytes (the first is always decoded): a
    page's memory is the memory of its events, and in runs of large events (a city's
    municipal listings, each with its evaluations) 2,000 of them decoded took 15 MB (issue 15
    item 3); the page is then `cut` and ends at the last event decoded. The same as
    `decode_page` of `fetch_page`, which a rebuild calls apart (its next page fetched while
    this one is decoded and applied)."""
    return decode_page(app, fetch_page(app, after, limit, wanted, head, skipped, max_bytes))


def fetch_page(
    app: Greenlist,
    after: int,
    limit: int,
    wanted: Collection[type],
    head: int | None = None,
    skipped: Collection[type] | None = None,
    max_bytes: int | None = None,
) -> Fetched:
    """The page `read_page` reads, with the events to decode chosen (by their topics) and
    counted in stored bytes (`max_bytes`), none decoded: what a thread may do while another
    decodes (the server's answer is waited for with the interpreter's lock released)."""
    log = by_aggregate(app)
    if log is not None and head is not None and skipped:
        notifications: Sequence[Notification] = log.select_in_order(
            after, head, limit, topics_of(skipped)
        )
    else:
        notifications = app.recorder.select_notifications(
            start=after, limit=limit, inclusive_of_start=False
        )
    chosen: list[Notification] = []
    before: list[tuple[int, int]] = []
    last, read, size = after, 0, 0
    for notification in notifications:
        if _wanted(notification.topic, wanted, skipped):
            if max_bytes is not None and chosen and size >= max_bytes:
                return Fetched(chosen, before, last, read, cut=True)
            chosen.append(notification)
            before.append((last, read))
            size += len(notification.state)
        last, read = notification.id, read + 1
    return Fetched(chosen, before, last, read)


def decode_page(app: Greenlist, fetched: Fetched) -> Page:
    """The fetched events decoded (`read_page`): the page ends before the first that cannot
    be decoded, unless it is the first read, which raises `UndecodableEvent`."""
    to_event = app.mapper.to_domain_event
    events: Events = []
    for notification, (last, read) in zip(fetched.notifications, fetched.before, strict=True):
        try:
            events.append((notification.id, to_event(notification)))
        except UndecodableEvent:
            if read:
                return Page(events, last, read)
            raise
    return Page(events, fetched.last, fetched.read, fetched.cut)


class AggregatePage(NamedTuple):
    """A page of the log read by aggregate (`read_by_aggregate`): the decoded events wanted,
    how many were read (wanted or not), and where the next page starts (None: the end)."""

    events: Events
    read: int
    after: tuple[UUID, int] | None


def by_aggregate(app: Greenlist) -> LogByAggregate | None:
    """The store's walk of the log by aggregate, if it offers one (PostgreSQL)."""
    recorder = app.recorder
    return recorder if isinstance(recorder, LogByAggregate) else None


def read_by_aggregate(
    log: LogByAggregate,
    app: Greenlist,
    after: tuple[UUID, int] | None,
    head: int,
    limit: int,
    wanted: Collection[type],
    skipped: Collection[type] | None = None,
) -> AggregatePage:
    """The next page of the log up to `head`, by aggregate (`LogByAggregate`), with only the
    events of the `wanted` classes decoded (the others are skipped by their topic, unread:
    a rebuild by aggregate loads the models that handle them, engine.rebuilding). An event
    whose topic names no class is decoded, so that it fails as in `read_events`: never
    skipped. The events of the `skipped` classes (as in `read_page`) are left out by the
    store."""
    notifications = log.select_by_aggregate(after, head, limit, topics_of(skipped or ()))
    if not notifications:
        return AggregatePage([], 0, None)
    to_event, events = app.mapper.to_domain_event, []
    for notification in notifications:
        if _wanted(notification.topic, wanted, skipped):
            events.append((notification.id, to_event(notification)))
    last = notifications[-1]
    after = (UUID(str(last.originator_id)), last.originator_version)
    return AggregatePage(events, len(notifications), after)


def read_first_events(
    log: LogByAggregate, app: Greenlist, head: int, limit: int, wanted: Collection[type]
) -> Iterator[Events]:
    """The aggregates' first events up to `head`, in log order
    (`LogByAggregate.first_events`), `limit` at a time, with those of the `wanted` classes
    decoded (an event whose topic names no class is decoded too, and fails)."""
    to_event = app.mapper.to_domain_event
    for notifications in log.first_events(head, limit):
        yield [(n.id, to_event(n)) for n in notifications if _wanted(n.topic, wanted, None)]


def topics_of(classes: Collection[type]) -> list[str]:
    """The topics events of these classes are recorded under (today's: an event recorded
    under an older one is read and skipped by its class instead)."""
    return list(_topics(frozenset(classes)))


@lru_cache(maxsize=16)
def _topics(classes: frozenset[type]) -> tuple[str, ...]:
    return tuple(sorted(get_topic(cls) for cls in classes))


_classes: dict[str, type | None] = {}


def _wanted(topic: str, wanted: Collection[type], skipped: Collection[type] | None) -> bool:
    """Whether to decode the event of this topic: of a wanted class, or of none that
    another reader decodes (`skipped`; None: any class not wanted), or naming no class (it
    fails)."""
    if topic not in _classes:
        try:
            _classes[topic] = resolve_topic(topic)
        except Exception:  # a topic nobody can read: the mapper says why
            _classes[topic] = None
    cls = _classes[topic]
    if cls is None or cls in wanted:
        return True
    return skipped is not None and cls not in skipped


@contextmanager
def reader(read: Callable[[K], T], ahead: bool) -> Iterator[Callable[[K], Callable[[], T]]]:
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
