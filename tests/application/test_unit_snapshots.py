"""A store written before issue 11, with a unit's snapshot of class_version 1 (its state in
dicts), is read and acted on as before, on every store: the snapshot is upcast by the Unit
(eventsourcing's class_version mechanism), never patched (tests/snapshots_v1.py)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from api.schemas.common import plain
from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import Level, micros
from simulation import scenarios as s
from tests.snapshots_v1 import WITH_EVENTS, legacy_marked, snapshots, stored_events

OLD = {o.version: o for o in snapshots() if o.code == WITH_EVENTS}


def shown(view: object) -> object:
    return plain(asdict(view))  # type: ignore[call-overload]


def test_a_unit_with_an_old_snapshot_reads_and_acts_as_before(
    app: Greenlist, clock: SettableClock
) -> None:
    service = app.unwrapped  # type: ignore[attr-defined]
    events = stored_events()
    recorded = [service.mapper.to_domain_event(e).timestamp for e in events]
    uid = events[0].originator_id
    service.recorder.insert_events(
        events,
        timeline=[
            (uid, e.originator_version, micros(at)) for e, at in zip(events, recorded, strict=True)
        ],
    )
    under_notice = OLD[20]  # two objections pending: their ids, order and state
    service.snapshots.recorder.insert_events([under_notice.stored])

    assert shown(service.get_unit(WITH_EVENTS)) == legacy_marked(OLD[31].view)
    for version in (20, 23):  # (28 to 31 were recorded by one act, at one instant)
        as_of = service.unit_as_of(WITH_EVENTS, recorded[version - 1])
        assert shown(as_of) == legacy_marked(OLD[version].view), version

    clock.set(s.at(date(2030, 3, 7)))
    app.record_rereview(s.city_actor("330100"), WITH_EVENTS, Level.PROVINCIAL, True)
    standing = service.get_unit(WITH_EVENTS).standing[Level.PROVINCIAL.value]
    assert standing["last_rereview"] == date(2030, 3, 7)
    assert standing["pending_removal"] == ["A17.5", "A19.1"]
