"""The negative list (A17, domain.rules.exclusions) as pure functions: three years to the day."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import RuleViolation
from domain.rules import exclusions as c
from domain.rules.exclusions import Ground, NegativeRecord
from tests.unit.rules.refusing import refused

DECISION = date(2025, 6, 30)
ONE_DAY_GROUNDS = ["A17.2", "A17.3", "A17.4"]
CONTINUING_GROUNDS = ["A17.1", "A17.5", "A17.6"]


def record(
    ground: str, occurred: date, ended: date | None = None, whose: str = "X"
) -> NegativeRecord:
    return NegativeRecord(ground, occurred, ended, whose)


def assert_refused(rule: str, caught: pytest.ExceptionInfo[RuleViolation]) -> None:
    assert rule in caught.value.codes
    assert caught.value.zh.strip() and caught.value.en.strip()


def test_the_six_grounds_and_which_of_them_last() -> None:
    assert sorted(g.value for g in Ground) == sorted(c.A17_GROUNDS) == c.A17
    assert sorted(g.value for g in Ground if g.continuing) == CONTINUING_GROUNDS
    assert sorted(c.A17_CONTINUING) == CONTINUING_GROUNDS


@pytest.mark.parametrize("ground", ONE_DAY_GROUNDS)
def test_a_ground_three_years_to_the_day_before_no_longer_bars(ground: str) -> None:
    c.check_a17_exclusions([record(ground, date(2022, 6, 30))], DECISION)
    assert c.a17_grounds_in_force([record(ground, date(2022, 6, 30))], DECISION) == []


@pytest.mark.parametrize("ground", ONE_DAY_GROUNDS)
def test_a_ground_one_day_less_than_three_years_before_bars(ground: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        c.check_a17_exclusions([record(ground, date(2022, 7, 1))], DECISION)
    assert_refused(ground, caught)


def test_a_ground_that_has_not_happened_yet_on_the_decision_date_does_not_bar() -> None:
    c.check_a17_exclusions([record("A17.2", date(2025, 7, 1))], DECISION)


@pytest.mark.parametrize("ground", CONTINUING_GROUNDS)
def test_a_continuing_ground_bars_while_it_lasts_however_old(ground: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        c.check_a17_exclusions([record(ground, date(2015, 1, 1))], DECISION)
    assert_refused(ground, caught)


@pytest.mark.parametrize("ground", CONTINUING_GROUNDS)
def test_a_continuing_ground_bars_for_three_years_from_its_end(ground: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        c.check_a17_exclusions([record(ground, date(2015, 1, 1), date(2022, 7, 1))], DECISION)
    assert_refused(ground, caught)
    c.check_a17_exclusions([record(ground, date(2015, 1, 1), date(2022, 6, 30))], DECISION)


def test_a_one_day_ground_ignores_an_end_date() -> None:
    """Only A17.1/5/6 last: an end date on another ground does not extend it."""
    stale = record("A17.2", date(2022, 6, 30), date(2025, 1, 1))
    c.check_a17_exclusions([stale], DECISION)


def test_a_ground_on_29_february_bars_until_28_february_three_years_later() -> None:
    leap = [record("A17.4", date(2024, 2, 29))]
    with pytest.raises(RuleViolation):
        c.check_a17_exclusions(leap, date(2027, 2, 28))
    c.check_a17_exclusions(leap, date(2027, 3, 1))


def test_every_ground_in_force_and_whose_it_is_are_named() -> None:
    records = [
        record("A17.6", date(2020, 1, 1), whose="91330100MEMBER0001"),
        record("A17.4", date(2024, 1, 1), whose="PARK"),
        record("A17.2", date(2020, 1, 1), whose="OLD"),
    ]
    with pytest.raises(RuleViolation) as caught:
        c.check_a17_exclusions(records, DECISION)
    assert caught.value.codes == ("A17.4", "A17.6")
    assert "91330100MEMBER0001" in caught.value.en and "91330100MEMBER0001" in caught.value.zh
    assert "OLD" not in caught.value.en


# --- the records of grounds -------------------------------------------------------------------


@pytest.mark.parametrize("ground", ["A17.7", "A17", "a17.1", ""])
def test_a_record_names_one_of_the_six_grounds(ground: str) -> None:
    with refused("A17.1"):
        c.check_a17_ground(ground, DECISION, None)


@pytest.mark.parametrize("ground", CONTINUING_GROUNDS)
def test_a_continuing_ground_is_recorded_with_an_end_not_before_its_start(ground: str) -> None:
    assert c.check_a17_ground(ground, DECISION, DECISION) is Ground(ground)
    with refused(ground):
        c.check_a17_ground(ground, DECISION, date(2025, 6, 29))


@pytest.mark.parametrize("ground", ONE_DAY_GROUNDS)
def test_a_one_day_ground_is_recorded_without_an_end(ground: str) -> None:
    assert c.check_a17_ground(ground, DECISION, None) is Ground(ground)
    with refused(ground):
        c.check_a17_ground(ground, DECISION, DECISION)


def test_a_lapse_is_recorded_for_a_record_of_the_units() -> None:
    c.check_a17_record_found(True)
    with refused("A17.1"):
        c.check_a17_record_found(False)


def test_only_an_open_continuing_record_ends_and_not_before_it_began() -> None:
    start = date(2024, 1, 1)
    c.check_a17_end(Ground.NOT_RECTIFIED, False, start, start)
    with refused("A17.1"):
        c.check_a17_end(None, False, start, start)
    with refused("A17.1"):
        c.check_a17_end(Ground.VIOLATION, False, start, start)
    with refused("A17.1"):
        c.check_a17_end(Ground.NOT_RECTIFIED, True, start, start)
    with refused("A17.5"):
        c.check_a17_end(Ground.NOT_RECTIFIED, False, start, date(2023, 12, 31))


def test_a_ground_lapses_on_its_day_not_before() -> None:
    lapses = date(2025, 3, 1)
    c.check_a17_lapsed(Ground.INSPECTION, lapses, lapses)
    with refused("A17.4") as caught:
        c.check_a17_lapsed(Ground.INSPECTION, lapses, date(2025, 2, 28))
    assert "2025-03-01" in caught.value.en and "2025-03-01" in caught.value.zh
