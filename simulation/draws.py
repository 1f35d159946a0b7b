"""What the acts of a generated history say and score, for both stories (simulation.demo and
simulation.province): each draw takes the story's random generator and draws from it in a fixed
order, so that a seed gives the same history, event for event."""

from __future__ import annotations

import random
from typing import Any

from domain.rules.checks import NATIONAL_PROJECTS_PER_YEAR, PROVINCIAL_PROJECTS_PER_YEAR
from domain.values import Actor, UnitKind
from simulation.cast import Member
from simulation.scenarios import FACTS, city_actor, enterprise_actor

A22_3_LIMITS = {"provincial": PROVINCIAL_PROJECTS_PER_YEAR, "national": NATIONAL_PROJECTS_PER_YEAR}
"""Projects a year under one legal representative, by what a report counts as (A22.3)."""

PRELIMINARY_NOTES = {
    True: "材料齐全，指标体系符合要求",
    False: "材料不全：缺少近三年能源审计报告",
}
INSPECTION_NOTES = {
    True: "现场布局、工艺装备与报告一致",
    False: "现场能耗计量数据与评价报告不符",
}
OBJECTION = "公示期间收到实名异议：反映该单位固废处置台账不完整"
DECISION = {True: "经核查异议属实", False: "经核查异议不成立"}
ACCIDENT = "车间爆燃事故，造成重大人员伤亡（应急管理部门认定为重大事故）"
EVIDENCE = ("现场照片.jpg", "监测报告.pdf")
ACCEPTED = "受理，转核实"


def registrant(rng: random.Random, unit: Member) -> Actor:
    """Who registers the unit (ID.1-2): a company itself half of the time, else its city; a
    park always by its city."""
    by_itself = unit.kind is not UnitKind.PARK and rng.random() < 0.5
    return enterprise_actor(unit.code) if by_itself else city_actor(unit.city)


def cultivation(rng: random.Random, unit: Member) -> tuple[dict[str, Any], bool]:
    """The facts a city records when it takes the unit into its pool (A8-A11), a factory's
    site in a district of its city, and whether it is a priority (one in four)."""
    facts: dict[str, Any] = dict(FACTS[unit.kind])
    if unit.kind is UnitKind.FACTORY:
        facts["site_region"] = unit.city[:4] + rng.choice(("02", "03", "81", "82"))
    elif unit.kind is UnitKind.SUPPLY_CHAIN:
        facts["site_region"] = unit.city  # A11.1: operating in its city (no draw: same story)
    return facts, rng.random() < 0.25


def report_score(rng: random.Random, passed: bool) -> float:
    """An evaluation report's score (A12): 76-96 when it passes, 52-68 when it does not."""
    return round(rng.uniform(76, 96) if passed else rng.uniform(52, 68), 1)


def expert_score(rng: random.Random, passed: bool) -> float:
    """The expert panel's score (A15.2): 80-95 when it passes, 55-64 when it does not."""
    return round(rng.uniform(80, 95) if passed else rng.uniform(55, 64), 1)


def indicators(rng: random.Random) -> dict[str, Any]:
    """A yearly dynamic-management form's figures (A18)."""
    return {
        "energy_per_output_tce_per_10k_yuan": round(rng.uniform(0.05, 0.6), 3),
        "water_reuse_rate_pct": round(rng.uniform(60, 98), 1),
        "renewable_energy_share_pct": round(rng.uniform(3, 45), 1),
        "co2_emissions_t": rng.randrange(2_000, 180_000),
    }


def reporter(rng: random.Random) -> tuple[str, str]:
    """A real-name reporter (A23.1): a name and a mobile number."""
    name = rng.choice(("李娜", "王强", "张磊", "陈芳"))
    return name, f"138{rng.randrange(10**7, 10**8)}"


def record_source(ground: str) -> str:
    """Where a negative record (A17) was found: the enterprise credit register for abnormal
    operations (A17.1), 信用中国 for the others."""
    return "国家企业信用信息公示系统" if ground == "A17.1" else "信用中国"
