"""A rebuild: read models built again from zero into new tables (`<table>__next`) while the
live ones stay readable, then swapped in, in one transaction, once complete.

Of two rebuilds of the same read model the later one resets the new tables and the earlier
one stops (`RebuildSuperseded`) rather than swap in tables that miss events. What was recorded
during the rebuild is applied under the models' locks at the swap, so the swapped-in tables
miss nothing."""

from __future__ import annotations

import gc
import heapq
import multiprocessing
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from uuid import UUID

from domain.service import Greenlist
from projections.engine.batch import Batch
from projections.engine.db import Db, Tx
from projections.engine.projection import Projection, apply_to, share_tracked_as, tracked_name
from projections.engine.reading import (
    Events,
    Page,
    PageSize,
    by_aggregate,
    decode_page,
    fetch_page,
    read_by_aggregate,
    read_first_events,
    reader,
)
from projections.engine.remembered import Remembered
from projections.engine.tables import create_indexes, create_tables, set_logged
from projections.engine.tracking import (
    NEXT,
    TRACKING,
    lock,
    lock_all,
    marks,
    positions,
    set_position,
    still_ours,
)

Progress = Callable[[int, int], None]


class Workers(Protocol):
    """Builds, in a process of its own, a runner over the named read models on the same
    store (its own service and connections); picklable, to be sent to that process."""

    def __call__(self, names: Sequence[str]) -> Rebuilding: ...

    def close(self, runner: Rebuilding) -> None: ...


class Rebuilding:
    """What `Runner` does to rebuild its read models (mixed into it)."""

    app: Greenlist
    db: Db
    projections: list[Projection]
    batch_size: int

    remember_rows = 20_000
    """A rebuild remembers up to this many rows of its new tables from one batch to the next
    (batch.Remembered: a few hundred bytes each), instead of reading them again; 0: never.
    The rows it forgets of the tables it writes back go to a spill on the local disk until
    the end of the load (engine.spill), so a lower bound costs little speed (issue 15 item
    3; README "Performance", "The spill"). 400,000 let the log-order process grow to 327 MB
    at 1 M events; 50,000 was not yet filled by 0.2 M events of the province story, and the
    rows at 1 M events, more of them read back from the spill, held more; 20,000 is filled
    by both, in the same load times (48.2 s in log order at 1 M events, 47.9 s with 50,000)."""
    remember_subjects = 20_000
    """As `remember_rows`, for the subjects recorded before a load in processes
    (`_record_subjects`): each is written once, by COPY, when forgotten."""
    remember_rows_by_aggregate = 100_000
    """As `remember_rows`, for a load by aggregate (`_load_by_aggregate`), which needs the rows
    of the last few aggregates only."""
    verify_remembered = False
    """Tests: check every remembered row against its table."""
    write_back = True
    """A rebuild's batches leave the rows they change in memory (`Remembered.write_back`),
    written once when forgotten or at the end of the load, not by every batch that changes
    them (needs `remember_rows`)."""
    hold_pages = 1
    """A load by aggregate holds back the events of the aggregate a page ends in, for the
    next page, up to this many pages' worth (`_load_by_aggregate`); longer, it is applied in
    parts. One: an aggregate of more than a page's events is a round or a queue, and holding
    four pages of a round's events made the process 15 MB larger at 1 M events, where a
    round has five times the units it has at 0.2 M (issue 15 item 3)."""
    page_bytes = 1 << 18
    """A rebuild reading the log in order with a share of the classes (`skipped`) decodes at
    most about this many bytes of stored events per batch (`read_page`'s `max_bytes`), so
    that a run of large events makes smaller batches, not a larger batch in memory (issue
    15 item 3: 2,000 of a city's municipal listings decoded took 15 MB, twice while the next
    page was decoded; a page of 2,000 events of the province story holds 1.1 MB on
    average). 256 KiB, not 1 MiB: the largest loading process of a rebuild of 1 M events
    peaked at 129.5 MB instead of 142.6 MB, in about the same time (the pages are smaller,
    the process's heap less broken up by them), and 0.2 M events at 110.7 MB."""
    read_ahead = False
    """A rebuild reading the log in order reads the next batch while it writes the current
    one (reading.reader). Off: the reading thread decodes, holding the interpreter's lock,
    while the writing one waits for the server at each statement, and then for the lock
    (issue 15 item 3: the log-order share of a rebuild of 1 M events took 70.5 s with it,
    65.3 s without; the thread only pays where reading waits for the server more than it
    decodes, as by aggregate)."""
    fetch_ahead = True
    """A rebuild reading the log in order with a share of the classes (`skipped`) fetches
    the next page from the server in a thread (`fetch_page`: the rows, not decoded) while it
    decodes and applies the current one (`decode_page`): waiting for the server's answer
    releases the interpreter's lock, decoding would hold it (`read_ahead`). Issue 15 item 3:
    that process waited for the server 13 % of its load of 1 M events (py-spy), with
    nothing else to do."""
    read_ahead_by_aggregate = True
    """As `read_ahead`, for a load by aggregate (`_load_by_aggregate`): on, since most of the
    rows it reads are skipped undecoded and the server's walk of the events' key is slow
    (the share of 1 M events by aggregate: 41.0 s with it, 47.6 s without)."""
    index_after_load = True
    """A rebuild creates its new tables with their keys only, and their other indexes (which
    only the queries of live tables use) at the swap: built once, not row by row."""

    processes = 1
    """How many processes load a rebuild's read models (with `workers`)."""
    skipped: frozenset[type] = frozenset()
    """A loading process: the classes of the events another process handles and its read
    models do not (`Part.skipped`), left out by the store where it can (`read_page`,
    `read_by_aggregate`)."""
    rebuild_number: int | None = None
    """The number `_start_afresh` gave this rebuild (in its tracking rows' version column,
    random): each batch checks its tables are still this rebuild's (`still_ours`). Passed to
    the loading processes."""
    workers: Workers | None = None
    """What builds a runner in another process (greenlist.runtime: PostgreSQL only)."""
    unlogged = True
    """PostgreSQL: a rebuild loads its new tables unlogged (no write-ahead log record per row)
    and logs each once, whole, before the swap. Nothing is lost that a rebuild needs: a rebuild
    never resumes (it starts afresh), and a server crash, which empties unlogged tables, ends
    it before its swap."""
    relaxed_commits = True
    """PostgreSQL: a rebuild's batches commit without waiting for the log's flush to disk
    (`synchronous_commit = off`, per transaction): a crash may lose the last batches, never
    make them half applied, and a rebuild that crashed starts afresh anyway. The swap waits."""
    gc_threshold = 50_000
    """A rebuild's allocations between collections of the youngest generation (CPython's
    default: 700), and the objects that existed before it frozen: a rebuild keeps many
    long-lived objects (the rows it remembers, a batch of events read ahead), none in cycles,
    which the default collector traverses again and again (a quarter of a rebuild's time on
    211 k events, bench.rebuild). 0: the collector as it is."""

    if TYPE_CHECKING:

        def head(self) -> int: ...

        def _read(self, after: int, limit: int) -> Events: ...

        def _apply(
            self,
            tx: Tx,
            projections: Iterable[Projection],
            suffix: str,
            events: Events,
            expected: int | None = None,
            remembered: Remembered | None = None,
            through: int | None = None,
        ) -> None: ...

    phases: dict[str, float]
    """How long each step of the last rebuild took, in seconds (bench.rebuild shows them):
    "start", "subjects", "load", "finish", "swap", and each loading process's "load <by>",
    its CPU time and "finish <by>"."""

    def rebuild(self, names: Iterable[str] | None = None, progress: Progress | None = None) -> int:
        """Rebuild read models from zero into new tables while the live ones stay readable,
        then swap them in, in one transaction, once complete. Returns events read.

        With `processes` > 1 (and a `workers` factory: PostgreSQL) the read models are loaded
        by that many processes, each reading the log and applying it to a share of the models
        (`plan`), so that a rebuild uses more than one CPU; the swap stays one transaction,
        in this process. The models whose rows each belong to one aggregate
        (`Projection.aggregate_local`) are then loaded apart, reading the log by aggregate
        (`_load_by_aggregate`), when the store offers it; and the shareable models
        (`Projection.shareable`) are shared out between the processes by event class, once
        the subjects they name are recorded (`_record_subjects`)."""
        wanted = set(names) if names else {p.name for p in self.projections}
        group = [p for p in self.projections if p.name in wanted]
        if not group:
            raise KeyError(f"no read model named {sorted(wanted)}")
        self.phases = {}
        phase = Phases(self.phases)
        processes = self.processes if self.workers is not None else 1
        parts = plan(group, processes, by_aggregate(self.app) is not None)
        remembered: Remembered | None = None
        with self._spawned(len(parts)) as loaders:  # they start while this one prepares
            self._start_afresh(group, [n for part in parts for n in share_names(part)])
            head = self.head()
            phase("start")
            if loaders is not None:
                shared = {name for part in parts for name in part.shares or {}}
                if shared:
                    self._record_subjects([p for p in group if p.name in shared], head)
                phase("subjects")
                done, reached = self._load_in_processes(loaders, parts, head, progress)
                log = by_aggregate(self.app)
                if log is not None and any(part.skipped for part in parts):
                    done = log.count_events(head)  # each part read a share of them
                unfinished = [p for p in group if p.name in shared]  # each finished its own
            else:
                remembered = self._remembered(group)
                done, position = self._load(group, head, remembered, progress)
                reached = dict.fromkeys((p.name for p in group), position)
                unfinished = group
        phase("load")
        self._finish_load(unfinished, reached)
        phase("finish")
        self._swap(group, reached, remembered)
        phase("swap")
        return done

    def _load(
        self,
        group: list[Projection],
        head: int,
        remembered: Remembered | None,
        progress: Progress | None = None,
    ) -> tuple[int, int]:
        """Apply the whole log to the group's new tables (reset by `_start_afresh`), batch by
        batch (reading the next batch while one is written: `read_ahead`); (events read,
        last position). A group with a share of a model's events (`Projection.restrict`)
        decodes only the events of the classes it handles (`read_page`)."""
        done, position = 0, 0
        bs = self.batch_size
        wanted = set().union(*(p._handlers for p in group))
        bounded = bool(self.skipped) and by_aggregate(self.app) is not None  # (read_page)
        decode: Callable[[Any], Page]
        if self.skipped:  # fetched ahead in a thread, decoded here (`fetch_ahead`)
            size, most = PageSize(bs), self.page_bytes
            fetch: Callable[[int], Any] = lambda after: size.follow(  # noqa: E731
                fetch_page(self.app, after, size.limit, wanted, head, self.skipped, most)
            )
            decode = lambda fetched: decode_page(self.app, fetched)  # noqa: E731
            ahead = self.read_ahead or self.fetch_ahead
        else:
            fetch = lambda after: _page(self._read(after, bs), after)  # noqa: E731
            decode = lambda page: page  # noqa: E731
            ahead = self.read_ahead
        with collecting_less(self.gc_threshold), reader(fetch, ahead) as read:
            pending = read(position)
            while True:
                fetched = pending()
                if not fetched.read:  # the end of the log: nothing more to fetch
                    break
                pending = read(fetched.last)  # (while this page is decoded and applied)
                events, last, count, _ = decode(fetched)
                if last != fetched.last:  # it ends before an event it cannot decode
                    pending = read(last)  # (which the next page's decoding raises)
                del fetched
                with self._relaxed() as tx:
                    self._apply(tx, group, NEXT, events, position, remembered, last)
                del events  # (not held while the next page is decoded)
                done += count
                position = last
                if progress:
                    progress(min(position, head), max(head, position))
        unwritten = remembered is not None and remembered.write_back
        to_head = bounded and position < head
        if unwritten or to_head:
            with self._still_ours(group, position) as tx:  # what the batches left unwritten
                if remembered is not None and unwritten:
                    remembered.write_all(tx)
                if to_head:  # the events after `position` were all left out: read, in effect
                    set_position(tx, sorted(tracked_name(p, NEXT) for p in group), head)
                    position = head
        return done, position

    @contextmanager
    def _relaxed(self) -> Iterator[Tx]:
        """A transaction of a rebuild's load: on PostgreSQL committed without waiting for the
        log's flush to disk (`relaxed_commits`)."""
        with self.db.transaction() as tx:
            if self.relaxed_commits and tx.dialect == "postgres":
                tx.execute("SET LOCAL synchronous_commit = off")
            yield tx

    @contextmanager
    def _still_ours(self, group: list[Projection], position: int) -> Iterator[Tx]:
        """A `_relaxed` transaction under the group's locks (its tracking rows' names, in
        one order: `tracked_name`), once its new tables are found still this rebuild's, at
        `position` (`still_ours`: else another rebuild reset them, and this one stops)."""
        with self._relaxed() as tx:
            lock_all(tx, sorted(tracked_name(p, NEXT) for p in group))
            still_ours(group, marks(tx), position, self.rebuild_number)
            yield tx

    @contextmanager
    def _spawned(self, parts: int) -> Iterator[ProcessPoolExecutor | None]:
        """With more than one part, a process per part, spawned (nothing of this one's
        connections is shared) and warmed up at once (`warm_up`: their imports), so that they
        start while this one resets the new tables and records the subjects (about a second
        and a half each, on 1 M events: issue 15 item 3); None otherwise. They end with it."""
        if parts < 2:
            yield None
            return
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            parts, mp_context=context, initializer=stop_with_parent, initargs=(os.getpid(),)
        ) as pool:
            for _ in range(parts):  # one each: a pool spawns a process per task waiting
                pool.submit(warm_up, self.workers)
            yield pool

    def _load_in_processes(
        self, pool: ProcessPoolExecutor, parts: list[Part], head: int, progress: Progress | None
    ) -> tuple[int, dict[str, int]]:
        """Each part loaded by a process of the pool, while this one shows the slowest
        part's position (of a part loaded by aggregate, how many events it read: its
        tracking rows count them, below zero, `_load_by_aggregate`); (events read by the part
        that read most, each model's last position)."""
        assert self.workers is not None
        futures = [
            pool.submit(
                load_part,
                self.workers,
                [p.name for p in part.models],
                head,
                part.by,
                self.rebuild_number,
                part.shares,
                part.skipped,
                self.remember_rows,
            )
            for part in parts
        ]
        while not all(f.done() for f in futures):
            wait(futures, timeout=1.0, return_when=FIRST_EXCEPTION)
            if any(f.done() and f.exception() for f in futures):
                break
            if progress:
                found = positions(self.db)
                least = min(abs(found.get(n, 0)) for part in parts for n in tracked(part))
                progress(min(least, head), head)
        results = [f.result() for f in futures]  # the first failure, raised here
        reached = {
            p.name: position
            for (_, position, _), part in zip(results, parts, strict=True)
            for p in part.models
        }
        for _, _, times in results:
            self.phases.update(times)
        if progress:
            progress(head, head)
        return max(done for done, _, _ in results), reached

    def _load_by_aggregate(
        self, group: list[Projection], head: int, remembered: Remembered | None
    ) -> tuple[int, int]:
        """Apply the log up to `head` to the group's new tables (reset by `_start_afresh`),
        read by aggregate (`LogByAggregate`): every model of the group is
        `aggregate_local`, so an aggregate's events in order give its rows whatever the
        order of the aggregates, and once its events are past its rows are never read
        again. Each batch applies whole aggregates (the events of the one a page ends in are
        held back for the next: `whole_aggregates`), so its rows are final: written by the
        batch, with COPY, and not remembered (`Remembered.final`); memory holds a page's rows,
        however long the log. An aggregate with more events than `hold_pages` pages (a
        round, the adjustment queue: they grow with the log) is applied in parts instead,
        its rows remembered until it is past (`Remembered.settle`). Only the events of the
        classes the group handles are decoded.

        The group's tracking rows count the events read, below zero (a position would not
        say how far a load by aggregate is), so that a rebuild started meanwhile, which
        resets them, stops this one (`still_ours`); at the end they are put at `head`, and
        the swap applies what came after it, in log order. (events applied, `head`)."""
        log = by_aggregate(self.app)
        assert log is not None, "the store does not offer the log by aggregate"
        wanted = set().union(*(p._handlers for p in group))
        names = sorted(tracked_name(p, NEXT) for p in group)
        done = read = 0
        fetch = lambda after: read_by_aggregate(  # noqa: E731
            log, self.app, after, head, self.batch_size, wanted, self.skipped
        )
        ahead = self.read_ahead_by_aggregate
        held: Events = []
        hold, long = self.batch_size * self.hold_pages, None
        with collecting_less(self.gc_threshold), reader(fetch, ahead) as start:
            pending = start(None)
            while True:
                page = pending()
                if not page.read:
                    break
                if page.after is not None:
                    pending = start(page.after)
                last = page.after[0] if page.after is not None else None
                events, held = whole_aggregates(held + page.events, page.after)
                in_parts = last is not None and (last == long or len(held) > hold)
                if in_parts:  # a long aggregate, applied in parts: its rows remembered
                    events, held = events + held, []
                past = long is not None and not in_parts  # the long aggregate ends here
                with self._still_ours(group, -read) as tx:
                    if remembered is not None:
                        remembered.final = long is None and not in_parts
                    self._apply_by_aggregate(tx, group, events, remembered)
                    if remembered is not None and past:
                        remembered.settle(tx)  # its rows written, no longer remembered
                    read += page.read
                    set_position(tx, names, -read)
                long = last if in_parts else None
                done += len(events)
        with self._still_ours(group, -read) as tx:
            self._apply_by_aggregate(tx, group, held, remembered)
            if remembered is not None and remembered.write_back:
                remembered.write_all(tx)
            set_position(tx, names, head)
        return done + len(held), head

    def _apply_by_aggregate(
        self,
        tx: Tx,
        group: list[Projection],
        events: Events,
        remembered: Remembered | None,
    ) -> None:
        """A page read by aggregate applied to each model of the group (the events of the
        classes it handles), its rows left to `remembered`."""
        types = {type(e) for _, e in events}
        for projection in group:
            handled = types.intersection(projection._handlers)
            if not handled:
                continue
            todo = [(pos, e) for pos, e in events if type(e) in handled]
            apply_to(tx, projection, NEXT, todo, remembered)

    def _finish_load(self, group: list[Projection], reached: dict[str, int]) -> None:
        """The loaded tables logged (`unlogged`) and given their other indexes
        (`index_after_load`), under the new tables' locks, before the swap takes the live
        ones'."""
        if not (self.index_after_load or self.unlogged):
            return
        with self.db.transaction() as tx:
            for projection in sorted(group, key=lambda p: p.name):
                lock(tx, projection.name + NEXT)
            still_ours(group, marks(tx), reached, self.rebuild_number)
            for projection in group:
                if self.unlogged:
                    set_logged(tx, projection, NEXT)
                if self.index_after_load:
                    create_indexes(tx, projection, NEXT)

    def _start_afresh(self, group: Sequence[Projection], shares: Iterable[str] = ()) -> None:
        """Empty new tables for the group, tracked from position 0 (resetting any other
        rebuild's, which then stops) under a number of this rebuild's own (`rebuild_number`,
        in their tracking rows' version: a rebuild's rows are never read for their shape's
        version; the swap gives the live ones theirs); and so are the models' `shares` (their
        tracking rows' names: `share_names`), a left-over share of an earlier rebuild gone."""
        number = self.rebuild_number = secrets.randbelow(1 << 62) + 1
        with self.db.transaction() as tx:
            # and the shares' (a share's batch in flight ends first), all in one order with
            # the batches' (lock_all of sorted names): never waiting for each other in a cycle
            lock_all(tx, sorted([*(p.name + NEXT for p in group), *share_locks(group)]))
            for projection in group:
                tx.execute(f"DELETE FROM {TRACKING} WHERE name LIKE ?", (projection.name + "/%",))
            for name in shares:
                tx.execute(
                    f"INSERT INTO {TRACKING} (name, position, version) VALUES (?, 0, ?)",
                    (name, number),
                )
            for projection in group:
                for table in projection.tables:
                    tx.execute(f"DROP TABLE IF EXISTS {table.name}{NEXT}")
                create_tables(
                    tx,
                    projection,
                    NEXT,
                    indexes=not self.index_after_load,
                    unlogged=self.unlogged,
                )
                tx.execute(f"DELETE FROM {TRACKING} WHERE name = ?", (projection.name + NEXT,))
                tx.execute(
                    f"INSERT INTO {TRACKING} (name, position, version) VALUES (?, 0, ?)",
                    (projection.name + NEXT, number),
                )

    def _remembered(self, group: list[Projection], limit: int | None = None) -> Remembered | None:
        """What the rebuild of `group` remembers of its new tables (created empty), up to
        `limit` rows (`remember_rows` unless told)."""
        limit = self.remember_rows if limit is None else limit
        if not limit:
            return None
        tables = [t.name for p in group for t in p.tables]
        return Remembered(tables, limit, self.verify_remembered, self.write_back)

    def _swap(
        self,
        group: list[Projection],
        reached: dict[str, int],
        remembered: Remembered | None = None,
    ) -> None:
        """Under the live and the new tables' locks: what was recorded since each model's
        load ended, applied; the new tables renamed into place, at their positions."""
        with self.db.transaction() as tx:
            for projection in sorted(group, key=lambda p: p.name):
                lock(tx, projection.name)
            for projection in sorted(group, key=lambda p: p.name):
                lock(tx, projection.name + NEXT)
            still_ours(group, marks(tx), reached, self.rebuild_number)
            position = min(reached.values())
            while True:  # what was recorded meanwhile, under the lock
                events = self._read(position, self.batch_size)
                if not events:
                    break
                # each model skips what it already applied (its position, read in _apply)
                self._apply(tx, group, NEXT, events, None, remembered)
                position = events[-1][0]
            final = marks(tx)
            for projection in group:
                for table in projection.tables:
                    tx.execute(f"DROP TABLE IF EXISTS {table.name}")
                    tx.execute(f"ALTER TABLE {table.name}{NEXT} RENAME TO {table.name}")
                tx.execute(
                    f"UPDATE {TRACKING} SET position = ?, version = ? WHERE name = ?",
                    (final[projection.name + NEXT], projection.version, projection.name),
                )
                tx.execute(f"DELETE FROM {TRACKING} WHERE name = ?", (projection.name + NEXT,))
                tx.execute(f"DELETE FROM {TRACKING} WHERE name LIKE ?", (projection.name + "/%",))

    def _record_subjects(self, shared: list[Projection], head: int) -> None:
        """Before a rebuild's load shares these models out by event class: the subjects they
        name (`Projection.record_subjects`), recorded into their new tables from the
        aggregates' first events up to `head`, in log order, so that each process finds the
        subject of any event it applies, whatever the order (issue 15 item 3). Written with
        COPY; what is remembered of them is bounded by `remember_subjects`."""
        log = by_aggregate(self.app)
        assert log is not None, "the store does not offer the aggregates' first events"
        wanted = set().union(*(p.subject_classes for p in shared))
        tables = {p.name: {t.name: (t, t.name + NEXT) for t in p.tables if t.key} for p in shared}
        remembered = Remembered(  # each subject is written once: none need be kept long
            [t for p in shared for t in tables[p.name]],
            max(1, min(self.remember_rows, self.remember_subjects)),
            write_back=True,
        )
        pages = read_first_events(log, self.app, head, self.batch_size, wanted)
        with collecting_less(self.gc_threshold):
            for events in pages:
                with self._still_ours(shared, 0) as tx:
                    for projection in shared:
                        batch = Batch(tx, tables[projection.name], remembered)
                        projection.record_subjects(events, batch)
                        batch.flush()
                        remembered.learn(batch)
        with self._still_ours(shared, 0) as tx:
            remembered.write_all(tx)


def _page(events: Events, after: int) -> Page:
    """Events read in order, all decoded, as a `Page`."""
    return Page(events, events[-1][0] if events else after, len(events))


def whole_aggregates(events: Events, after: tuple[UUID, int] | None) -> tuple[Events, Events]:
    """Events read by aggregate split into those of the aggregates whose events are all read,
    and those of the aggregate the page ended in (`after`), held back for the next page: a
    load by aggregate applies whole aggregates per batch (`Remembered.final`)."""
    if after is None:
        return events, []
    cut = len(events)
    while cut and events[cut - 1][1].originator_id == after[0]:
        cut -= 1
    return events[:cut], events[cut:]


class Phases:
    """Records into `into` the seconds since the last phase ended, under each phase's name."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into = into
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.into[name] = now - self.last
        self.last = now


@contextmanager
def collecting_less(threshold: int) -> Iterator[None]:
    """CPython's cyclic collector, for the duration, run every `threshold` allocations (not
    700) and blind to the objects that exist at the start (`gc.freeze`); as it was after."""
    if not threshold:
        yield
        return
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(threshold, before[1], before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def partition(group: list[Projection], parts: int) -> list[list[Projection]]:
    """The group in at most `parts` shares of about equal cost (`rebuild_weight`, measured by
    bench.rebuild), heaviest first into the lightest share; in the group's order within each."""
    parts = max(1, min(parts, len(group)))
    if parts == 1:
        return [group]
    shares: list[tuple[float, int, list[Projection]]] = [(0.0, i, []) for i in range(parts)]
    for projection in sorted(group, key=lambda p: -p.rebuild_weight):
        weight, i, share = heapq.heappop(shares)
        share.append(projection)
        heapq.heappush(shares, (weight + projection.rebuild_weight, i, share))
    order = {p.name: i for i, p in enumerate(group)}
    return [sorted(share, key=lambda p: order[p.name]) for _, _, share in sorted(shares)]


LOG_ORDER = "log"
AGGREGATE_ORDER = "aggregate"


BY_AGGREGATE_SHARE = "by-aggregate"
"""The name of a shareable model's share loaded with the log read by aggregate."""


class Share(NamedTuple):
    """A shareable model's share of its events in one process: their classes, and the name
    its tracking row is known by ("": the model's own; `tracked_name`)."""

    classes: frozenset[type]
    name: str = ""


NO_SHARE = Share(frozenset())


class Part(NamedTuple):
    """Read models loaded by one process, how it reads the log for them, and of the
    shareable ones, the share of their events it applies (by model name)."""

    models: list[Projection]
    by: str = LOG_ORDER
    shares: dict[str, Share] | None = None
    skipped: frozenset[type] = frozenset()
    """The classes of the events it leaves to the other parts: another part's models (or
    shares) handle them, and none of its own. Any other event it reads and decodes, so that
    an event nobody can read stops the rebuild (`reading.read_page`)."""


def share_locks(group: Iterable[Projection]) -> list[str]:
    """The tracking rows' names (and locks) of the shares the shareable models of the group
    may have: a rebuild starting afresh takes them as well as the models' own, so that a
    share's batch that found the new tables still its own has written and committed before
    they are dropped (found by an outside attack: a rebuild of the audit trail alone did
    not wait for the process by aggregate's batch, which then wrote its rows into the new
    rebuild's tables, duplicated)."""
    return sorted(share_tracked_as(p.name, BY_AGGREGATE_SHARE, NEXT) for p in group if p.shareable)


def share_names(part: Part) -> list[str]:
    """The tracking rows of the part's shares that have one of their own."""
    shares = (part.shares or {}).items()
    return [share_tracked_as(model, s.name, NEXT) for model, s in shares if s.name]


def tracked(part: Part) -> list[str]:
    """The tracking rows of the part's models (of a share with a name, the share's)."""
    shares = part.shares or {}
    return [share_tracked_as(p.name, shares.get(p.name, NO_SHARE).name, NEXT) for p in part.models]


def plan(group: list[Projection], processes: int, by_aggregate: bool) -> list[Part]:
    """How `processes` processes share the group's load: with the log by aggregate
    (`by_aggregate`: the store offers it) and more than one process, the models whose rows
    each belong to one aggregate (`Projection.aggregate_local`) are loaded by one process
    reading the log by aggregate, and the others by the rest (`partition`), reading it in
    order; otherwise every part reads it in order.

    A shareable model (`Projection.shareable`, e.g. the audit trail) is then shared out:
    the process by aggregate applies it to the events of the classes that no other model in
    log order needs, so that the processes in log order skip those events undecoded
    (`read_page`: 45 % of the province story's log, most of them of classes the process by
    aggregate decodes anyway), and to those its own models decode anyway (a unit's
    registration, its listings, removals: a sixth of the log, which the processes in log
    order decode too, for their models); they apply it to the rest. (Issue 15 item 3: in log
    order, decoding every event and the audit trail's and the supervision's handlers for
    each were most of the longer share. Leaving the process by aggregate only the classes it
    decoded anyway, a third of the log, its load of 1 M events took 24 s, the other's 34 s;
    with the classes no model in log order needs, 27 s and 31 s; on a faster machine
    27.6 s and 35.8 s, and with the classes both decode 31.2 s and 33.5 s.)"""
    local = [p for p in group if p.aggregate_local]
    others = [p for p in group if not p.aggregate_local]
    if processes < 2 or not by_aggregate or not local or not others:
        return [Part(models) for models in partition(group, processes)]
    needed = set().union(*(p._handlers for p in others if not p.shareable))
    decoded = set().union(*(p._handlers for p in local))
    mine = {
        p.name: Share(frozenset(p._handlers) - (needed - decoded), BY_AGGREGATE_SHARE)
        for p in others
        if p.shareable
    }
    mine = {name: share for name, share in mine.items() if share.classes}
    theirs = {
        p.name: Share(frozenset(p._handlers) - mine[p.name].classes)
        for p in others
        if p.name in mine
    }
    shared = [p for p in others if p.name in mine]
    everything = set().union(*(p._handlers for p in group))
    parts = [Part([*local, *shared], AGGREGATE_ORDER, mine or None)]
    for models in partition(others, processes - 1):
        own = {p.name: theirs[p.name] for p in models if p.name in theirs}
        parts.append(Part(models, LOG_ORDER, own or None))
    return [part._replace(skipped=frozenset(everything - handled(part))) for part in parts]


def handled(part: Part) -> set[type]:
    """The event classes the part's models (or their shares) handle."""
    shares = part.shares or {}
    return set().union(
        *(shares[p.name].classes if p.name in shares else p._handlers for p in part.models)
    )


PARENT_CHECK_SECONDS = 0.5
"""How often a rebuild's loading process looks whether the rebuild that started it lives."""


def stop_with_parent(parent: int) -> None:
    """In a rebuild's loading process, at its start: end it (exit status 70) once the process
    that started it is gone (found by an outside attack: the parent stopped by SIGTERM or
    SIGKILL, its loading processes went on to the end of the log and then waited for work
    forever, each holding a connection to PostgreSQL). A pool's worker never learns it from
    the pool: it holds both ends of the queue it waits on. An orphan is adopted by another
    process (init), so its parent's id changes."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(70)

    threading.Thread(target=watch, name="stop-with-parent", daemon=True).start()


def warm_up(workers: Workers | None) -> None:
    """In a rebuild's loading process, as soon as it starts: nothing but what receiving
    `workers` imports (the service's and the read models' modules)."""


def load_part(
    workers: Workers,
    names: list[str],
    head: int,
    by: str = LOG_ORDER,
    rebuild_number: int | None = None,
    shares: dict[str, Share] | None = None,
    skipped: frozenset[type] = frozenset(),
    remember_rows: int | None = None,
) -> tuple[int, int, dict[str, float]]:
    """In a spawned process: the named read models' new tables loaded from the whole log
    (their tables and tracking rows reset by the parent's `_start_afresh`, which numbered
    the rebuild), read in order or by aggregate (`by`), of a shared model its share of the
    events (`shares`; its subjects recorded by the parent, `_record_subjects`); and the
    tables it alone loaded made ready for the swap (`_finish_load`), while the others may
    still load (a shared model's, by the parent once all are loaded); (events read, last
    position, seconds taken by the load and the finish, `Rebuilding.phases`)."""
    runner = workers(names)
    runner.rebuild_number = rebuild_number
    runner.skipped = skipped
    if remember_rows is not None:  # the parent's (`greenlist projections rebuild --remember-rows`)
        runner.remember_rows = remember_rows
    try:
        group = list(runner.projections)
        shared = [p for p in group if p.name in (shares or {})]
        for projection in shared:
            share = (shares or {})[projection.name]
            projection.restrict(share.classes, share.name)
        if shared:
            read: dict[str, Any] = {}
            with runner.db.transaction() as tx:
                for projection in shared:
                    projection.use_recorded_subjects(tx, NEXT, read)
        if by == AGGREGATE_ORDER:
            limit = min(runner.remember_rows, runner.remember_rows_by_aggregate)
        else:
            limit = runner.remember_rows
        remembered = runner._remembered(group, limit)
        if remembered is not None:
            for projection in shared:
                remembered.share(*shared_tables(projection))
        started, cpu = time.perf_counter(), time.process_time()
        if by == AGGREGATE_ORDER:
            done, position = runner._load_by_aggregate(group, head, remembered)
        else:
            done, position = runner._load(group, head, remembered)
        loaded, used = time.perf_counter(), time.process_time()
        own = [p for p in group if p.name not in (shares or {})]
        runner._finish_load(own, dict.fromkeys((p.name for p in own), position))
        times = {
            f"load {by}": loaded - started,
            f"load {by} (CPU)": used - cpu,
            f"finish {by}": time.perf_counter() - loaded,
        }
        peak = own_peak_mb()
        if peak is not None:
            times[f"{PEAK} {by}"] = peak
        return done, position, times
    finally:
        workers.close(runner)


PEAK = "peak MB"
"""`load_part`'s times also hold its process's own peak (`own_peak_mb`), under this name."""


def own_peak_mb() -> float | None:
    """This process's peak resident memory, in MiB, of its own pages only: the kernel's
    high-water mark of its address space (`VmHWM`; None where there is no /proc). Not
    `getrusage`'s `ru_maxrss`: a spawned process's counts the address space it was forked
    from too (the kernel keeps the larger at `exec`), so a loading process seemed as large as
    the process that started it (issue 15 item 3: 103 MB for loading processes of 101 MB)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def shared_tables(projection: Projection) -> tuple[list[str], list[str]]:
    """A shareable model's tables that its other shares write too: its counters (every
    column but the key's a "count"), and the others with a key (its subjects, written
    before the load); its tables without a key are only appended to, by each."""
    deltas: list[str] = []
    before: list[str] = []
    for table in projection.tables:
        if not table.key:
            continue
        rest = set(table.column_names) - set(table.key)
        (deltas if rest and rest <= table.counters else before).append(table.name)
    return deltas, before
