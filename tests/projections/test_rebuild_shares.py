"""A rebuild shares the shareable read models (the audit trail, the supervision) out by event
class between its processes (issue 15 item 3, engine.rebuilding.plan): their subjects are
recorded first, from the aggregates' first events; each process applies its share of their
events, in its own order (by aggregate, or in log order leaving out, on the server, the events
none of its models handle), adding to counters the other adds to as well; the rows are those
of a catch-up, whatever the split."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest

from domain.clock import SettableClock
from domain.errors import UndecodableEvent
from domain.service import Greenlist
from greenlist.runtime import read_side
from projections.catalogue import all_projections
from projections.engine.batch import Batch
from projections.engine.checksum import table_checksums
from projections.engine.db import Db
from projections.engine.projection import Table, columns
from projections.engine.reading import read_first_events, read_page
from projections.engine.rebuilding import (
    AGGREGATE_ORDER,
    Part,
    Share,
    handled,
    load_part,
    plan,
    share_names,
)
from projections.engine.remembered import Remembered
from projections.engine.runner import NEXT, TRACKING, RebuildSuperseded, Runner
from projections.engine.tracking import lock_all
from projections.subjects import Subjects, SubjectsShared
from simulation import scenarios as s
from tests.projections.test_crash_safety import record_history
from tests.projections.test_rebuild_by_aggregate import history_past_the_head


class InProcess:
    """The loading processes' runners, built here (`Workers`), remembering few rows so that
    they forget, write and add to counters mid-way."""

    def __init__(self, app: Greenlist, views: Db, page_bytes: int | None = None) -> None:
        self.app, self.views, self.page_bytes = app, views, page_bytes

    def __call__(self, names: Sequence[str]) -> Runner:
        runner = Runner(self.app, self.views, [p for p in all_projections() if p.name in names])
        runner.batch_size = 9
        runner.remember_rows = 40
        runner.remember_rows_by_aggregate = 25
        if self.page_bytes is not None:
            runner.page_bytes = self.page_bytes
        return runner

    def close(self, runner: Runner) -> None:
        pass


def split_by_name(parts: list[Part]) -> list[Part]:
    """The plan's parts with the shareable models split another way: alternate classes by
    name, whatever each process decodes anyway."""
    first, second = parts
    shares = {}
    for name, mine in (first.shares or {}).items():
        every = sorted(mine.classes | (second.shares or {})[name].classes, key=lambda c: c.__name__)
        shares[name] = (frozenset(every[::2]), frozenset(every[1::2]))
    first = first._replace(shares={n: Share(a, "by-aggregate") for n, (a, _) in shares.items()})
    second = second._replace(shares={n: Share(b) for n, (_, b) in shares.items()})
    everything = set().union(*(p._handlers for p in all_projections()))
    return [
        part._replace(skipped=frozenset(everything - handled(part))) for part in (first, second)
    ]


def load_shared(parent: Runner, parts: list[Part], workers: InProcess) -> int:
    """A rebuild as `Rebuilding.rebuild` in processes does it, the parts loaded here, in
    reverse order; two units recorded after the head are applied at the swap."""
    models = parent.projections
    parent._start_afresh(models, [n for part in parts for n in share_names(part)])
    head = parent.head()
    parent._record_subjects([p for p in models if p.shareable], head)
    for i in range(2):
        s.register_and_cultivate(parent.app, s.credit_code(9400 + i))
    reached: dict[str, int] = {}
    for part in reversed(parts):
        names = [p.name for p in part.models]
        number = parent.rebuild_number
        _, position, _ = load_part(workers, names, head, part.by, number, part.shares, part.skipped)
        reached.update(dict.fromkeys(names, position))
    parent._finish_load([p for p in models if p.shareable], reached)
    parent._swap(models, reached)
    return head


@pytest.mark.stores("postgres")
@pytest.mark.parametrize("split", ["planned", "by name"])
@pytest.mark.parametrize(
    ("kept_subjects", "page_bytes"), [(Subjects.RECORDED_KEEP, None), (3, None), (3, 1)]
)
def test_the_shared_models_loaded_in_shares_have_the_rows_of_a_catch_up(
    app: Greenlist,
    clock: SettableClock,
    views: Db,
    split: str,
    kept_subjects: int,
    page_bytes: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Also with three subjects kept in memory by each loading process, the others found in
    its spill (`Subjects.use_recorded`); and with the pages in log order cut at one byte, one
    event decoded per batch (`Rebuilding.page_bytes`)."""
    monkeypatch.setattr(Subjects, "RECORDED_KEEP", kept_subjects)
    monkeypatch.setattr(Subjects, "READ_CHUNK", 4)
    record_history(app, clock, listed=20, more=6)
    for i in range(3):  # the log ends with events only the process by aggregate applies
        s.register_and_cultivate(app, s.credit_code(9300 + i))
    parent = Runner(app, views, all_projections())
    parent.remember_subjects = 7  # the subjects forgotten (written) as they are recorded
    parts = plan(parent.projections, 2, by_aggregate=True)
    assert parts[0].by == AGGREGATE_ORDER and all(p.shares for p in parts)
    load_shared(
        parent,
        parts if split == "planned" else split_by_name(parts),
        InProcess(app, views, page_bytes),
    )
    rebuilt = table_checksums(views, parent.projections)
    kept = [len(p.subjects._known) for p in parent.projections if isinstance(p, SubjectsShared)]
    assert kept and max(kept) <= kept_subjects + 2  # (the two units recorded after the head)
    assert not [r for r in views.query(f"SELECT name FROM {TRACKING}") if "/" in r["name"]]
    Runner(app, views, all_projections()).rebuild()  # one process, in log order
    assert rebuilt == table_checksums(views, parent.projections)
    assert views.query("SELECT count(*) AS n FROM audit_trail")[0]["n"] == parent.head()


@pytest.mark.stores("postgres")
def test_a_share_stops_when_another_rebuild_starts(
    app: Greenlist, clock: SettableClock, views: Db
) -> None:
    """The process by aggregate tracks its share of the audit trail under a row of its own
    ("audit/by-aggregate__next"): a rebuild started meanwhile removes it (or numbers it
    anew), and the share stops."""
    record_history(app, clock, listed=20, more=2)
    parent = Runner(app, views, all_projections())
    parts = plan(parent.projections, 2, by_aggregate=True)
    parent._start_afresh(parent.projections, [n for part in parts for n in share_names(part)])
    head = parent.head()
    parent._record_subjects([p for p in parent.projections if p.shareable], head)
    found = {r["name"] for r in views.query(f"SELECT name FROM {TRACKING}")}
    assert {"audit/by-aggregate" + NEXT, "supervision/by-aggregate" + NEXT} <= found
    Runner(app, views, all_projections())._start_afresh(all_projections())  # no shares
    part = parts[0]
    names = [p.name for p in part.models]
    with pytest.raises(RebuildSuperseded):
        load_part(
            InProcess(app, views),
            names,
            head,
            part.by,
            parent.rebuild_number,
            part.shares,
            part.skipped,
        )
    assert not [r for r in views.query(f"SELECT name FROM {TRACKING}") if "/" in r["name"]]


@pytest.mark.stores("postgres")
def test_a_share_left_by_a_stopped_rebuild_is_gone_after_the_next(
    app: Greenlist, clock: SettableClock, views: Db
) -> None:
    record_history(app, clock, listed=20, more=2)
    runner = Runner(app, views, all_projections())
    with views.transaction() as tx:
        tx.execute(
            f"INSERT INTO {TRACKING} (name, position, version) VALUES (?, -5, 7)",
            ("audit/by-aggregate" + NEXT,),
        )
    runner.rebuild()
    assert not [r for r in views.query(f"SELECT name FROM {TRACKING}") if "/" in r["name"]]


@pytest.mark.stores("postgres")
def test_the_store_leaves_out_the_topics_a_process_skips_and_gives_the_first_events(
    app: Greenlist, clock: SettableClock
) -> None:
    log, head, everything = history_past_the_head(app, clock)
    decoded = [(n.id, app.mapper.to_domain_event(n)) for n in everything]
    kinds = Counter(type(e) for _, e in decoded)
    common = {cls for cls, _ in kinds.most_common(3)}
    wanted = set(kinds) - common
    pages, after = [], 0
    while True:
        page = read_page(app, after, 11, wanted, head, common)
        if not page.read:
            break
        assert page.read == len(page.events) <= 11  # the others not even sent
        pages += page.events
        after = page.last
    expected = [(p, e) for p, e in decoded if p <= head and type(e) in wanted]
    assert [(p, type(e)) for p, e in pages] == [(p, type(e)) for p, e in expected]
    assert log.count_events(head) == sum(1 for n in everything if n.id <= head)
    firsts: list[tuple[int, Any]] = []
    for events in read_first_events(log, app, head, 7, set(kinds)):
        assert len(events) <= 7
        firsts += events
    assert firsts == [(p, e) for p, e in decoded if p <= head and e.originator_version == 1]


@pytest.mark.stores("sqlite", "postgres")
@pytest.mark.parametrize(
    ("limit", "kept", "verify"), [(4, 10_000, False), (4, 10_000, True), (100, 2, True)]
)
def test_counters_two_processes_add_to_are_added_not_written(
    views: Db, monkeypatch: pytest.MonkeyPatch, limit: int, kept: int, verify: bool
) -> None:
    """A shared model's counters (`Remembered.share`): what each process remembers is what
    it adds, written by adding it to the table's, when forgotten (beyond the limit, or
    beyond `DELTAS_KEPT` of them) and at the end; the table then holds the sum of both
    processes' bumps. A counter forgotten is known at zero again, also to the tests'
    check of remembered rows against the table (found by an outside attack: it took the
    zero for a row missing)."""
    monkeypatch.setattr(Remembered, "DELTAS_KEPT", kept)
    counted = Table("c", columns("k v:count w:count"), key=("k",))
    with views.transaction() as tx:
        for statement in counted.ddl(tx.dialect, "c_shared", "c_shared"):
            tx.execute(statement)
    processes = [Remembered(["c"], limit, verify, write_back=True) for _ in range(2)]
    expected: Counter[str] = Counter()
    for remembered in processes:
        remembered.share(["c"], [])
    for round_ in range(6):
        for n, remembered in enumerate(processes):
            with views.transaction() as tx:
                batch = Batch(tx, {"c": (counted, "c_shared")}, remembered)
                for i in range(round_, round_ + 5 + n):
                    key = f"k{(i * (n + 1)) % 11}"
                    batch.bump("c", {"k": key}, v=1, w=n)
                    expected[key + ":v"] += 1
                    expected[key + ":w"] += n
                batch.flush()
                remembered.learn(batch)
    assert all(not r.forgotten for r in processes)  # nothing to read back: only deltas
    for remembered in processes:
        with views.transaction() as tx:
            remembered.write_all(tx)
    rows = views.query("SELECT * FROM c_shared")
    stored = Counter({f"{r['k']}:{c}": int(r[c]) for r in rows for c in ("v", "w")})
    assert +stored == +expected


@pytest.mark.stores("postgres")
def test_a_rebuild_starting_afresh_waits_for_a_share_s_batch_in_flight(
    app: Greenlist, clock: SettableClock, views: Db
) -> None:
    """Found by an outside attack: a rebuild of the audit trail alone, started while the
    process by aggregate of an earlier rebuild was in a batch (its lock taken, the new tables
    found its own), dropped and created the new tables without waiting; the batch then wrote
    into the later rebuild's tables, whose swap put duplicated rows live."""
    record_history(app, clock, listed=20, more=2)
    audit = [p for p in all_projections() if p.name == "audit"]
    started = threading.Event()
    with views.transaction() as batch:  # a share's batch in flight
        lock_all(batch, ["audit/by-aggregate" + NEXT])
        later = threading.Thread(
            target=lambda: (Runner(app, views, audit)._start_afresh(audit), started.set())
        )
        later.start()
        assert not started.wait(0.5)  # waits for the batch
    later.join(timeout=10)
    assert started.is_set()


@pytest.mark.stores("postgres")
@pytest.mark.parametrize("topic", ["domain.values:UnitKind", "domain.events.unit:NoSuchEvent"])
def test_an_event_no_process_can_read_stops_a_rebuild_in_processes(
    app: Greenlist, clock: SettableClock, views: Db, store_url: str, topic: str
) -> None:
    """Found by an outside attack: an event whose topic names a class that is no event was
    skipped by every loading process (each decodes only what its models handle), and the
    rebuild swapped in tables past it. Each process now decodes every event no other
    process decodes: the rebuild stops, as in one process, and the live tables stay."""
    record_history(app, clock, listed=20, more=2)
    Runner(app, views, all_projections()).catch_up()
    before = table_checksums(views, all_projections())
    record_undecodable(views, topic)
    side = read_side(app, store_url)
    try:
        side.runner.processes = 2
        with pytest.raises(UndecodableEvent):
            side.runner.rebuild()
    finally:
        side.close()
    assert table_checksums(views, all_projections()) == before


def record_undecodable(views: Db, topic: str) -> None:
    """An event of the log's last aggregate recorded at its end under `topic` (which names no
    event class), as if written by other code."""
    last = views.query(
        "SELECT originator_id, originator_version, state FROM greenlist_events "
        "ORDER BY notification_id DESC LIMIT 1"
    )[0]
    with views.transaction() as tx:
        tx.execute(
            "INSERT INTO greenlist_events (originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?)",
            (last["originator_id"], last["originator_version"] + 1, topic, last["state"]),
        )
