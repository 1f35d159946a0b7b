"""The pure checks of the negative list, dynamic management, agencies and reports (A17-A23)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.errors import RuleViolation
from domain.rules import checks
from domain.rules.checks import NegativeRecord
from domain.values import Level, UnitKind
from simulation.scenarios import at

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


# --- A17: three years to the day --------------------------------------------------------------


@pytest.mark.parametrize("ground", ONE_DAY_GROUNDS)
def test_a_ground_three_years_to_the_day_before_no_longer_bars(ground: str) -> None:
    checks.check_a17_exclusions([record(ground, date(2022, 6, 30))], DECISION)
    assert checks.a17_grounds_in_force([record(ground, date(2022, 6, 30))], DECISION) == []


@pytest.mark.parametrize("ground", ONE_DAY_GROUNDS)
def test_a_ground_one_day_less_than_three_years_before_bars(ground: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        checks.check_a17_exclusions([record(ground, date(2022, 7, 1))], DECISION)
    assert_refused(ground, caught)


def test_a_ground_that_has_not_happened_yet_on_the_decision_date_does_not_bar() -> None:
    checks.check_a17_exclusions([record("A17.2", date(2025, 7, 1))], DECISION)


@pytest.mark.parametrize("ground", CONTINUING_GROUNDS)
def test_a_continuing_ground_bars_while_it_lasts_however_old(ground: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        checks.check_a17_exclusions([record(ground, date(2015, 1, 1))], DECISION)
    assert_refused(ground, caught)


@pytest.mark.parametrize("ground", CONTINUING_GROUNDS)
def test_a_continuing_ground_bars_for_three_years_from_its_end(ground: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        checks.check_a17_exclusions([record(ground, date(2015, 1, 1), date(2022, 7, 1))], DECISION)
    assert_refused(ground, caught)
    checks.check_a17_exclusions([record(ground, date(2015, 1, 1), date(2022, 6, 30))], DECISION)


def test_a_one_day_ground_ignores_an_end_date() -> None:
    """Only A17.1/5/6 last: an end date on another ground does not extend it."""
    stale = record("A17.2", date(2022, 6, 30), date(2025, 1, 1))
    checks.check_a17_exclusions([stale], DECISION)


def test_a_ground_on_29_february_bars_until_28_february_three_years_later() -> None:
    leap = [record("A17.4", date(2024, 2, 29))]
    with pytest.raises(RuleViolation):
        checks.check_a17_exclusions(leap, date(2027, 2, 28))
    checks.check_a17_exclusions(leap, date(2027, 3, 1))


def test_every_ground_in_force_and_whose_it_is_are_named() -> None:
    records = [
        record("A17.6", date(2020, 1, 1), whose="91330100MEMBER0001"),
        record("A17.4", date(2024, 1, 1), whose="PARK"),
        record("A17.2", date(2020, 1, 1), whose="OLD"),
    ]
    with pytest.raises(RuleViolation) as caught:
        checks.check_a17_exclusions(records, DECISION)
    assert caught.value.codes == ("A17.4", "A17.6")
    assert "91330100MEMBER0001" in caught.value.en and "91330100MEMBER0001" in caught.value.zh
    assert "OLD" not in caught.value.en


# --- A18: the 15 April deadline ---------------------------------------------------------------


def test_the_form_of_a_year_is_due_15_april_of_the_next() -> None:
    assert checks.dynamic_form_deadline(2025) == date(2026, 4, 15)


def test_a_form_is_not_overdue_until_16_april_in_shanghai() -> None:
    with pytest.raises(RuleViolation) as caught:
        checks.check_a18_overdue(2025, at(date(2026, 4, 15), 23, 59, 59))
    assert_refused("A18", caught)
    checks.check_a18_overdue(2025, at(date(2026, 4, 16), 0, 0, 0))
    # 16:00 UTC on 15 April is already midnight of 16 April in Shanghai
    checks.check_a18_overdue(2025, datetime(2026, 4, 15, 16, 0, tzinfo=UTC))
    with pytest.raises(RuleViolation):
        checks.check_a18_overdue(2025, datetime(2026, 4, 15, 15, 59, 59, tzinfo=UTC))


# --- A21: five-yearly re-review ---------------------------------------------------------------


def test_a_re_review_is_due_five_years_after_listing_or_the_last_re_review() -> None:
    assert checks.rereview_due(date(2025, 9, 16), None) == date(2030, 9, 16)
    assert checks.rereview_due(date(2025, 9, 16), date(2030, 9, 1)) == date(2035, 9, 1)
    assert checks.rereview_due(date(2024, 2, 29), None) == date(2029, 2, 28)


# --- A22.3: projects per legal representative --------------------------------------------------


@pytest.mark.parametrize(
    ("level", "kind", "counts_as"),
    [
        (Level.NATIONAL, UnitKind.FACTORY, "national"),
        (Level.NATIONAL, UnitKind.PARK, "national"),
        (Level.NATIONAL, UnitKind.SUPPLY_CHAIN, "national"),
        (Level.PROVINCIAL, UnitKind.FACTORY, "provincial"),
        (Level.PROVINCIAL, UnitKind.PARK, "provincial"),
        (Level.PROVINCIAL, UnitKind.SUPPLY_CHAIN, None),
        (Level.MUNICIPAL, UnitKind.FACTORY, None),
        (Level.MUNICIPAL, UnitKind.PARK, None),
    ],
)
def test_what_a_project_counts_toward(level: Level, kind: UnitKind, counts_as: str | None) -> None:
    assert checks.a22_3_counts_as(level, kind) == counts_as


def test_the_sixteenth_national_project_is_refused() -> None:
    checks.check_a22_3_quota("national", {"national": 14, "provincial": 10})
    with pytest.raises(RuleViolation) as caught:
        checks.check_a22_3_quota("national", {"national": 15})
    assert_refused("A22.3", caught)


def test_the_eleventh_provincial_project_is_refused() -> None:
    checks.check_a22_3_quota("provincial", {"national": 15, "provincial": 9})
    with pytest.raises(RuleViolation) as caught:
        checks.check_a22_3_quota("provincial", {"provincial": 10})
    assert_refused("A22.3", caught)


def test_projects_that_do_not_count_are_never_refused() -> None:
    checks.check_a22_3_quota(None, {"national": 99, "provincial": 99})


# --- A23.1: real-name reports -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "contact", "evidence", "missing"),
    [
        ("", "13800000000", ["photo.jpg"], "name"),
        ("张三", "  ", ["photo.jpg"], "contact"),
        ("张三", "13800000000", [], "evidence"),
        ("张三", "13800000000", ["  "], "evidence"),
    ],
)
def test_a_report_without_name_contact_or_evidence_is_refused(
    name: str, contact: str, evidence: list[str], missing: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        checks.check_a23_1_real_name(name, contact, evidence)
    assert_refused("A23.1", caught)
    assert missing in caught.value.en


def test_a_report_with_name_contact_and_evidence_is_accepted() -> None:
    checks.check_a23_1_real_name("张三", "13800000000", ["photo.jpg"])
