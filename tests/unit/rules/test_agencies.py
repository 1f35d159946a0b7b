"""Agencies and real-name reports (A22, A23, domain.rules.agencies) as pure functions."""

from __future__ import annotations

import pytest

from domain.errors import OutOfJurisdiction, RuleViolation
from domain.rules import agencies as c
from domain.rules.agencies import Outcome
from domain.values import Actor, Level, Role, UnitKind
from simulation import scenarios as s
from tests.unit.rules.refusing import refused


def assert_refused(rule: str, caught: pytest.ExceptionInfo[RuleViolation]) -> None:
    assert rule in caught.value.codes
    assert caught.value.zh.strip() and caught.value.en.strip()


# --- A22: agencies ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "representative"), [("", "王五"), ("机构", " "), ("", "")])
def test_an_agency_is_registered_with_its_name_and_legal_representative(
    name: str, representative: str
) -> None:
    c.check_a22_3_registration("第三方评价机构", "王五")
    with refused("A22.3"):
        c.check_a22_3_registration(name, representative)


def test_misconduct_is_described() -> None:
    c.check_a22_1_described("报告数据造假")
    with refused("A22.1"):
        c.check_a22_1_described("  ")


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
    assert c.a22_3_counts_as(level, kind) == counts_as


def test_the_sixteenth_national_project_is_refused() -> None:
    c.check_a22_3_quota("national", {"national": 14, "provincial": 10})
    with pytest.raises(RuleViolation) as caught:
        c.check_a22_3_quota("national", {"national": 15})
    assert_refused("A22.3", caught)


def test_the_eleventh_provincial_project_is_refused() -> None:
    c.check_a22_3_quota("provincial", {"national": 15, "provincial": 9})
    with pytest.raises(RuleViolation) as caught:
        c.check_a22_3_quota("provincial", {"provincial": 10})
    assert_refused("A22.3", caught)


def test_projects_that_do_not_count_are_never_refused() -> None:
    c.check_a22_3_quota(None, {"national": 99, "provincial": 99})


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
        c.check_a23_1_real_name(name, contact, evidence)
    assert_refused("A23.1", caught)
    assert missing in caught.value.en


def test_a_report_with_name_contact_and_evidence_is_accepted() -> None:
    c.check_a23_1_real_name("张三", "13800000000", ["photo.jpg"])


def test_a_report_is_against_a_listed_unit_or_an_agency() -> None:
    for target in c.TARGETS:
        c.check_a23_1_target(target)
    with refused("A23.1"):
        c.check_a23_1_target("expert")
    c.check_a23_1_reportable(True)
    with refused("A23.1"):
        c.check_a23_1_reportable(False)


@pytest.mark.parametrize("city", [None, "330000", "330106", "110000"])
def test_a_report_against_an_agency_names_the_handling_city(city: str | None) -> None:
    assert c.check_a23_1_handling_city("330200") == "330200"
    with refused("A23.1"):
        c.check_a23_1_handling_city(city)


def test_only_the_handling_city_and_the_inspectors_see_the_reporter() -> None:
    c.check_a23_1_may_see_reporter(s.city_actor("330100"), "330100")
    c.check_a23_1_may_see_reporter(s.INSPECTOR, "330100")
    for actor in (s.city_actor("330200"), s.PROVINCE_ACTOR, Actor("a", Role.AUDITOR, "330000")):
        with refused("A23.1", OutOfJurisdiction):
            c.check_a23_1_may_see_reporter(actor, "330100")


# --- A23.2: verification ----------------------------------------------------------------------


def test_a_report_is_accepted_once_then_verified_once() -> None:
    c.check_a23_2_open(verified=False, accepted=False, accepting=True)
    c.check_a23_2_open(verified=False, accepted=True, accepting=False)
    with refused("A23.2"):
        c.check_a23_2_open(verified=False, accepted=True, accepting=True)
    with refused("A23.2"):
        c.check_a23_2_open(verified=False, accepted=False, accepting=False)
    for accepting in (True, False):
        with refused("A23.2") as caught:
            c.check_a23_2_open(verified=True, accepted=True, accepting=accepting)
        assert "already verified" in caught.value.en


def test_the_outcome_follows_whether_the_report_was_confirmed() -> None:
    assert c.check_a23_2_outcome("unit", True, "removal") is Outcome.REMOVAL
    assert c.check_a23_2_outcome("unit", False, "unfounded") is Outcome.UNFOUNDED
    with refused("A23.2"):
        c.check_a23_2_outcome("unit", True, "unfounded")
    with refused("A23.2"):
        c.check_a23_2_outcome("unit", False, "removal")
    assert c.check_a23_2_outcome("agency", True, "agency_misconduct") is Outcome.AGENCY_MISCONDUCT
    with refused("A22.1"):
        c.check_a23_2_outcome("agency", True, "rectification")
