"""The Unit reads a snapshot of class_version 1 (its state in dicts, before issue 11) through
eventsourcing's `upcast_v1_v2`: the typed state it gets is the one its events give, and reads
show what they showed then (tests/snapshots_v1.py). Its own snapshots (class_version 3) store
the typed state under tags and come back equal; one of class_version 2, taken before units were
listed from record files (issue 15), reads with none (`upcast_v2_v3`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import pytest
from eventsourcing.domain import Snapshot

from api.schemas.common import plain
from domain.aggregates.unit import Unit
from domain.clock import SettableClock
from domain.rules.stages import Stage
from domain.service import Greenlist
from domain.service.base import fold
from domain.service.views import UnitView
from greenlist.config import build_service
from tests.snapshots_v1 import WITH_EVENTS, OldSnapshot, legacy_marked, snapshots, stored_events

OLD = snapshots()


@pytest.fixture(scope="module")
def app() -> Iterator[Greenlist]:
    """The service only for its mapper: how it decodes what a store holds."""
    service = build_service("memory://", SettableClock(datetime(2031, 1, 1, tzinfo=UTC)))
    yield service
    service.close()


def restored(app: Greenlist, old: OldSnapshot) -> Unit:
    snapshot = app.mapper.to_domain_event(old.stored)
    assert isinstance(snapshot, Snapshot) and snapshot.topic == "domain.aggregates.unit:Unit"
    unit = snapshot.mutate(None)
    assert isinstance(unit, Unit)
    return unit


def folded(app: Greenlist, version: int) -> Unit:
    events = [app.mapper.to_domain_event(e) for e in stored_events()][:version]
    unit = fold(None, events)
    assert isinstance(unit, Unit)
    return unit


def state(unit: Unit) -> dict[str, Any]:
    return {k: v for k, v in vars(unit).items() if k != "_pending_events"}


def shown(unit: Unit) -> Any:
    return plain(asdict(UnitView.of(unit)))


def old_view(app: Greenlist, old: OldSnapshot) -> Any:
    """What the old code showed: its dicts as they were (UnitView.of copied them)."""
    data = app.mapper.transcoder.decode(old.stored.state)["state"]
    copied = ("credit_code", "kind", "name", "names", "city", "members", "standing")
    return plain(
        {"id": old.unit_id, "version": old.version}
        | {k: data[k] for k in copied}
        | {k: data[k] for k in ("negatives", "reports", "forms", "pools")}
        | {"modified_on": data["_modified_on"]}
    )


def test_the_fixture_holds_every_shape_of_the_old_state() -> None:
    """Every stage and every member of the old dicts appears in some snapshot."""
    states = [json.loads(o.stored.state)["state"] for o in OLD]
    assert all("class_version" not in s for s in states)
    stages = {lvl["status"] for s in states for lvl in s["standing"].values()}
    newer = {Stage.RECOMMENDED.value, Stage.NOT_LISTED.value}  # A16.3, after these snapshots
    assert stages == {stage.value for stage in Stage} - newer
    members = {k for s in states for lvl in s["standing"].values() for k in lvl}
    assert members == {
        *("status", "year", "round_id", "expert_score", "last_day", "objections"),
        *("listed_on", "listed_name", "pending_removal", "removed_on"),
        *("last_rereview", "rereview_fell_due"),
    }
    assert {v for s in states for v in s["forms"].values()} == {"submitted", "late", "overdue"}
    assert {"lapsed_on"} <= {k for s in states for r in s["negatives"].values() for k in r}
    assert {c["status"] for s in states for c in s["changes"].values()} >= {"declared", "confirmed"}
    assert {None} < {v for s in states for v in s["complaints"].values()}


@pytest.mark.parametrize("old", OLD, ids=lambda o: f"{o.code}@{o.version}")
def test_an_old_snapshot_is_read_as_it_was_shown(app: Greenlist, old: OldSnapshot) -> None:
    unit = restored(app, old)
    assert (unit.id, unit.version) == (old.unit_id, old.version)
    assert shown(unit) == legacy_marked(old_view(app, old))
    if old.view is not None:
        assert shown(unit) == legacy_marked(old.view)


@pytest.mark.parametrize("old", [o for o in OLD if o.code == WITH_EVENTS], ids=lambda o: o.version)
def test_an_old_snapshot_gives_the_state_its_events_give(app: Greenlist, old: OldSnapshot) -> None:
    """Typed members, equal to a fold of the events up to it; the later events apply on it."""
    unit = restored(app, old)
    assert state(unit) == state(folded(app, old.version))
    events = [app.mapper.to_domain_event(e) for e in stored_events()]
    assert state(fold(unit, events[old.version :])) == state(folded(app, len(events)))


@pytest.mark.parametrize("old", OLD, ids=lambda o: f"{o.code}@{o.version}")
def test_a_snapshot_of_today_stores_the_typed_state_and_reads_it_back(
    app: Greenlist, old: OldSnapshot
) -> None:
    unit = restored(app, old)
    stored = app.mapper.to_stored_event(Snapshot.take(unit))
    taken = json.loads(stored.state)["state"]
    assert taken["class_version"] == 3
    assert taken["standing"]["_type_"] == "unit_standings"
    again = app.mapper.to_domain_event(stored).mutate(None)
    assert state(again) == state(unit)


@pytest.mark.parametrize("old", OLD[:3], ids=lambda o: f"{o.code}@{o.version}")
def test_a_snapshot_of_class_version_2_reads_with_no_record_rows(
    app: Greenlist, old: OldSnapshot
) -> None:
    """Issue 15: a snapshot taken before `record_rows` was kept (class_version 2) reads as
    the unit it was, listed from no record file."""
    unit = restored(app, old)
    stored = app.mapper.to_stored_event(Snapshot.take(unit))
    data = json.loads(stored.state)
    del data["state"]["record_rows"]
    data["state"]["class_version"] = 2
    stored = type(stored)(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(data).encode(),
    )
    again = app.mapper.to_domain_event(stored).mutate(None)
    assert isinstance(again, Unit) and again.record_rows == {}
    assert state(again) == state(unit)
