"""What the system knew about a unit at any past instant (by recorded time)."""

from datetime import UTC, date, datetime

import pytest

from domain.clock import SettableClock
from domain.errors import NotFound
from domain.service import Greenlist
from domain.values import Level, UnitKind
from simulation import scenarios as s


def instant(month: int, day: int) -> datetime:
    return datetime(2025, month, day, tzinfo=UTC)


def test_a_renamed_then_removed_unit_read_as_of_three_instants(
    app: Greenlist, clock: SettableClock
) -> None:
    code = s.credit_code(7)
    s.list_provincially(app, code)
    old_name = app.get_unit(code).name

    clock.set(instant(10, 2))
    change = app.declare_change(
        s.enterprise_actor(code), code, "name", "更名", new_name="绿色新材料有限公司"
    )
    app.recheck_change(s.city_actor(), code, change.details["change_id"], True, True)
    clock.set(instant(11, 1))
    s.major_accident(app, code, date(2025, 10, 30))

    before_rename = app.unit_as_of(code, instant(10, 1))
    after_rename = app.unit_as_of(code, instant(10, 15))
    after_removal = app.unit_as_of(code, instant(12, 1))

    assert (before_rename.name, before_rename.status(Level.PROVINCIAL)) == (old_name, "listed")
    assert (after_rename.name, after_rename.status(Level.PROVINCIAL)) == (
        "绿色新材料有限公司",
        "listed",
    )
    assert after_removal.status(Level.PROVINCIAL) == "removed"
    assert after_removal.status(Level.MUNICIPAL) == "removed"
    assert before_rename.version < after_rename.version < after_removal.version
    assert after_removal.version == app.get_unit(code).version


def test_before_its_registration_a_unit_is_not_found(app: Greenlist, clock: SettableClock) -> None:
    clock.set(instant(3, 1))
    code = s.credit_code(8)
    s.register_and_cultivate(app, code)
    with pytest.raises(NotFound):
        app.unit_as_of(code, instant(2, 28))


def test_as_of_follows_recorded_time_not_the_stated_world_time(
    app: Greenlist, clock: SettableClock
) -> None:
    """A record entered late (occurred in March, recorded in June) was not known in April."""
    clock.set(instant(1, 5))
    code = s.credit_code(9)
    s.register_and_cultivate(app, code)
    clock.set(instant(6, 1))
    app.record_negative_record(
        s.city_actor(), code, "A17.2", date(2025, 3, 1), "信用中国", "环境污染事故"
    )
    assert app.unit_as_of(code, instant(4, 1)).negatives == {}
    assert len(app.unit_as_of(code, instant(6, 2)).negatives) == 1


def test_as_of_a_unit_with_many_events_reads_from_snapshots(
    app: Greenlist, clock: SettableClock
) -> None:
    """Past the snapshot interval, every as-of version is still exact."""
    clock.set(instant(1, 1))
    code = s.credit_code(10)
    s.register_and_cultivate(app, code, UnitKind.PARK)
    marks = []
    for i in range(120):
        clock.set(datetime(2025, 2, 1, 0, i // 60, i % 60, tzinfo=UTC))
        app.declare_park_members(s.city_actor(), code, [s.credit_code(1000 + i)])
        marks.append((clock.now(), s.credit_code(1000 + i)))
    for when, member in marks[::17]:
        assert app.unit_as_of(code, when).members == [member]
