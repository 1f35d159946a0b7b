"""Scenarios of dynamic management (A18-A21), on every store: yearly forms, removals deferred to
the annual publication, declared changes and five-yearly re-reviews. The
negative list itself (A17) is in `test_rules_exclusions.py`; accidents
(A19.4) in `test_a19_4_accidents.py`."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from domain.aggregates.unit import Unit, unit_id
from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import Level
from simulation import scenarios as s
from simulation.scenarios import at
from tests.refusals import refused

P, M = Level.PROVINCIAL, Level.MUNICIPAL
HANGZHOU = s.city_actor("330100")
INDICATORS: dict[str, Any] = {"energy_per_output": 0.41, "water_reuse": 0.93}


def standing(app: Greenlist, code: str, level: Level) -> dict[str, Any]:
    return dict(app.get_unit(code).standing.get(level.value, {}))


def statuses(app: Greenlist, code: str) -> tuple[str | None, str | None]:
    unit = app.get_unit(code)
    return unit.status(M), unit.status(P)


def aggregate(app: Greenlist, code: str) -> Unit:
    unit: object = app.repository.get(unit_id(code))
    assert isinstance(unit, Unit)
    return unit


def events(app: Greenlist, code: str, kind: str) -> list[Any]:
    return [e for e in app.unit_history(code) if e.type == kind]


def submit_form(app: Greenlist, code: str, when: Any) -> Any:
    return app.submit_dynamic_form(
        s.enterprise_actor(code), code, P, 2025, INDICATORS, occurred_at=when
    )


# --- A18 / A19.2: the yearly dynamic management form ------------------------------------------


def test_a_form_after_15_april_is_recorded_late(app: Greenlist) -> None:
    on_time, late = s.credit_code(40), s.credit_code(41)
    s.list_provincially_together(app, on_time, late)
    submit_form(app, on_time, at(date(2026, 4, 15), 23, 59, 59))
    submit_form(app, late, at(date(2026, 4, 16), 0, 0, 0))
    assert app.get_unit(on_time).forms == {"provincial/2025": "submitted"}
    assert app.get_unit(late).forms == {"provincial/2025": "late"}
    assert events(app, late, "DynamicFormSubmitted")[0].data["late"] is True
    assert events(app, on_time, "DynamicFormSubmitted")[0].data["late"] is False


def test_only_a_listed_unit_submits_its_form_and_only_once(app: Greenlist) -> None:
    listed, unlisted = s.credit_code(42), s.credit_code(43)
    s.list_provincially(app, listed)
    s.prepare_candidate(app, unlisted)
    with refused(app, "A18", unlisted):
        submit_form(app, unlisted, at(date(2026, 4, 1)))
    submit_form(app, listed, at(date(2026, 4, 1)))
    with refused(app, "A18", listed):
        submit_form(app, listed, at(date(2026, 4, 2)))


def test_a_form_is_marked_overdue_only_after_15_april(app: Greenlist) -> None:
    code = s.credit_code(44)
    s.list_provincially(app, code)
    with refused(app, "A18", code):
        app.mark_form_overdue(
            s.SYSTEM_ACTOR, code, P, 2025, occurred_at=at(date(2026, 4, 15), 23, 59, 59)
        )
    app.mark_form_overdue(s.SYSTEM_ACTOR, code, P, 2025, occurred_at=at(date(2026, 4, 16), 0))
    assert app.get_unit(code).forms == {"provincial/2025": "overdue"}
    assert standing(app, code, P)["pending_removal"] == ["A19.2"]
    with refused(app, "A18", code):
        submit_form(app, code, at(date(2026, 4, 20)))


def test_a_form_for_a_year_that_has_not_begun_is_refused(
    app: Greenlist, clock: SettableClock
) -> None:
    """Issue 9 item 7: a form reports a year's indicators, so none is accepted for a year that
    has not begun by the service's clock, in Asia/Shanghai (the stated world time counts for
    nothing here), and nothing is recorded."""
    code = s.credit_code(46)
    s.list_provincially(app, code)
    form = partial(app.submit_dynamic_form, s.enterprise_actor(code), code, P)
    clock.set(at(date(2026, 12, 31), 23, 59, 59))
    for year in (2027, 2100):
        with refused(app, "A18", code) as refusal:
            form(year, INDICATORS)
        assert f"{year}" in refusal.value.en and f"{year}" in refusal.value.zh
    assert app.get_unit(code).forms == {}
    clock.set(at(date(2027, 1, 1), 0, 0, 0))  # 31 December 16:00 in UTC
    form(2027, INDICATORS)
    assert app.get_unit(code).forms == {"provincial/2027": "submitted"}


def test_a_form_for_a_year_before_the_listing_is_refused(app: Greenlist) -> None:
    """As for an overdue form: a year in which the unit was not on the list owes no form; one
    recorded would settle a deadline that never was and open the next, long past due."""
    code = s.credit_code(47)
    s.list_provincially(app, code)
    for year in (2000, 2024):
        with refused(app, "A18", code):
            submit_form_for(app, code, year)
    submit_form_for(app, code, 2025)
    assert app.get_unit(code).forms == {"provincial/2025": "submitted"}


def submit_form_for(app: Greenlist, code: str, year: int) -> Any:
    return app.submit_dynamic_form(s.enterprise_actor(code), code, P, year, INDICATORS)


def test_an_overdue_form_removes_the_unit_at_the_next_annual_publication(app: Greenlist) -> None:
    code = s.credit_code(45)
    s.list_provincially(app, code)
    app.mark_form_overdue(s.SYSTEM_ACTOR, code, P, 2025, occurred_at=at(date(2026, 4, 16)))
    assert app.get_unit(code).status(P) == "listed"
    assert s.annual_publication(app, 2026) == date(2026, 9, 16)
    assert standing(app, code, P) == {
        "status": "removed",
        "year": 2026,
        "removed_on": date(2026, 9, 16),
    }
    (removed,) = events(app, code, "Removed")
    assert {"A19.2", "A17.3"} <= set(removed.rules) and removed.data["immediate"] is False
    assert app.get_unit(code).status(M) == "listed"


# --- A19.1: a negative record on a listed unit ------------------------------------------------


def test_a_negative_record_on_a_listed_unit_removes_it_at_the_annual_publication(
    app: Greenlist,
) -> None:
    code, old_record = s.credit_code(50), s.credit_code(51)
    s.list_provincially_together(app, code, old_record)
    receipt = s.record_ground(app, code, "A17.2", date(2025, 10, 1), date(2025, 10, 8))
    stale = s.record_ground(app, old_record, "A17.4", date(2022, 10, 8), date(2025, 10, 8))
    assert receipt.details["removal_pending"] == ["municipal", "provincial"]
    assert stale.details["removal_pending"] == []
    assert statuses(app, code) == ("listed", "listed")
    assert standing(app, code, P)["pending_removal"] == ["A17.2", "A19.1"]

    s.annual_publication(app, 2026)
    assert statuses(app, code) == ("removed", "removed")
    assert all("A19.1" in e.rules for e in events(app, code, "Removed"))
    assert statuses(app, old_record) == ("listed", "listed")


# --- A19.3: falsified materials ---------------------------------------------------------------


def test_falsified_materials_lead_to_removal_at_the_annual_publication(app: Greenlist) -> None:
    code, unlisted = s.credit_code(52), s.credit_code(53)
    s.list_provincially(app, code)
    s.prepare_candidate(app, unlisted)
    when = at(date(2025, 10, 10))
    with refused(app, "A19.4", code):
        app.decide_removal(s.PROVINCE_ACTOR, code, P, "A19.4", "材料造假", occurred_at=when)
    with refused(app, "ID.3", code):
        app.decide_removal(HANGZHOU, code, P, "A19.3", "材料造假", occurred_at=when)
    with refused(app, "A19.3", unlisted):
        app.decide_removal(s.PROVINCE_ACTOR, unlisted, P, "A19.3", "材料造假", occurred_at=when)
    app.decide_removal(s.PROVINCE_ACTOR, code, P, "A19.3", "材料造假", occurred_at=when)
    assert app.get_unit(code).status(P) == "listed"
    assert standing(app, code, P)["pending_removal"] == ["A19.3"]

    s.annual_publication(app, 2026)
    assert app.get_unit(code).status(P) == "removed"
    assert "A19.3" in events(app, code, "Removed")[0].rules
    assert app.get_unit(code).status(M) == "listed"


# --- A20: declared changes --------------------------------------------------------------------


def declare(app: Greenlist, code: str, kind: str = "name", new_name: str = "") -> Any:
    return app.declare_change(
        s.enterprise_actor(code),
        code,
        kind,
        "变更申报",
        new_name=new_name,
        occurred_at=at(date(2025, 10, 1)),
    ).details["change_id"]


def test_only_a_listed_unit_declares_a_change(app: Greenlist) -> None:
    listed, unlisted = s.credit_code(60), s.credit_code(61)
    s.list_provincially(app, listed)
    s.prepare_candidate(app, unlisted)
    with refused(app, "A20.1", unlisted):
        declare(app, unlisted, new_name="浙江新名称有限公司")
    with refused(app, "A20.1", listed):
        declare(app, listed, new_name="  ")
    declare(app, listed, new_name="浙江新名称有限公司")
    assert len(events(app, listed, "ChangeDeclared")) == 1


def test_a_confirmed_rename_applies_now_and_to_the_provincial_list_at_the_annual_publication(
    app: Greenlist,
) -> None:
    code = s.credit_code(62)
    s.list_provincially(app, code)
    old_name, new_name = app.get_unit(code).name, "浙江绿能新材料有限公司"
    change_id = declare(app, code, new_name=new_name)
    when = at(date(2025, 10, 15))
    with refused(app, "ID.3", code):
        app.recheck_change(s.city_actor("330200"), code, change_id, True, True, occurred_at=when)
    app.recheck_change(HANGZHOU, code, change_id, True, True, occurred_at=when)
    with refused(app, "A20.2", code):
        app.recheck_change(HANGZHOU, code, change_id, True, True, occurred_at=when)

    unit = app.get_unit(code)
    assert (unit.name, unit.names) == (new_name, [old_name, new_name])
    assert events(app, code, "NameChanged")[0].data["old_name"] == old_name
    assert standing(app, code, P)["listed_name"] == old_name
    assert events(app, code, "ListingAdjusted") == []

    s.send_opinion(app, code, change_id)  # A20.3: with the city's 2026 recommendations
    s.annual_publication(app, 2026)
    assert standing(app, code, P)["listed_name"] == new_name
    (adjusted,) = events(app, code, "ListingAdjusted")
    assert adjusted.data == {"level": "provincial", "name": new_name}
    assert "A20.3" in adjusted.rules


def test_a_unit_no_longer_meeting_the_standards_leaves_the_municipal_list_now(
    app: Greenlist,
) -> None:
    code = s.credit_code(63)
    s.list_provincially(app, code)
    change_id = declare(app, code, "boundary")
    app.recheck_change(HANGZHOU, code, change_id, True, False, occurred_at=at(date(2025, 10, 15)))

    assert app.get_unit(code).status(M) == "removed"
    (municipal,) = events(app, code, "Removed")
    assert municipal.data["immediate"] is True and "A20.2" in municipal.rules
    assert app.get_unit(code).status(P) == "listed"
    assert "pending_removal" not in standing(app, code, P)  # A20.3: the city's opinion first
    s.send_opinion(app, code, change_id, "removal")
    assert standing(app, code, P)["pending_removal"] == ["A20.2", "A20.3"]

    s.annual_publication(app, 2026)
    assert app.get_unit(code).status(P) == "removed"
    assert "A20.3" in events(app, code, "Removed")[-1].rules


# --- A21: five-yearly re-review ---------------------------------------------------------------


def test_a_re_review_is_due_five_years_after_listing_or_the_last_re_review(
    app: Greenlist,
) -> None:
    code = s.credit_code(70)
    s.list_provincially(app, code)
    unit = aggregate(app, code)
    assert unit.rereview_due(P) == date(2030, 9, 16)
    assert unit.rereview_due(M) == date(2030, 3, 1)
    assert unit.rereview_due(Level.NATIONAL) is None
    app.record_rereview(HANGZHOU, code, P, True, occurred_at=at(date(2030, 7, 1)))
    assert aggregate(app, code).rereview_due(P) == date(2035, 7, 1)
    assert "pending_removal" not in standing(app, code, P)


def test_a_failed_re_review_removes_the_unit_at_the_annual_publication(app: Greenlist) -> None:
    code, unlisted = s.credit_code(71), s.credit_code(72)
    s.list_provincially(app, code)
    s.prepare_candidate(app, unlisted)
    with refused(app, "A21", unlisted):
        app.record_rereview(HANGZHOU, unlisted, P, False, occurred_at=at(date(2030, 7, 1)))
    app.record_rereview(HANGZHOU, code, P, False, occurred_at=at(date(2030, 7, 1)))
    assert app.get_unit(code).status(P) == "listed"
    assert standing(app, code, P)["pending_removal"] == ["A19.1", "A21"]
    s.annual_publication(app, 2030)
    assert app.get_unit(code).status(P) == "removed"
    assert "A21" in events(app, code, "Removed")[0].rules
