"""Every stored event gets its leaf in the same transaction, numbered in log order (issue 10
item 1): the leaf is the RFC 6962 hash of the event as stored, nothing derived can change it,
and a store written before the leaves existed gets them once, in order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from auditlog.offline import event_leaf_hash
from domain.clock import SettableClock
from domain.service import Greenlist
from greenlist.adapters.stores import LeafStore
from greenlist.config import build_service
from simulation import scenarios as s


def leaves(app: Greenlist) -> LeafStore:
    return cast(LeafStore, app.recorder)


def recompute(app: Greenlist) -> list[bytes]:
    """The leaf of every stored event, recomputed from its row, in log order."""
    notifications = app.recorder.select_notifications(start=None, limit=10**6)
    return [
        event_leaf_hash(n.id, n.originator_id, n.originator_version, n.topic, n.state)
        for n in notifications
    ]


def test_each_event_has_its_leaf_in_log_order(app: Greenlist) -> None:
    s.list_provincially(app, s.credit_code(1))
    store = leaves(app)
    events = app.recorder.select_notifications(start=None, limit=10**6)
    assert store.leaf_count() == len(events) > 10
    stored = store.select_leaves(0, 10**6)
    assert [leaf.index for leaf in stored] == list(range(len(events)))
    assert [leaf.position for leaf in stored] == [n.id for n in events]
    assert [leaf.hash for leaf in stored] == recompute(app)
    assert list(store.leaf_hashes(3, 7)) == [leaf.hash for leaf in stored[3:7]]
    last = events[-1].id
    assert store.leaves_up_to(last) == len(events)
    assert store.leaves_up_to(events[4].id) == 5
    assert store.leaves_up_to(0) == 0
    found = store.leaf_at_position(events[4].id)
    assert found is not None and found.index == 4
    assert store.leaf_at_position(last + 1000) is None


def test_a_refused_save_leaves_no_leaf(app: Greenlist) -> None:
    s.register_and_cultivate(app, s.credit_code(2))
    before = leaves(app).leaf_count()
    event = app.recorder.select_notifications(start=None, limit=1)[0]
    duplicate = StoredEvent(event.originator_id, event.originator_version, event.topic, b"{}")
    with pytest.raises(IntegrityError):
        app.recorder.insert_events([duplicate])
    assert leaves(app).leaf_count() == before
    assert [leaf.hash for leaf in leaves(app).select_leaves(0, 10**6)] == recompute(app)


def test_leaves_written_by_raw_inserts_in_one_batch_are_consecutive(app: Greenlist) -> None:
    oid = uuid4()
    batch: Sequence[Any] = [StoredEvent(oid, v, "tests:Raw", b"x" * v) for v in range(1, 6)]
    ids = app.recorder.insert_events(batch)
    assert ids is not None
    got = leaves(app).select_leaves(0, 10**6)
    assert [leaf.position for leaf in got[-5:]] == list(ids)
    assert [leaf.index for leaf in got] == list(range(len(got)))


@pytest.mark.stores("sqlite", "postgres")
def test_a_store_from_before_the_leaves_gets_them_once_in_order(
    app: Greenlist, store_url: str, clock: SettableClock
) -> None:
    s.list_provincially(app, s.credit_code(3))
    expected = [leaf.hash for leaf in leaves(app).select_leaves(0, 10**6)]
    _drop_all_leaves(app)
    assert leaves(app).leaf_count() == 0
    again = build_service(store_url, clock)
    try:
        assert [leaf.hash for leaf in leaves(again).select_leaves(0, 10**6)] == expected
    finally:
        again.close()


def _drop_all_leaves(app: Greenlist) -> None:
    recorder: Any = app.recorder
    if hasattr(recorder, "leaves_table"):
        with recorder.datastore.transaction(commit=True) as curs:
            curs.execute(f'DELETE FROM "{recorder.datastore.schema}"."{recorder.leaves_table}"')
    else:
        with recorder.datastore.transaction(commit=True) as c:
            c.execute("DELETE FROM greenlist_leaves")


def test_history_and_decisions_name_their_log_position(app: Greenlist) -> None:
    code = s.credit_code(4)
    s.list_provincially(app, code)
    history = app.unit_history(code)
    assert all(view.position is not None for view in history)
    for view in history:
        assert view.position is not None
        leaf = leaves(app).leaf_at_position(view.position)
        assert leaf is not None
    events = app.recorder.select_notifications(start=None, limit=10**6)
    by_position = {n.id: n for n in events}
    for view in history:
        assert view.position is not None
        assert by_position[view.position].originator_version == view.version
    decision = app.explain_decision(code, history[-1].version)
    assert decision.event.position == history[-1].position
