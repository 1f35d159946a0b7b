"""The yearly selection's rounds and nominations (A13, A14): lists, quotas and the window.

A13.1: the municipal list is the city's own, with no provincial round; A13.2: the province
sets each city's quota of recommendations, and one beyond it is refused; A14.1: cities submit
by 30 June; A14.2 / A14.3: a nominee should in principle already be on the level below."""

from __future__ import annotations

from datetime import date, datetime

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
