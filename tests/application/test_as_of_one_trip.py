"""M21 as-of reads by recorded time in one round trip on PostgreSQL (issue 15 item 4): the
timeline index, the nearest snapshot and the events after it come from one statement, and the
unit read is the one the three separate reads give, at every instant of its history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.schemas.common import plain_of
from domain.clock import SettableClock
from domain.errors import NotFound
from domain.service import Greenlist
from domain.service.base import fold
from domain.service.ports import RecordedStream
from domain.service.views import UnitView
from domain.values import UnitKind
from simulation import scenarios as s

pytestmark = pytest.mark.stores("postgres")


def history(app: Greenlist, clock: SettableClock, code: str) -> list[datetime]:
    """A park of 24 events (snapshots at 10 and 20), the instant after each act."""
    clock.set(datetime(2025, 1, 2, tzinfo=UTC))
    actor = s.city_actor(code[2:6] + "00")
    app.register_unit(actor, code, UnitKind.PARK, "示范园区管理委员会")
    instants = [clock.now()]
    for i in range(23):
        clock.set(clock.now() + timedelta(hours=1))
        members = sorted({s.credit_code(10_000 + i % 7), s.credit_code(20_000 + i % 5)})
        app.declare_park_members(actor, code, members)
        instants.append(clock.now())
    return instants


def test_an_as_of_read_is_one_round_trip_and_reads_what_three_read(
    app: Greenlist, clock: SettableClock
) -> None:
    service: Any = app.unwrapped  # type: ignore[attr-defined]
    assert isinstance(service.recorder, RecordedStream)
    code = s.credit_code(601)
    instants = history(app, clock, code)
    uid = service.get_unit(code).id
    calls: dict[str, int] = {}
    for obj, name in (
        (service.recorder, "version_at"),
        (service.recorder, "select_events"),
        (service.snapshots.recorder, "select_events"),
        (service.recorder, "stream_recorded_by"),
    ):
        original = getattr(obj, name)

        def counted(*args: Any, _name: str = name, _f: Any = original, **kw: Any) -> Any:
            calls[_name] = calls.get(_name, 0) + 1
            return _f(*args, **kw)

        setattr(obj, name, counted)
    for at in instants:
        calls.clear()
        read = service.unit_as_of(code, at)
        assert calls == {"stream_recorded_by": 1}
        version = service._version_recorded_by(uid, at)
        apart = service.store_reader.get(uid, version=version, projector_func=fold)
        assert plain_of(read) == plain_of(UnitView.of(apart))
    with pytest.raises(NotFound):
        service.unit_as_of(code, instants[0] - timedelta(days=1))
