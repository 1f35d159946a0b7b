"""The lists read model: membership as it stood at any instant, with the name of that time."""

from datetime import UTC, date, datetime

import pytest

from domain.clock import SettableClock
from domain.service import Greenlist
from projections.engine.db import Db
from projections.engine.runner import Runner
from projections.lists import list_as_of
from projections.values import at
from simulation import scenarios as s

pytestmark = pytest.mark.stores("sqlite", "postgres")


def instant(month: int, day: int, year: int = 2025) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def names(rows: list[dict]) -> list[str]:
    return [r["name"] for r in rows]


def test_a_published_unit_is_on_the_provincial_list_from_its_publication(
    app: Greenlist, clock: SettableClock, runner: Runner, views: Db
) -> None:
    clock.set(instant(1, 2))
    code = s.credit_code(1)
    s.list_provincially(app, code)
    runner.catch_up()
    rows = list_as_of(views, "provincial")
    assert [r["credit_code"] for r in rows] == [code]
    assert rows[0]["listed_on"] == "2025-09-16"
    assert list_as_of(views, "provincial", at(instant(1, 1))) == []
    by_world = list_as_of(views, "provincial", at(s.at(date(2025, 9, 15))), basis="world")
    assert by_world == []
    assert len(list_as_of(views, "provincial", at(s.at(date(2025, 9, 17))), basis="world")) == 1


def test_renamed_and_removed_units_show_as_they_stood(
    app: Greenlist, clock: SettableClock, runner: Runner, views: Db
) -> None:
    clock.set(instant(1, 2))
    code = s.credit_code(2)
    s.list_provincially(app, code)
    old = app.get_unit(code).name
    clock.set(instant(10, 2))
    change = app.declare_change(s.enterprise_actor(code), code, "name", "更名", new_name="新名称")
    app.recheck_change(s.city_actor(), code, change.details["change_id"], True, True)
    runner.catch_up()
    assert names(list_as_of(views, "municipal")) == ["新名称"]
    assert names(list_as_of(views, "provincial")) == [old]  # until the annual publication (A20.3)
    assert names(list_as_of(views, "municipal", at(instant(10, 1)))) == [old]

    clock.set(instant(11, 1))
    app.record_negative_record(
        s.city_actor(), code, "A17.4", date(2025, 10, 20), "督查", "严重问题"
    )
    runner.catch_up()
    pending = list_as_of(views, "provincial")
    assert pending[0]["pending_rules"] and "A19.1" in pending[0]["pending_rules"]

    clock.set(instant(3, 1, 2026))
    s.annual_publication(app, 2026)
    runner.catch_up()
    assert list_as_of(views, "provincial") == []
    assert names(list_as_of(views, "provincial", at(instant(12, 1)))) == [old]
