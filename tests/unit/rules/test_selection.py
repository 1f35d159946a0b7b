"""Rounds and nominations (A13, A14, domain.rules.selection) as pure functions."""

from __future__ import annotations

from datetime import UTC, date

import pytest

from domain.errors import JustificationRequired
from domain.rules import selection as c
from domain.rules.stages import IN_SELECTION, Stage
from domain.values import Level
from simulation import scenarios as s
from tests.unit.rules.refusing import refused

# --- A13.1: the municipal list is the city's own ------------------------------------------------


def test_there_is_no_municipal_round() -> None:
    with refused("A13.1"):
        c.check_a13_1_round_level(Level.MUNICIPAL)
    c.check_a13_1_round_level(Level.PROVINCIAL)
    c.check_a13_1_round_level(Level.NATIONAL)


def test_a_unit_is_put_on_the_municipal_list_once() -> None:
    c.check_a13_1_not_listed(False)
    with refused("A13.1"):
        c.check_a13_1_not_listed(True)


# --- A13.2: quotas ----------------------------------------------------------------------------


def test_the_quota_plus_one_th_nomination_is_refused() -> None:
    c.check_a13_2_quota("330100", used=2, quota=3)
    with refused("A13.2"):
        c.check_a13_2_quota("330100", used=3, quota=3)
    with refused("A13.2"):
        c.check_a13_2_quota("330100", used=0, quota=0)


@pytest.mark.parametrize(("city", "quota"), [("330000", 3), ("110000", 3), ("330100", -1)])
def test_a_quota_is_set_for_one_of_the_eleven_cities_and_not_negative(
    city: str, quota: int
) -> None:
    c.check_a13_2_quota_valid("330100", 0)
    with refused("A13.2"):
        c.check_a13_2_quota_valid(city, quota)


def test_a_quota_is_never_set_below_the_nominations_made() -> None:
    c.check_a13_2_quota_covers(quota=2, used=2)
    with refused("A13.2"):
        c.check_a13_2_quota_covers(quota=1, used=2)


def test_a_unit_is_nominated_once_in_a_round() -> None:
    c.check_a13_2_not_in_round(False)
    with refused("A13.2"):
        c.check_a13_2_not_in_round(True)


@pytest.mark.parametrize("stage", [*IN_SELECTION, Stage.LISTED])
def test_a_unit_in_selection_or_on_the_list_is_not_nominated_again(stage: Stage) -> None:
    with refused("A13.2"):
        c.check_a13_2_nominable(stage, Level.PROVINCIAL)


@pytest.mark.parametrize("stage", [None, Stage.FAILED, Stage.WITHHELD, Stage.REMOVED])
def test_a_unit_whose_last_attempt_ended_may_be_nominated_again(stage: Stage | None) -> None:
    c.check_a13_2_nominable(stage, Level.PROVINCIAL)


# --- A13.2: the quota weighs the previous year's rate and the cultivation system ---------------


@pytest.mark.parametrize(
    ("rate", "pool", "base", "quota"),
    [
        (None, 0, 4, 4),  # no rate last year: the base
        (0.0, 0, 4, 2),  # nobody listed: half
        (1.0, 0, 4, 6),  # everyone listed: one and a half times
        (0.75, 23, 4, 7),  # 5 + two for 23 units in the pool
        (0.25, 9, 3, 2),  # 2.25 -> 2; 9 units add nothing
        (0.5, 10, 1, 2),  # 1 + one for ten units
        (1 / 3, 0, 3, 2),  # the rate as recorded (0.333...): 2.4999... -> 2, not 1/3's 2.5
        (0.0, 0, 1, 1),  # 0.5 rounds half up, the same on every machine
    ],
)
def test_a13_2_the_formula_weighs_the_rate_and_the_pool(
    rate: float | None, pool: int, base: int, quota: int
) -> None:
    assert c.derive_quota(c.QuotaInputs(rate, pool, base)) == quota


def test_a13_2_the_inputs_are_recorded_with_the_formulas_name() -> None:
    stored = c.QuotaInputs(0.6, 12, 5).stored()
    assert stored == {"previous_rate": 0.6, "pool_size": 12, "base": 5, "formula": c.QUOTA_FORMULA}
    assert c.QUOTA_FORMULA.startswith("A13.2/")


@pytest.mark.parametrize(
    ("rate", "pool", "base"), [(1.01, 0, 1), (-0.5, 0, 1), (float("inf"), 0, 1), (0.5, -1, 1)]
)
def test_a13_2_inputs_the_formula_cannot_weigh_are_refused(
    rate: float, pool: int, base: int
) -> None:
    with refused("A13.2"):
        c.derive_quota(c.QuotaInputs(rate, pool, base))


def test_a13_2_a_quota_by_hand_needs_a_written_justification() -> None:
    for empty in ("", "  \n"):
        with refused("A13.2", JustificationRequired):
            c.check_a13_2_manual_justified(empty)
    assert c.check_a13_2_manual_justified("追加名额") == ["A13.2"]


# --- A14.1: the window ------------------------------------------------------------------------


def test_nomination_at_30_june_23_59_59_is_accepted_and_at_1_july_refused() -> None:
    c.check_a14_1_deadline(2025, s.at(date(2025, 6, 30), 23, 59, 59))
    with refused("A14.1"):
        c.check_a14_1_deadline(2025, s.at(date(2025, 7, 1), 0, 0, 0))


def test_the_deadline_is_read_in_shanghai_not_utc() -> None:
    # 30 June 16:30 UTC is already 1 July 00:30 in Shanghai.
    utc_instant = s.at(date(2025, 7, 1), 0, 30).astimezone(UTC)
    assert utc_instant.date() == date(2025, 6, 30)
    with refused("A14.1"):
        c.check_a14_1_deadline(2025, utc_instant)


def test_the_window_is_recorded_as_closed_from_1_july() -> None:
    with refused("A14.1"):
        c.check_a14_1_window_over(2025, date(2025, 6, 30))
    c.check_a14_1_window_over(2025, date(2025, 7, 1))


def test_nothing_is_added_to_a_round_under_notice() -> None:
    c.check_a14_1_in_review(False, "A14.1")
    with refused("A14.1"):
        c.check_a14_1_in_review(True, "A14.1")


# --- A14.2 / A14.3: in principle ---------------------------------------------------------------


def test_an_in_principle_rule_needs_a_written_justification() -> None:
    assert c.in_principle("A14.2", True, "") == []
    with refused("A14.2", JustificationRequired):
        c.in_principle("A14.2", False, "   ")
    assert c.in_principle("A14.3", False, "行业龙头，市级名单尚在评选") == ["A14.3"]
