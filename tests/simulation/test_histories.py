"""Generated histories (simulation.histories): the province story written through the bulk
writer, a plug-in of the service's `AggregateStore` port, is the history the service decided,
in the log's time order, with its timeline; the same seed gives the same history; a history
goes into an empty store only. (The demo story: tests/application/test_demo_history.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.aggregates.unit import Unit
from domain.errors import AlreadyExists
from domain.service.base import AggregateStore, StoredAggregates
from domain.values import UnitKind, micros
from greenlist.config import build_service
from simulation import histories
from simulation.bulk import BulkWriter
from simulation.scenarios import city_actor, log_size

SMALL = {"units": 150, "last_year": 2026, "seed": 7}


def test_the_province_is_written_in_time_order_as_the_service_decided_it(store_url: str) -> None:
    with histories.opened(store_url, "province", **SMALL) as (app, generated):
        store = app.aggregate_store
        assert isinstance(store, BulkWriter) and not store.kept  # every event written
        assert generated.refused == {} and 140 <= generated.units <= 150 < generated.acts
        assert generated.events == store.written == log_size(app) > 1000
        notes = app.recorder.select_notifications(start=None, limit=10**6)
        instants = [app.mapper.to_domain_event(n).timestamp for n in notes]
        assert instants == sorted(instants)
        units = [a for a in store.aggregates.values() if isinstance(a, Unit)]
        assert {UnitKind(u.kind) for u in units} == set(UnitKind)
        for unit in units[::10]:  # the store holds what the service decided in memory
            stored = app.get_unit(unit.credit_code)
            assert (stored.version, stored.name) == (unit.version, unit.name)
            events = list(app.events.get(unit.id))
            timeline = app.recorder.version_at
            for event in events:  # the last version recorded by then (one act, several events)
                then = max(e.originator_version for e in events if e.timestamp <= event.timestamp)
                assert timeline(unit.id, micros(event.timestamp)) == then
            before = events[0].timestamp - timedelta(microseconds=1)
            assert timeline(unit.id, micros(before)) == 0


@pytest.mark.stores("memory")
def test_the_same_seed_gives_the_same_province(store_url: str) -> None:
    def history(seed: int) -> list[tuple[str, int, object]]:
        with histories.opened("memory://", "province", units=60, last_year=2025, seed=seed) as (
            app,
            _,
        ):
            notes = app.recorder.select_notifications(start=None, limit=10**6)
            return [
                (n.topic, n.originator_version, app.mapper.to_domain_event(n).timestamp)
                for n in notes
            ]

    first = history(3)
    assert history(3) == first
    assert history(4) != first


@pytest.mark.stores("memory", "sqlite")
def test_a_history_goes_into_an_empty_store_only(store_url: str) -> None:
    generated = histories.generate(store_url, "province", units=40, last_year=2025, seed=1)
    assert generated.info().keys() == {
        "units", "last_year", "seed", "events", "acts", "refused", "seconds", "write_seconds",
    }  # fmt: skip
    if store_url != "memory://":  # (an in-memory store is gone once closed)
        with pytest.raises(histories.StoreNotEmpty):
            histories.generate(store_url, "province", units=40, last_year=2025, seed=1)
    with pytest.raises(ValueError, match="fixed size"):
        histories.generate(store_url, "demo", units=500)
    with pytest.raises(ValueError, match="unknown story"):
        histories.generate(store_url, "city")


@pytest.mark.stores("memory")
def test_the_bulk_writer_refuses_as_the_store_does_and_keeps_nothing_of_a_refusal(
    store_url: str,
) -> None:
    """A second registration of a credit code is `AlreadyExists` through either plug-in of the
    port, and leaves nothing pending in memory."""
    with histories.opened(store_url, "province", units=20, last_year=2025, seed=2) as (app, _):
        store = app.aggregate_store
        assert isinstance(store, BulkWriter)
        code = next(a for a in store.aggregates.values() if isinstance(a, Unit)).credit_code
        held = len(store.aggregates)
        with pytest.raises(AlreadyExists):
            app.register_unit(city_actor(code[2:6] + "00"), code, UnitKind.FACTORY, "同名")
        assert len(store.aggregates) == held and not store.kept and not store.dirty()


def test_the_service_loads_and_writes_through_the_event_store_unless_told(
    store_url: str,
) -> None:
    app = build_service(store_url)
    try:
        assert isinstance(app.aggregate_store, StoredAggregates)
        assert isinstance(app.aggregate_store, AggregateStore)
    finally:
        app.close()
