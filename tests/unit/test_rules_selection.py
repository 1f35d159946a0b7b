"""The checks of identity, eligibility and selection (ID.1-3, A9-A16, A29) as pure functions:
values in, decision out, no store. Also: the catalogue matches the rule book."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date
from pathlib import Path

import pytest

from domain import draws
from domain.errors import JustificationRequired, OutOfJurisdiction, RuleViolation
from domain.rules import RULES, RULESET_VERSION, ruleset_on
from domain.rules import checks as c
from domain.rules.catalogue import PRIOR_RULESET
from domain.values import CITIES, PROVINCE, Actor, Level, Role, UnitKind
from simulation import scenarios as s

RULE_BOOK = Path(__file__).parents[2].parent / "shared/spec/rules.md"
D = date(2025, 9, 1)


@contextmanager
def refused(code: str, error: type[RuleViolation] = RuleViolation) -> Iterator[None]:
    """The check refuses, naming `code`, with a message in Chinese and English."""
    with pytest.raises(error) as info:
        yield
    assert code in info.value.codes
    assert info.value.zh.strip() and info.value.en.strip()


# --- catalogue ----------------------------------------------------------------------------


def test_the_catalogue_holds_exactly_the_codes_of_the_rule_book() -> None:
    if not RULE_BOOK.exists():
        pytest.skip(f"rule book not found at {RULE_BOOK}")
    rows = re.findall(r"^\| ((?:ID|A)[0-9.]+) \|", RULE_BOOK.read_text(), flags=re.MULTILINE)
    assert set(rows) == set(RULES)
    assert len(RULES) == 46
    for code, rule in RULES.items():
        assert rule.code == code
        assert rule.zh.strip() and rule.en.strip() and rule.article.strip(), code


# --- ID.1-ID.3 ----------------------------------------------------------------------------


def test_a_credit_code_with_a_wrong_check_character_is_refused() -> None:
    good = s.credit_code(1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert c.check_id1_credit_code(good) == good
    with refused("ID.1"):
        c.check_id1_credit_code(bad)


@pytest.mark.parametrize(
    "code", ["", "91330101000000001", "91330101000000001TT", "9133010A000000001T"]
)
def test_a_credit_code_of_the_wrong_length_or_format_is_refused(code: str) -> None:
    with refused("ID.1"):
        c.check_id1_credit_code(code)


def test_a_beijing_registration_is_refused() -> None:
    with refused("ID.2"):
        c.check_id2_city("91110000600037341L")


def test_a_province_level_registration_has_no_city_and_is_refused() -> None:
    with refused("ID.2"):
        c.check_id2_city(s.credit_code(1, "330000"))


@pytest.mark.parametrize("city", sorted(CITIES))
def test_each_of_the_eleven_cities_is_accepted(city: str) -> None:
    assert c.check_id2_city(s.credit_code(7, city)) == city


def test_a_county_registration_belongs_to_its_city() -> None:
    assert c.check_id2_city(s.credit_code(7, "330381")) == "330300"


def test_a_city_bureau_may_not_act_on_another_citys_unit() -> None:
    c.check_id3_jurisdiction(s.city_actor("330100"), "330100", Role.CITY)
    c.check_id3_jurisdiction(s.PROVINCE_ACTOR, "330200", Role.CITY, Role.PROVINCE)
    with refused("ID.3", OutOfJurisdiction):
        c.check_id3_jurisdiction(s.city_actor("330200"), "330100", Role.CITY)


def test_a_role_outside_the_act_is_refused() -> None:
    with refused("ID.3", OutOfJurisdiction):
        c.check_id3_jurisdiction(s.PUBLIC, "330100", Role.CITY, Role.PROVINCE)


def test_a_province_actor_must_act_for_the_province() -> None:
    impostor = Actor("x", Role.PROVINCE, "330100")
    with refused("ID.3", OutOfJurisdiction):
        c.check_id3_jurisdiction(impostor, PROVINCE, Role.PROVINCE)


# --- A9-A11 -------------------------------------------------------------------------------


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
    [(UnitKind.FACTORY, "A9.2"), (UnitKind.PARK, "A10.3"), (UnitKind.SUPPLY_CHAIN, "A11.3")],
)
def test_the_standards_are_shown_by_a_passing_report_of_the_level(
    kind: UnitKind, code: str
) -> None:
    with refused(code):
        c.check_passing_report(kind, [], Level.PROVINCIAL)
    with refused(code):
        c.check_passing_report(kind, ["municipal"], Level.PROVINCIAL)
    c.check_passing_report(kind, ["municipal", "provincial"], Level.PROVINCIAL)


# --- A13-A16 ------------------------------------------------------------------------------


def test_the_quota_plus_one_th_nomination_is_refused() -> None:
    c.check_a13_2_quota("330100", used=2, quota=3)
    with refused("A13.2"):
        c.check_a13_2_quota("330100", used=3, quota=3)
    with refused("A13.2"):
        c.check_a13_2_quota("330100", used=0, quota=0)


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


def test_an_in_principle_rule_needs_a_written_justification() -> None:
    assert c.in_principle("A14.2", True, "") == []
    with refused("A14.2", JustificationRequired):
        c.in_principle("A14.2", False, "   ")
    assert c.in_principle("A14.3", False, "行业龙头，市级名单尚在评选") == ["A14.3"]


def test_a_review_step_out_of_order_is_refused() -> None:
    c.check_stage("nominated", ["nominated"], "A15.1", "preliminary review")
    with refused("A15.1"):
        c.check_stage(None, ["nominated"], "A15.1", "preliminary review")


def test_the_notice_opened_on_d_runs_to_d_plus_14() -> None:
    assert c.notice_last_day(D) == date(2025, 9, 15)


def test_publication_on_day_14_is_refused_and_on_day_15_accepted() -> None:
    last = c.notice_last_day(D)
    with refused("A16.1"):
        c.check_a16_1_notice_over(last, s.at(date(2025, 9, 15), 23, 59, 59))
    with refused("A16.1"):
        c.check_a16_1_notice_over(None, s.at(date(2025, 12, 1)))
    c.check_a16_1_notice_over(last, s.at(date(2025, 9, 16), 0, 0, 0))


def test_an_objection_after_the_notice_is_refused() -> None:
    last = c.notice_last_day(D)
    c.check_a16_1_within_notice(last, s.at(date(2025, 9, 15), 23, 59, 59))
    with refused("A16.1"):
        c.check_a16_1_within_notice(last, s.at(date(2025, 9, 16), 0, 0, 0))


@pytest.mark.parametrize("signed", [[], ["ndrc"], ["eco_env"]])
def test_joint_publication_needs_both_co_signatures(signed: list[str]) -> None:
    with refused("A16.2"):
        c.check_a16_2_cosigned(signed)
    c.check_a16_2_cosigned(["eco_env", "ndrc"])


def test_a_panel_draw_is_reproducible_and_independent_of_the_candidates_order() -> None:
    candidates = [f"E{i:03d}" for i in range(20)]
    panel = draws.draw_panel("seed-1", candidates, 5)
    assert panel == draws.draw_panel("seed-1", list(reversed(candidates)), 5)
    assert len(set(panel)) == 5 and set(panel) <= set(candidates)


# --- A29 ----------------------------------------------------------------------------------


def test_the_ruleset_changes_on_26_june_2024() -> None:
    assert ruleset_on(date(2024, 6, 25)) == PRIOR_RULESET != RULESET_VERSION
    assert ruleset_on(date(2024, 6, 26)) == RULESET_VERSION
