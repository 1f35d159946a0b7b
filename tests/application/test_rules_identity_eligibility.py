"""Scenarios of identity and jurisdiction (ID.1-3), eligibility for cultivation (A8-A11),
evaluation reports (A12) and the rule-set version (A29), through the service on every store.
Every refusal names its code, speaks Chinese and English, and records nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from domain.errors import NotFound, OutOfJurisdiction
from domain.rules import RULESET_VERSION
from domain.rules.catalogue import PRIOR_RULESET
from domain.service import Greenlist
from domain.values import Level, UnitKind
from simulation import scenarios as s
from tests.application.rules_steps import (
    HZ,
    NB,
    YEAR,
    day,
    last_event,
    refused,
    unit_version,
    versions,
)


def absent(app: Greenlist, code: str) -> Callable[[], bool]:
    """For refusals at registration: the unit does not exist before nor after."""

    def check() -> bool:
        with pytest.raises(NotFound):
            app.get_unit(code)
        return True

    return check


def register(app: Greenlist, code: str, kind: UnitKind = UnitKind.FACTORY) -> None:
    app.register_unit(
        s.city_actor(code[2:6] + "00"), code, kind, f"单位{code[-6:]}", occurred_at=day(1, 10)
    )


# --- ID.1-ID.3 ----------------------------------------------------------------------------


def test_registration_with_a_bad_check_character_is_refused(app: Greenlist) -> None:
    good = s.credit_code(11)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with refused(app, "ID.1", absent(app, bad)):
        register(app, bad)
    register(app, good)
    assert app.get_unit(good).credit_code == good


def test_registration_of_a_beijing_company_is_refused(app: Greenlist) -> None:
    beijing = "91110000600037341L"
    with refused(app, "ID.2", absent(app, beijing)):
        app.register_unit(
            s.PROVINCE_ACTOR, beijing, UnitKind.FACTORY, "北京某厂", occurred_at=day(1, 10)
        )


def test_a_ningbo_bureau_may_not_register_a_hangzhou_unit(app: Greenlist) -> None:
    code = s.credit_code(12, HZ)
    with refused(app, "ID.3", absent(app, code), OutOfJurisdiction):
        app.register_unit(
            s.city_actor(NB), code, UnitKind.FACTORY, "杭州某厂", occurred_at=day(1, 10)
        )
    register(app, code)
    assert app.get_unit(code).city == HZ


def test_a_ningbo_bureau_may_not_cultivate_a_hangzhou_unit(app: Greenlist) -> None:
    code = s.credit_code(13, HZ)
    register(app, code)
    with refused(app, "ID.3", unit_version(app, code), OutOfJurisdiction):
        app.cultivate(s.city_actor(NB), code, YEAR, s.FACTORY_FACTS, occurred_at=day(1, 11))
    app.cultivate(s.city_actor(HZ), code, YEAR, s.FACTORY_FACTS, occurred_at=day(1, 11))
    assert app.get_unit(code).pools == {str(YEAR): False}


def test_a_ningbo_bureau_may_not_nominate_a_hangzhou_unit(app: Greenlist) -> None:
    code = s.credit_code(14, HZ)
    s.register_and_cultivate(app, code)
    s.evaluate(app, code, Level.PROVINCIAL)
    app.list_municipally(s.city_actor(HZ), code, occurred_at=day(3, 1))
    s.ensure_round(app, Level.PROVINCIAL, YEAR)

    with refused(app, "ID.3", versions(app, code), OutOfJurisdiction):
        app.nominate(s.city_actor(NB), code, Level.PROVINCIAL, YEAR, occurred_at=day(6, 1))


def test_an_enterprise_may_not_submit_a_report_for_another_unit(app: Greenlist) -> None:
    mine, other = s.credit_code(15), s.credit_code(16)
    register(app, mine)
    register(app, other)
    with refused(app, "ID.3", unit_version(app, other), OutOfJurisdiction):
        app.submit_evaluation(
            s.enterprise_actor(mine),
            other,
            Level.MUNICIPAL,
            YEAR,
            "h",
            80.0,
            True,
            occurred_at=day(2, 1),
        )


# --- A8-A11 -------------------------------------------------------------------------------


def test_the_city_puts_an_eligible_unit_in_its_pool_as_a_priority(app: Greenlist) -> None:
    code = s.credit_code(20)
    register(app, code)
    app.cultivate(
        s.city_actor(HZ), code, YEAR, s.FACTORY_FACTS, priority=True, occurred_at=day(1, 11)
    )
    assert app.get_unit(code).pools == {str(YEAR): True}
    event = last_event(app.unit_history(code), "Cultivated")
    assert {"A8", "A9.1"} <= set(event.rules)
    assert event.data["priority"] is True and event.data["facts"] == s.FACTORY_FACTS


def test_an_individual_business_is_refused_as_a_factory(app: Greenlist) -> None:
    code = s.credit_code(21, prefix="92")
    with refused(app, "A9.1", absent(app, code)):
        register(app, code)


def test_an_individual_business_is_refused_as_a_supply_chain_company(app: Greenlist) -> None:
    code = s.credit_code(22, prefix="92")
    with refused(app, "A11.1", absent(app, code)):
        register(app, code, UnitKind.SUPPLY_CHAIN)


@pytest.mark.parametrize("change", [{"in_production": False}, {"site_region": "320100"}])
def test_a_factory_not_producing_in_zhejiang_is_not_cultivated(
    app: Greenlist, change: dict[str, Any]
) -> None:
    code = s.credit_code(23)
    register(app, code)
    facts = {**s.FACTORY_FACTS, **change}
    with refused(app, "A9.1", unit_version(app, code)):
        app.cultivate(s.city_actor(HZ), code, YEAR, facts, occurred_at=day(1, 11))
    assert app.get_unit(code).pools == {}


def test_a_park_with_exactly_half_industrial_value_added_is_refused(app: Greenlist) -> None:
    code = s.credit_code(24, prefix="12")
    register(app, code, UnitKind.PARK)
    half = {**s.PARK_FACTS, "value_added_share": 50}
    with refused(app, "A10.1", unit_version(app, code)):
        app.cultivate(s.city_actor(HZ), code, YEAR, half, occurred_at=day(1, 11))
    more = {**s.PARK_FACTS, "value_added_share": 50.01}
    app.cultivate(s.city_actor(HZ), code, YEAR, more, occurred_at=day(1, 12))
    assert {"A10.1", "A10.2"} <= set(last_event(app.unit_history(code), "Cultivated").rules)


def test_a_park_without_a_single_management_body_is_refused(app: Greenlist) -> None:
    code = s.credit_code(25, prefix="12")
    register(app, code, UnitKind.PARK)
    facts = {**s.PARK_FACTS, "unified_management": False}
    with refused(app, "A10.1", unit_version(app, code)):
        app.cultivate(s.city_actor(HZ), code, YEAR, facts, occurred_at=day(1, 11))


def test_a_park_without_a_published_cultivation_plan_is_refused(app: Greenlist) -> None:
    code = s.credit_code(26, prefix="12")
    register(app, code, UnitKind.PARK)
    facts = {**s.PARK_FACTS, "cultivation_plan_published": False}
    with refused(app, "A10.2", unit_version(app, code)):
        app.cultivate(s.city_actor(HZ), code, YEAR, facts, occurred_at=day(1, 11))


def test_a_supply_chain_company_that_does_not_lead_its_chain_is_refused(app: Greenlist) -> None:
    code = s.credit_code(27)
    register(app, code, UnitKind.SUPPLY_CHAIN)
    facts = {**s.SUPPLY_CHAIN_FACTS, "chain_leader": False}
    with refused(app, "A11.1", unit_version(app, code)):
        app.cultivate(s.city_actor(HZ), code, YEAR, facts, occurred_at=day(1, 11))


def test_a_supply_chain_company_without_a_supplier_plan_is_refused(app: Greenlist) -> None:
    code = s.credit_code(28)
    register(app, code, UnitKind.SUPPLY_CHAIN)
    facts = {**s.SUPPLY_CHAIN_FACTS, "supplier_plan": False}
    with refused(app, "A11.2", unit_version(app, code)):
        app.cultivate(s.city_actor(HZ), code, YEAR, facts, occurred_at=day(1, 11))
    app.cultivate(s.city_actor(HZ), code, YEAR, s.SUPPLY_CHAIN_FACTS, occurred_at=day(1, 12))
    assert {"A11.1", "A11.2"} <= set(last_event(app.unit_history(code), "Cultivated").rules)


# --- A9.2 / A10.3 / A11.3: the standards, shown by a passing report (A12) ------------------


@pytest.mark.parametrize(
    ("kind", "prefix", "rule"),
    [
        (UnitKind.FACTORY, "91", "A9.2"),
        (UnitKind.PARK, "12", "A10.3"),
        (UnitKind.SUPPLY_CHAIN, "91", "A11.3"),
    ],
)
def test_nomination_without_a_passing_report_of_the_level_is_refused(
    app: Greenlist, kind: UnitKind, prefix: str, rule: str
) -> None:
    code = s.credit_code(30, prefix=prefix)
    s.register_and_cultivate(app, code, kind)
    s.evaluate(app, code, Level.MUNICIPAL)
    app.list_municipally(s.city_actor(HZ), code, occurred_at=day(3, 1))
    s.evaluate(app, code, Level.PROVINCIAL, passed=False)
    s.ensure_round(app, Level.PROVINCIAL, YEAR)

    city = s.city_actor(HZ)
    with refused(app, rule, versions(app, code)):
        app.nominate(city, code, Level.PROVINCIAL, YEAR, occurred_at=day(6, 1))
    s.evaluate(app, code, Level.PROVINCIAL)
    app.nominate(city, code, Level.PROVINCIAL, YEAR, occurred_at=day(6, 2))
    assert rule in last_event(app.unit_history(code), "Nominated").rules


def test_the_municipal_list_needs_a_passing_report(app: Greenlist) -> None:
    code = s.credit_code(31)
    s.register_and_cultivate(app, code)
    with refused(app, "A9.2", unit_version(app, code)):
        app.list_municipally(s.city_actor(HZ), code, occurred_at=day(3, 1))


def test_a_self_evaluation_is_recorded_with_its_hash_score_and_result(app: Greenlist) -> None:
    code = s.credit_code(32)
    register(app, code)
    digest = s.report_hash("自评价报告")
    app.submit_evaluation(
        s.enterprise_actor(code),
        code,
        Level.PROVINCIAL,
        YEAR,
        digest,
        86.5,
        True,
        occurred_at=day(2, 1),
    )
    event = last_event(app.unit_history(code), "EvaluationSubmitted")
    assert "A12" in event.rules
    assert event.data["content_hash"] == digest and event.data["score"] == 86.5
    assert event.data["passed"] is True and event.data["evaluator"] == "self"
    assert (event.data["level"], event.data["year"]) == ("provincial", YEAR)


def test_a_third_party_report_names_the_agency_that_answers_for_it(app: Greenlist) -> None:
    code, agency = s.credit_code(33), s.credit_code(733)
    register(app, code)
    app.register_agency(
        s.PROVINCE_ACTOR,
        agency,
        "某评价机构",
        "王五",
        s.representative_id("王五"),
        occurred_at=day(1, 5),
    )
    app.submit_evaluation(
        s.agency_actor(agency), code, Level.PROVINCIAL, YEAR, "h", 91.0, True, occurred_at=day(2, 1)
    )
    event = last_event(app.unit_history(code), "EvaluationSubmitted")
    assert {"A12", "A22.3"} <= set(event.rules)
    assert event.data["evaluator"] == "third_party"
    assert event.data["agency_id"] == app.get_agency(agency)["id"]


# --- A29 ----------------------------------------------------------------------------------


def test_an_act_on_25_june_2024_records_the_prior_ruleset(app: Greenlist) -> None:
    before, after = s.credit_code(40), s.credit_code(41)
    city = s.city_actor(HZ)
    app.register_unit(
        city, before, UnitKind.FACTORY, "旧规厂", occurred_at=s.at(date(2024, 6, 25), 23, 59, 59)
    )
    app.register_unit(
        city, after, UnitKind.FACTORY, "新规厂", occurred_at=s.at(date(2024, 6, 26), 0, 0, 0)
    )
    assert app.unit_history(before)[0].ruleset == PRIOR_RULESET
    assert app.unit_history(after)[0].ruleset == RULESET_VERSION
    app.cultivate(city, before, 2024, s.FACTORY_FACTS, occurred_at=s.at(date(2024, 7, 1)))
    assert last_event(app.unit_history(before), "Cultivated").ruleset == RULESET_VERSION
