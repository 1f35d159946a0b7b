"""Dynamic management (A18-A21, domain.rules.dynamic) as pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.errors import RuleViolation
from domain.rules import dynamic as c
from domain.rules.dynamic import ChangeKind, ChangeStatus, FormStatus
from domain.values import Level
from simulation.scenarios import at
from tests.unit.rules.refusing import refused


def assert_refused(rule: str, caught: pytest.ExceptionInfo[RuleViolation]) -> None:
    assert rule in caught.value.codes
    assert caught.value.zh.strip() and caught.value.en.strip()


@pytest.mark.parametrize("code", ["A18", "A19.1", "A21", "A23.2"])
def test_dynamic_management_acts_on_a_unit_of_the_list(code: str) -> None:
    c.check_listed_at(True, Level.PROVINCIAL, code)
    with refused(code) as caught:
        c.check_listed_at(False, Level.PROVINCIAL, code)
    assert "provincial" in caught.value.en


# --- A18: the 15 April deadline ---------------------------------------------------------------


def test_a_form_is_not_overdue_until_16_april_in_shanghai() -> None:
    with pytest.raises(RuleViolation) as caught:
        c.check_a18_overdue(2025, at(date(2026, 4, 15), 23, 59, 59))
    assert_refused("A18", caught)
    c.check_a18_overdue(2025, at(date(2026, 4, 16), 0, 0, 0))
    # 16:00 UTC on 15 April is already midnight of 16 April in Shanghai
    c.check_a18_overdue(2025, datetime(2026, 4, 15, 16, 0, tzinfo=UTC))
    with pytest.raises(RuleViolation):
        c.check_a18_overdue(2025, datetime(2026, 4, 15, 15, 59, 59, tzinfo=UTC))


def test_there_is_no_form_for_a_year_not_begun() -> None:
    c.check_a18_year_begun(2025, at(date(2025, 1, 1), 0, 0, 0))
    with refused("A18"):
        c.check_a18_year_begun(2026, at(date(2025, 12, 31), 23, 59, 59))


def test_a_form_is_owed_for_a_year_the_unit_was_listed_in() -> None:
    c.check_a18_listed_in(2025, date(2025, 9, 16))
    with refused("A18"):
        c.check_a18_listed_in(2024, date(2025, 9, 16))


def test_a_years_form_is_recorded_once() -> None:
    c.check_a18_not_recorded(2025, None)
    for status in FormStatus:
        with refused("A18"):
            c.check_a18_not_recorded(2025, status)


def test_a_form_after_15_april_is_late() -> None:
    assert c.form_status(2025, date(2026, 4, 15)) is FormStatus.SUBMITTED
    assert c.form_status(2025, date(2026, 4, 16)) is FormStatus.LATE


# --- A19: removals ----------------------------------------------------------------------------


@pytest.mark.parametrize("ground", ["A19.4", "A17.2", "A20.2", "removal"])
def test_a_removal_for_the_annual_publication_cites_a19_1_to_3(ground: str) -> None:
    for deferred in sorted(c.DEFERRED_GROUNDS):
        c.check_a19_deferred_ground(deferred)
    with refused(ground):
        c.check_a19_deferred_ground(ground)


def test_only_a_listed_unit_is_removed() -> None:
    c.check_a19_listed(True, "A19.3")
    with refused("A19.3"):
        c.check_a19_listed(False, "A19.3")


# --- A20: changes -----------------------------------------------------------------------------


def test_a_listed_unit_declares_a_change_of_a_known_kind() -> None:
    for kind in ChangeKind:
        assert c.check_a20_1_change(True, kind.value, "新名称") is kind
    with refused("A20.1"):
        c.check_a20_1_change(False, "scope", "")
    with refused("A20.1"):
        c.check_a20_1_change(True, "colour", "")
    with refused("A20.1"):
        c.check_a20_1_change(True, "name", "  ")


def test_the_city_rechecks_a_declared_change_once() -> None:
    c.check_a20_2_declared(ChangeStatus.DECLARED)
    for status in (None, ChangeStatus.CONFIRMED, ChangeStatus.REJECTED):
        with refused("A20.2"):
            c.check_a20_2_declared(status)


# --- A21: the five-yearly re-review -------------------------------------------------------------


def test_a_re_review_falls_due_on_its_day_not_before() -> None:
    due = date(2030, 9, 16)
    c.check_a21_due(due, due)
    with refused("A21"):
        c.check_a21_due(due, date(2030, 9, 15))
