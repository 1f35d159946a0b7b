"""The yearly selection's rounds and nominations (A13, A14): lists, quotas and the window.

A13.1: the municipal list is the city's own, with no provincial round; A13.2: the province
sets each city's quota of recommendations, weighing the city's cultivation system and its
previous year's selection rate (`derive_quota`, the documented formula; a quota set by hand
needs a written justification), and one beyond it is refused; A14.1: cities submit by 30 June;
A14.2 / A14.3: a nominee should in principle already be on the level below."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain.errors import JustificationRequired, RuleViolation
from domain.rules.calendar import nomination_deadline, nomination_window_closed_on
from domain.rules.stages import IN_SELECTION, Stage
from domain.values import CITIES, Level, local_date


def check_a13_1_round_level(level: Level) -> None:
    """A13.1: the cities select their municipal lists themselves: there is no municipal round."""
    if level is Level.MUNICIPAL:
        raise RuleViolation(
            "A13.1",
            zh="市级名单由设区市自行遴选，无省级轮次",
            en="municipal lists are selected by the cities, not in a round",
        )


def check_a13_1_not_listed(listed: bool) -> None:
    """A13.1: a unit is put on its city's municipal list once."""
    if listed:
        raise RuleViolation("A13.1", zh="已在市级名单中", en="already on the municipal list")


def check_a13_2_quota_valid(city: str, quota: int) -> None:
    """A13.2: a quota is set for one of the eleven cities, and is not negative."""
    if city not in CITIES or quota < 0:
        raise RuleViolation(
            "A13.2", zh=f"名额设置无效：{city}={quota}", en=f"invalid quota {city}={quota}"
        )


def check_a13_2_quota_covers(quota: int, used: int) -> None:
    """A13.2: a quota is never set below the nominations the city already made."""
    if quota < used:
        raise RuleViolation("A13.2", zh="名额不得低于已推荐数", en="quota below nominations made")


QUOTA_FORMULA = "A13.2/v1: round(base × (0.5 + previous_rate)) + pool_size // 10"
"""The formula's name, recorded with every derived quota (its version: a later formula gets a
new name, and the quotas derived by this one still say how they were derived)."""
POOL_PER_EXTRA = 10
"""One more recommendation per ten units in the city's cultivation pool (A8: the pool is the
city's cultivation system, 梯度培育体系; A13.2 weighs it)."""
NEUTRAL_RATE = Decimal("0.5")
"""A city that nominated nobody the previous year has no rate: it is weighed as neither good
nor bad (the factor is 1)."""
MAX_BASE = 1000


@dataclass(frozen=True)
class QuotaInputs:
    """What A13.2 weighs, as the province states it for one city and year:

    - `previous_rate`: the city's selection rate (入选率) at this level the previous year,
      listed / nominated (the selection_rates read model), or None when it nominated nobody;
    - `pool_size`: the units in the city's cultivation pool (培育库, A8), its cultivation system;
    - `base`: the city's share of the province's yearly target (省经信厅每年度工作目标分解任务)."""

    previous_rate: float | None
    pool_size: int
    base: int

    def stored(self) -> dict[str, Any]:
        """The inputs as the event records them, with the formula's name."""
        return {
            "previous_rate": self.previous_rate,
            "pool_size": self.pool_size,
            "base": self.base,
            "formula": QUOTA_FORMULA,
        }


def check_a13_2_quota_inputs(inputs: QuotaInputs) -> None:
    """A13.2: the formula's inputs are a rate between 0 and 1 (or none), a pool size and a base
    that are not negative (the base at most 1000)."""
    rate = inputs.previous_rate
    bad_rate = rate is not None and (not math.isfinite(rate) or not 0 <= rate <= 1)
    if bad_rate or inputs.pool_size < 0 or not 0 <= inputs.base <= MAX_BASE:
        raise RuleViolation(
            "A13.2",
            zh=f"名额测算依据无效：上年度入选率须在0到1之间，培育库数量和基数不得为负"
            f"（入选率={rate}，培育库={inputs.pool_size}，基数={inputs.base}）",
            en=f"invalid quota inputs: the previous rate must lie between 0 and 1, the pool "
            f"size and the base must not be negative (rate={rate}, pool={inputs.pool_size}, "
            f"base={inputs.base})",
        )


def derive_quota(inputs: QuotaInputs) -> int:
    """A13.2 ("结合本市梯度培育体系建设情况、上年度申报绿色制造名单单位入选率等因素后综合确定"):
    a city's quota from its inputs, by the formula `QUOTA_FORMULA`:

        quota = round_half_up(base × (0.5 + previous_rate)) + pool_size // 10

    The previous year's rate scales the base between half (nobody nominated was listed) and
    one and a half times (everyone was); a city with no rate keeps its base. The cultivation
    system adds one recommendation per ten units in the pool. Decimal arithmetic: the same
    inputs give the same quota on every machine, so anyone can recompute a recorded quota."""
    check_a13_2_quota_inputs(inputs)
    rate = NEUTRAL_RATE if inputs.previous_rate is None else Decimal(str(inputs.previous_rate))
    weighed = (Decimal(inputs.base) * (Decimal("0.5") + rate)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return int(weighed) + inputs.pool_size // POOL_PER_EXTRA


def check_a13_2_manual_justified(justification: str) -> list[str]:
    """A13.2: a quota set by hand, not by the formula, departs from what the article weighs:
    it needs a written justification, and is recorded as an exception the discipline
    inspection committee sees (supervision). Returns the exceptions taken."""
    if not justification.strip():
        raise JustificationRequired(
            "A13.2",
            zh="手工设定名额须提交书面说明（未按上年度入选率和培育体系测算）",
            en="a quota set by hand (not derived from the previous year's selection rate and "
            "the cultivation system) needs a written justification",
        )
    return ["A13.2"]


def check_a13_2_quota(city: str, used: int, quota: int) -> None:
    """A13.2: a city may not nominate beyond the quota the province set for it."""
    if used >= quota:
        raise RuleViolation(
            "A13.2",
            zh=f"{CITIES.get(city, city)}推荐名额{quota}个已用完",
            en=f"city {city} has used its quota of {quota} nominations",
        )


def check_a13_2_not_in_round(nominated: bool) -> None:
    """A13.2: a unit is nominated once in a round (lifecycle.md: a failed step ends the year's
    attempt)."""
    if nominated:
        raise RuleViolation(
            "A13.2",
            zh="该单位已在本轮推荐过",
            en="the unit was already nominated in this round",
        )


def check_a13_2_nominable(stage: Stage | None, level: Level) -> None:
    """A13.2: a unit already nominated for a level, or on its list, is not nominated again."""
    if stage in (*IN_SELECTION, Stage.LISTED):
        raise RuleViolation(
            "A13.2",
            zh=f"该单位已被推荐或已在{level.value}名单中",
            en=f"the unit is already nominated for or on the {level.value} list",
        )


def check_a14_1_deadline(year: int, at: datetime) -> None:
    """A14.1: cities submit by 30 June of the round's year; 1 July 00:00 is too late."""
    if local_date(at) > nomination_deadline(year):
        raise RuleViolation(
            "A14.1",
            zh=f"已超过{year}年6月30日推荐截止时间",
            en=f"the {year} recommendation deadline (30 June, Asia/Shanghai) has passed",
        )


def check_a14_1_window_over(year: int, on: date) -> None:
    """A14.1: the window is recorded as closed only from 1 July."""
    if on < nomination_window_closed_on(year):
        raise RuleViolation(
            "A14.1",
            zh=f"推荐截止日（{year}年6月30日）未过",
            en=f"the recommendation window of {year} is open until 30 June",
        )


def check_a14_1_in_review(notice_opened: bool, code: str) -> None:
    """A14.1 (and the step that asks, `code`): nothing is added to a round once its notice is
    open (A16.1)."""
    if notice_opened:
        raise RuleViolation(
            code, zh="本轮已进入公示或发布阶段", en="the round is past its review stage"
        )


def in_principle(code: str, satisfied: bool, justification: str) -> list[str]:
    """A14.2 / A14.3 ("原则上"), and A15.2's redraw of a panel: met, or overridden with a
    written justification, which is then recorded as an exception. Returns the exceptions
    taken."""
    if satisfied:
        return []
    if not justification.strip():
        raise JustificationRequired(
            code,
            zh="未满足“原则上”要求，须提交书面说明",
            en="an in-principle rule is not met: a written justification is required",
        )
    return [code]
