"""A11.1 (第十一条第1项: 注册地和实际生产(经营)场所在浙江省行政区域范围内): a supply-chain company
is cultivated only when it operates in Zhejiang: its operating site is recorded with the facts of
the cultivation, and a site outside Zhejiang (or none) is refused naming A11.1, through the
service on every store (issue 12 item 7)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.rules.eligibility import operating_site
from domain.service import Greenlist
from domain.values import UnitKind
from simulation import scenarios as s
from tests.application.rules_steps import HZ, YEAR, day, last_event, refused, unit_version


def registered_supply_chain(app: Greenlist, serial: int) -> str:
    code = s.credit_code(serial)
    app.register_unit(
        s.city_actor(HZ), code, UnitKind.SUPPLY_CHAIN, f"供应链{serial}", occurred_at=day(1, 5)
    )
    return code


@pytest.mark.parametrize(
    "site",
    [{"site_region": "320506"}, {"site_region": "33"}, {"site_region": None}, {}],
    ids=["jiangsu", "not-a-region", "none", "unstated"],
)
def test_a11_1_a_supply_chain_company_operating_outside_zhejiang_is_not_cultivated(
    app: Greenlist, site: dict[str, Any]
) -> None:
    code = registered_supply_chain(app, 111)
    facts = {k: v for k, v in s.SUPPLY_CHAIN_FACTS.items() if k != "site_region"} | site
    with refused(app, "A11.1", unit_version(app, code)):
        app.cultivate(s.city_actor(HZ), code, YEAR, facts, occurred_at=day(1, 11))
    assert app.get_unit(code).pools == {}


def test_a11_1_the_operating_site_in_zhejiang_is_recorded_with_the_cultivation(
    app: Greenlist,
) -> None:
    code = registered_supply_chain(app, 112)
    facts = {**s.SUPPLY_CHAIN_FACTS, "site_region": "330206", "site_address": "宁波市北仑区"}
    app.cultivate(s.city_actor(HZ), code, YEAR, facts, occurred_at=day(1, 11))
    cultivated = last_event(app.unit_history(code), "Cultivated")
    assert "A11.1" in cultivated.rules
    assert operating_site(cultivated.data["facts"]) == "330206"
    assert cultivated.data["facts"]["site_address"] == "宁波市北仑区"


def test_a11_1_facts_recorded_before_the_site_was_asked_for_read_as_an_unknown_site() -> None:
    old = {k: v for k, v in s.SUPPLY_CHAIN_FACTS.items() if not k.startswith("site_")}
    assert operating_site(old) is None
