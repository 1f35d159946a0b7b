"""Eligibility (A8-A12): who may be cultivated, and the standards a listing needs.

A8: the city puts eligible units in its cultivation pool; A9.1, A10.1-2, A11.1-2: what makes a
factory, a park or a supply-chain company eligible; A9.2, A10.3, A11.3: the standards of a
level, shown by a passing evaluation report (A12)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from domain.errors import RuleViolation
from domain.rules.identity import check_id1_credit_code
from domain.values import Level, UnitKind

FACTORY_FACTS = ("legal_person_or_branch", "manufacturing", "in_production")
PARK_FACTS = ("legal_boundary", "unified_management", "manufacturing_and_energy")
SUPPLY_CHAIN_FACTS = ("legal_person_or_branch", "chain_leader", "creating_green_factory")

ELIGIBILITY_RULE = {
    UnitKind.FACTORY: "A9.1",
    UnitKind.PARK: "A10.1",
    UnitKind.SUPPLY_CHAIN: "A11.1",
}
"""The article that makes each kind of unit eligible for cultivation."""
CULTIVATION_RULES = {
    UnitKind.FACTORY: ("A9.1",),
    UnitKind.PARK: ("A10.1", "A10.2"),
    UnitKind.SUPPLY_CHAIN: ("A11.1", "A11.2"),
}
"""The rules a cultivation of each kind applies (besides A8 and A17)."""
STANDARD_RULE = {UnitKind.FACTORY: "A9.2", UnitKind.PARK: "A10.3", UnitKind.SUPPLY_CHAIN: "A11.3"}
"""The article of each kind's standards, which every listing applies."""


def check_a9_1_registration_type(kind: UnitKind, code: str) -> None:
    """A9.1 / A11.1: a factory or supply-chain company is an enterprise (`91`); an individual
    business (`92`) or any other registrant type is not eligible. Parks are run by management
    bodies of any type."""
    if kind is UnitKind.PARK or code.startswith("91"):
        return
    article = "A9.1" if kind is UnitKind.FACTORY else "A11.1"
    raise RuleViolation(
        article,
        zh=f"登记管理机关及机构类别代码“{code[:2]}”不是企业（91），不符合申报主体要求",
        en=f"registrant type {code[:2]!r} is not an enterprise (91) and is not eligible",
    )


def check_a10_1_members(kind: UnitKind, members: Iterable[str]) -> list[str]:
    """A10.1: only a park, with its boundary, has enterprises inside it; each is named by a
    valid credit code (ID.1). Returns the codes, sorted and without repeats."""
    codes = sorted({check_id1_credit_code(code.strip().upper()) for code in members})
    if codes and kind is not UnitKind.PARK:
        raise RuleViolation(
            "A10.1", zh="只有园区可申报园区内企业", en="only a park declares enterprises inside it"
        )
    return codes


def _require(code: str, facts: Mapping[str, Any], names: Iterable[str]) -> None:
    missing = [n for n in names if facts.get(n) is not True]
    if missing:
        raise RuleViolation(
            code,
            zh=f"不符合培育对象条件：{', '.join(missing)}",
            en=f"not eligible for cultivation, unmet: {', '.join(missing)}",
        )


def operating_site(facts: Mapping[str, Any]) -> str | None:
    """A9.1 / A11.1: the region code (GB/T 2260) of the site where the unit actually produces
    or operates, as the city recorded it with the cultivation facts (`site_region`); None
    when unknown: facts recorded before a supply-chain company's site was asked for (issue 12
    item 7) name none, and their `Cultivated` events load and read as they were."""
    site = facts.get("site_region")
    return str(site) if site not in (None, "") else None


def check_site_in_zhejiang(code: str, facts: Mapping[str, Any], zh: str, en: str) -> None:
    """A9.1 / A11.1: the actual production (operating) site is in Zhejiang: its region code
    is one of Zhejiang's (33xxxx)."""
    site = operating_site(facts) or ""
    if not (len(site) == 6 and site.isdigit() and site.startswith("33")):
        raise RuleViolation(
            code,
            zh=f"实际{zh}场所（{site or '未填报'}）不在浙江省行政区域范围内",
            en=f"the {en} site ({site or 'not given'}) is not in Zhejiang (region 33xxxx)",
        )


def check_a9_1_factory(facts: Mapping[str, Any]) -> None:
    """A9.1: a legal person or independently accounting branch, actually manufacturing, whose
    production site is in Zhejiang."""
    _require("A9.1", facts, FACTORY_FACTS)
    check_site_in_zhejiang("A9.1", facts, "生产", "production")


def check_a10_park(facts: Mapping[str, Any]) -> None:
    """A10.1: boundary, one management body, manufacturing and energy supply, and an industrial
    value-added share of MORE than 50 % (exactly 50 is refused). A10.2: a published plan."""
    _require("A10.1", facts, PARK_FACTS)
    check_a10_1_value_added(facts.get("value_added_share", 0))
    _require("A10.2", facts, ("cultivation_plan_published",))


def check_a10_1_value_added(share: Any) -> None:
    """A10.1: the park's industrial value added is MORE than 50 % of its total (a percentage
    from 0 to 100; exactly 50 is refused)."""
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 100:
        raise RuleViolation(
            "A10.1",
            zh=f"工业增加值占比须为0至100之间的数值，而非{share!r}",
            en=f"the industrial value-added share is a percentage from 0 to 100, not {share!r}",
        )
    if not share > 50:
        raise RuleViolation(
            "A10.1",
            zh=f"工业增加值占比{share}%未超过50%",
            en=f"industrial value-added share {share} % is not more than 50 %",
        )


def check_a11_supply_chain(facts: Mapping[str, Any]) -> None:
    """A11.1 (第十一条第1项: "注册地和实际生产(经营)场所在浙江省行政区域范围内"): a chain leader
    creating its own green factory, registered (its credit code, A9.1 / ID.2) AND operating in
    Zhejiang: its operating site (`site_region`, a region code; `site_address` may say where)
    is recorded with the facts, and a site outside Zhejiang, or none, is refused.
    A11.2: a supplier plan."""
    _require("A11.1", facts, SUPPLY_CHAIN_FACTS)
    check_site_in_zhejiang("A11.1", facts, "生产（经营）", "operating")
    _require("A11.2", facts, ("supplier_plan",))


def check_cultivation_facts(kind: UnitKind, facts: Mapping[str, Any]) -> None:
    """A9.1, A10.1, A10.2, A11.1, A11.2 according to the kind of unit."""
    {
        UnitKind.FACTORY: check_a9_1_factory,
        UnitKind.PARK: check_a10_park,
        UnitKind.SUPPLY_CHAIN: check_a11_supply_chain,
    }[kind](facts)


def check_a8_cultivated(kind: UnitKind, cultivated: bool) -> None:
    """A8 with A9.1 / A10.1 / A11.1: only a unit the city found eligible and put in its
    cultivation pool is listed or recommended."""
    if not cultivated:
        raise RuleViolation(
            ("A8", ELIGIBILITY_RULE[kind]),
            zh="该单位未经设区市列为培育对象（资格未审核）",
            en="the unit was never put in a city's cultivation pool (eligibility unchecked)",
        )


def check_passing_report(kind: UnitKind, passed_levels: Iterable[Level], level: Level) -> None:
    """A9.2 / A10.3 / A11.3: the unit meets the standards of the level it seeks, shown by a
    passing evaluation report of that level (A12)."""
    if level not in set(passed_levels):
        raise RuleViolation(
            STANDARD_RULE[kind],
            zh=f"无{level.value}级通过的评价报告，未证明符合相关标准",
            en=f"no passing {level.value} evaluation report shows the standards are met",
        )


def check_score(code: str | tuple[str, ...], score: float) -> None:
    """A12 / A15.2: a score is a finite number from 0 to 100 (NaN compares false to both)."""
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 100:
        raise RuleViolation(
            code,
            zh=f"评分须为0至100之间的数值，而非{score!r}",
            en=f"a score is a number from 0 to 100, not {score!r}",
        )
