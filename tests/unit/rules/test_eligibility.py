"""Eligibility and the standards (A8-A12, domain.rules.eligibility) as pure functions."""

from __future__ import annotations

import math

import pytest

from domain.rules import eligibility as c
from domain.rules.levels import passed_levels
from domain.values import Level, UnitKind
from simulation import scenarios as s
from tests.unit.rules.refusing import refused

# --- A8, A9.1, A10.1-2, A11.1-2: who is cultivated ---------------------------------------------


def test_an_individual_business_is_not_a_factory_nor_a_supply_chain_company() -> None:
    code = s.credit_code(5, prefix="92")
    with refused("A9.1"):
        c.check_a9_1_registration_type(UnitKind.FACTORY, code)
    with refused("A11.1"):
        c.check_a9_1_registration_type(UnitKind.SUPPLY_CHAIN, code)
    c.check_a9_1_registration_type(UnitKind.PARK, code)
    c.check_a9_1_registration_type(UnitKind.FACTORY, s.credit_code(5))


@pytest.mark.parametrize(
    "change",
    [{"in_production": False}, {"manufacturing": None}, {"site_region": "110105"}],
)
def test_a_factory_not_producing_in_zhejiang_is_not_cultivated(change: dict[str, object]) -> None:
    c.check_a9_1_factory(s.FACTORY_FACTS)
    with refused("A9.1"):
        c.check_a9_1_factory({**s.FACTORY_FACTS, **change})


def test_a_park_share_of_exactly_50_percent_is_refused_and_50_01_accepted() -> None:
    with refused("A10.1"):
        c.check_a10_park({**s.PARK_FACTS, "value_added_share": 50})
    c.check_a10_park({**s.PARK_FACTS, "value_added_share": 50.01})


@pytest.mark.parametrize("share", [True, "60", -1, 100.5, math.nan])
def test_a_park_share_that_is_no_percentage_is_refused(share: object) -> None:
    with refused("A10.1"):
        c.check_a10_park({**s.PARK_FACTS, "value_added_share": share})


def test_a_park_without_a_boundary_or_a_plan_is_refused() -> None:
    with refused("A10.1"):
        c.check_a10_park({**s.PARK_FACTS, "legal_boundary": False})
    with refused("A10.2"):
        c.check_a10_park({**s.PARK_FACTS, "cultivation_plan_published": False})


def test_a_supply_chain_company_needs_to_lead_and_to_plan() -> None:
    c.check_a11_supply_chain(s.SUPPLY_CHAIN_FACTS)
    with refused("A11.1"):
        c.check_a11_supply_chain({**s.SUPPLY_CHAIN_FACTS, "chain_leader": False})
    with refused("A11.2"):
        c.check_a11_supply_chain({**s.SUPPLY_CHAIN_FACTS, "supplier_plan": False})


@pytest.mark.parametrize(
    ("kind", "code"),
    [(UnitKind.FACTORY, "A9.1"), (UnitKind.PARK, "A10.1"), (UnitKind.SUPPLY_CHAIN, "A11.1")],
)
def test_the_facts_are_checked_by_the_kind_of_unit(kind: UnitKind, code: str) -> None:
    c.check_cultivation_facts(kind, s.FACTS[kind])
    with refused(code):
        c.check_cultivation_facts(kind, {})


@pytest.mark.parametrize(
    ("kind", "code"),
    [(UnitKind.FACTORY, "A9.1"), (UnitKind.PARK, "A10.1"), (UnitKind.SUPPLY_CHAIN, "A11.1")],
)
def test_a_unit_never_cultivated_goes_no_further(kind: UnitKind, code: str) -> None:
    c.check_a8_cultivated(kind, True)
    with refused("A8") as caught:
        c.check_a8_cultivated(kind, False)
    assert caught.value.codes == ("A8", code)


def test_only_a_park_declares_members_each_by_a_valid_code() -> None:
    members = [s.credit_code(2), f" {s.credit_code(1).lower()} ", s.credit_code(2)]
    assert c.check_a10_1_members(UnitKind.PARK, members) == [s.credit_code(1), s.credit_code(2)]
    assert c.check_a10_1_members(UnitKind.FACTORY, []) == []
    with refused("A10.1"):
        c.check_a10_1_members(UnitKind.FACTORY, [s.credit_code(1)])
    with refused("ID.1"):
        c.check_a10_1_members(UnitKind.PARK, ["91330100BAD"])


# --- A9.2 / A10.3 / A11.3: the standards, shown by a passing report (A12) ----------------------


@pytest.mark.parametrize(
    ("kind", "code"),
    [(UnitKind.FACTORY, "A9.2"), (UnitKind.PARK, "A10.3"), (UnitKind.SUPPLY_CHAIN, "A11.3")],
)
def test_the_standards_are_shown_by_a_passing_report_of_the_level(
    kind: UnitKind, code: str
) -> None:
    with refused(code):
        c.check_passing_report(kind, [], Level.PROVINCIAL)
    with refused(code):
        c.check_passing_report(kind, [Level.MUNICIPAL], Level.PROVINCIAL)
    c.check_passing_report(kind, [Level.MUNICIPAL, Level.PROVINCIAL], Level.PROVINCIAL)


def test_a_higher_passing_report_shows_the_lower_standards() -> None:
    assert passed_levels(None) == frozenset()
    assert passed_levels(Level.MUNICIPAL) == {Level.MUNICIPAL}
    assert passed_levels(Level.NATIONAL) == set(Level)


@pytest.mark.parametrize("score", [-0.1, 100.01, math.nan, math.inf, True, "90"])
def test_a_score_is_a_number_from_0_to_100(score: object) -> None:
    c.check_score("A12", 0)
    c.check_score("A12", 100.0)
    with refused("A12"):
        c.check_score("A12", score)  # type: ignore[arg-type]
    with refused("A15.2"):
        c.check_score(("A15.1", "A15.2"), score)  # type: ignore[arg-type]
