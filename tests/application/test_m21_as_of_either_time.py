"""M21: a unit as of either time. "What was true then" (world time, the instants the acts
state) and "what the system knew then" (recorded time), and both together: "what the system
knew at R about W". An act entered late counts in the world view from the date it states."""

from datetime import date, datetime

import pytest

from domain.clock import SettableClock
from domain.errors import NotFound
from domain.service import Greenlist
from domain.values import Level
from simulation import scenarios as s


def noon(year: int, month: int, day: int) -> datetime:
    return s.at(date(year, month, day), 12)


def back_entered_accident(app: Greenlist, clock: SettableClock, code: str) -> None:
    """A unit listed in September 2025; its major accident of 10 March 2026 is recorded only on
    10 May 2026 (A19.4 removes at once: at every level, from the act's world date)."""
    s.list_provincially(app, code)
    clock.set(noon(2026, 5, 10))
    s.major_accident(app, code, date(2026, 3, 10), occurred_at=noon(2026, 3, 10))


def test_m21_a_removal_entered_in_may_for_a_march_accident_is_true_in_april_but_unknown_then(
    app: Greenlist, clock: SettableClock
) -> None:
    code = s.credit_code(21)
    back_entered_accident(app, clock, code)

    known_in_april = app.unit_as_of(code, noon(2026, 4, 1))
    true_in_april = app.unit_as_of(code, world=noon(2026, 4, 1))
    true_in_february = app.unit_as_of(code, world=noon(2026, 2, 1))

    assert known_in_april.status(Level.PROVINCIAL) == "listed"
    assert known_in_april.negatives == {}
    assert true_in_april.status(Level.PROVINCIAL) == "removed"
    assert true_in_april.status(Level.MUNICIPAL) == "removed"
    accident = next(iter(true_in_april.negatives.values()))
    assert (accident["ground"], accident["occurred_on"]) == ("A17.2", date(2026, 3, 10))
    assert true_in_february.status(Level.PROVINCIAL) == "listed"
    assert true_in_april.version == app.get_unit(code).version  # every event now counts


def test_m21_what_the_system_knew_on_1_may_about_1_april(
    app: Greenlist, clock: SettableClock
) -> None:
    code = s.credit_code(22)
    back_entered_accident(app, clock, code)

    knew_on_1_may = app.unit_as_of(code, noon(2026, 5, 1), world=noon(2026, 4, 1))
    knew_on_11_may = app.unit_as_of(code, noon(2026, 5, 11), world=noon(2026, 4, 1))
    knew_on_11_may_about_1_march = app.unit_as_of(code, noon(2026, 5, 11), world=noon(2026, 3, 1))

    assert knew_on_1_may.status(Level.PROVINCIAL) == "listed"
    assert knew_on_1_may == app.unit_as_of(code, noon(2026, 5, 1))
    assert knew_on_11_may.status(Level.PROVINCIAL) == "removed"
    assert knew_on_11_may_about_1_march.status(Level.PROVINCIAL) == "listed"


def test_m21_a_world_view_holds_no_act_recorded_after_it_unless_back_dated(
    app: Greenlist, clock: SettableClock
) -> None:
    """Without back-entered acts the two views agree; before the registration's stated date
    the unit did not exist in the world."""
    code = s.credit_code(23)
    s.list_provincially(app, code)
    for when in (noon(2025, 2, 15), noon(2025, 8, 1), noon(2025, 10, 1)):
        assert app.unit_as_of(code, world=when) == app.unit_as_of(code, when)
    with pytest.raises(NotFound):
        app.unit_as_of(code, world=noon(2025, 1, 9))
    with pytest.raises(NotFound):
        app.unit_as_of(s.credit_code(24), world=noon(2025, 10, 1))


def test_m21_an_act_stated_before_the_act_it_follows_waits_for_it_in_the_world_view(
    app: Greenlist, clock: SettableClock
) -> None:
    """A continuing ground recorded on 1 June; its end recorded on 10 June but stated for
    15 May, before the ground itself. As of 20 May the world view holds neither (the end had
    nothing to end yet, by the dates stated), and reading it never fails."""
    code = s.credit_code(25)
    s.register_and_cultivate(app, code)
    found = app.record_negative_record(
        s.city_actor(),
        code,
        "A17.1",
        date(2025, 5, 1),
        "信用中国",
        "违法违规行为",
        occurred_at=noon(2025, 6, 1),
    )
    clock.set(noon(2025, 6, 10))
    app.end_negative_record(
        s.city_actor(),
        code,
        found.details["record_id"],
        date(2025, 5, 15),
        occurred_at=noon(2025, 5, 15),
    )

    on_20_may = app.unit_as_of(code, world=noon(2025, 5, 20))
    on_2_june = app.unit_as_of(code, world=noon(2025, 6, 2))
    on_11_june = app.unit_as_of(code, world=noon(2025, 6, 11))

    assert on_20_may.negatives == {} and on_20_may.pools == {"2025": False}
    assert [r["ended_on"] for r in on_2_june.negatives.values()] == [date(2025, 5, 15)]
    assert on_11_june == app.get_unit(code)
