"""The checks: one small function per deciding rule, named after its code.

Each raises `RuleViolation` with the code and a message in Chinese and English, or returns
quietly. They are pure: values in, decision out; the caller passes the instant being decided.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from domain.calendar import DEFAULT_NOTICE_DAYS, Period
from domain.errors import JustificationRequired, OutOfJurisdiction, RuleViolation
from domain.values import (
    CITIES,
    PROVINCE,
    SHANGHAI,
    Actor,
    Level,
    Role,
    UnitKind,
    local_date,
    years_after,
    years_before,
)

# --- Values every event can carry (issue 9 item 7) -----------------------------------------

INT64 = 2**63
UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")
STORE_TAG = frozenset({"_type_", "_data_"})
"""The members of the object in which the event store's JSON transcoder tags its own values
(a date, a UUID): any other object of exactly these members would be decoded as one."""
PLAIN = frozenset({date, datetime, UUID})
"""Values the store's transcodings keep (as ISO text, hex): nothing to look into."""
UNSTORABLE = {
    "number": ("不是有限数值", "is not a finite number"),
    "integer": ("超出64位整数范围", "is an integer beyond 64 bits"),
    "text": ("含有NUL字符或孤立代理项", "holds a NUL character or a lone surrogate"),
    "tag": (
        "是仅含_type_与_data_的对象（事件存储的保留形式）",
        "is an object of exactly _type_ and _data_ (the event store's own tag)",
    ),
}


def unstorable(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first member of `value` (by path, such as `facts.x`) that no store keeps and gives
    back as it was, with the kind of fault (a key of `UNSTORABLE`); None if there is none.

    A non-finite float is written to the log as `Infinity` or `NaN`, which is not JSON: every
    later read of the history as JSON fails. An integer beyond 64 bits fits no BIGINT (and one
    of more than 4,300 digits cannot even be written as text). PostgreSQL's text refuses a NUL
    and UTF-8 has no lone surrogates. An object shaped like the store's own tag is decoded as
    a tagged value, and a bad one makes the whole history undecodable."""
    if _plainly_storable(value):
        return None
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                return where, "number"
        elif isinstance(item, int):
            if not -INT64 <= item < INT64:
                return where, "integer"
        elif isinstance(item, str):
            if UNSAFE_TEXT.search(item):
                return where, "text"
        elif isinstance(item, Mapping):
            if item.keys() == STORE_TAG:
                return where, "tag"
            for key, member in item.items():
                inner = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and UNSAFE_TEXT.search(key):
                    return inner, "text"
                stack.append((member, inner))
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend((v, f"{where}.{i}" if where else str(i)) for i, v in enumerate(item))
    return None


def _plainly_storable(value: Any) -> bool:
    """`unstorable`'s question for the usual case, fast (every recorded event is asked it):
    True when `value` is made only of plain JSON values that are fine; False when something
    is wrong or is of another type (a subclass, an enum), which the full walk then judges."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if not item.isprintable() and UNSAFE_TEXT.search(item):  # printable: no NUL, Cs
                return False
        elif kind is dict:
            if len(item) == 2 and item.keys() == STORE_TAG:
                return False
            for key in item:
                if type(key) is not str or (not key.isprintable() and UNSAFE_TEXT.search(key)):
                    return False
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        elif kind is float:
            if not math.isfinite(item):
                return False
        elif kind is int:
            if not -INT64 <= item < INT64:
                return False
        elif not (kind is bool or item is None or kind in PLAIN):
            return False
    return True


def check_storable(codes: Iterable[str], fields: Mapping[str, Any]) -> None:
    """The last line before the log (issue 9 item 7): every value of an event to be recorded
    is one the stores keep and give back (see `unstorable`); otherwise the act is refused
    under the rules it applies, nothing recorded. The API refuses the same input first."""
    found = unstorable(fields)
    if found:
        where, kind = found
        zh, en = UNSTORABLE[kind]
        raise RuleViolation(
            tuple(codes), zh=f"{where}的值无法记录：{zh}", en=f"{where} cannot be recorded: it {en}"
        )


def check_score(code: str | tuple[str, ...], score: float) -> None:
    """A12 / A15.2: a score is a finite number from 0 to 100 (NaN compares false to both)."""
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 100:
        raise RuleViolation(
            code,
            zh=f"评分须为0至100之间的数值，而非{score!r}",
            en=f"a score is a number from 0 to 100, not {score!r}",
        )


# --- Identity and jurisdiction -------------------------------------------------------------


def check_id1_credit_code(code: str) -> str:
    """ID.1: an 18-character unified social credit code with a valid check character."""
    try:
        return str(uscc.validate(code))
    except ValidationError as error:
        raise RuleViolation(
            "ID.1",
            zh=f"统一社会信用代码“{code}”无效：{error}",
            en=f"invalid unified social credit code {code!r}: {error}",
        ) from None


def check_id2_city(code: str) -> str:
    """ID.2 / A9.1: characters 3-8 are the registering division; it must lie in one of the
    eleven cities of Zhejiang. Returns the city code (设区市)."""
    region = code[2:8]
    city = region[:4] + "00"
    if not region.startswith("33") or city not in CITIES:
        raise RuleViolation(
            ("ID.2", "A9.1"),
            zh=f"登记管理机关行政区划{region}不在浙江省设区市范围内",
            en=f"registering division {region} is not in one of Zhejiang's cities",
        )
    return city


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


ROLES_ACTING_ON_UNITS = frozenset({Role.CITY, Role.PROVINCE})


def check_id3_role(actor: Actor, *roles: Role) -> None:
    """ID.3 and the role table: only the given roles may act (domain.rules.jurisdiction)."""
    if actor.role not in roles:
        raise OutOfJurisdiction(
            "ID.3",
            zh=f"角色“{actor.role.value}”无权执行此操作",
            en=f"role {actor.role.value!r} may not perform this act",
        )


def check_id3_jurisdiction(actor: Actor, city: str, *roles: Role) -> None:
    """ID.3: only the given roles may act; a city bureau acts only on its own city's units."""
    check_id3_role(actor, *roles)
    if actor.role is Role.CITY and actor.region not in CITIES:
        raise OutOfJurisdiction(
            "ID.3",
            zh=f"设区市经信局须属十一个设区市之一，不能以{actor.region}身份履职",
            en=f"a city bureau acts for one of the eleven cities, never for {actor.region}",
        )
    if actor.role in (Role.CITY, Role.ENTERPRISE) and not actor.covers(city):
        raise OutOfJurisdiction(
            "ID.3",
            zh=f"{actor.region}无权对{city}的单位履职",
            en=f"region {actor.region} may not act on units of city {city}",
        )
    if actor.role is Role.PROVINCE and actor.region != PROVINCE:
        raise OutOfJurisdiction(
            "ID.3", zh="省级操作须由省经信厅执行", en="provincial acts belong to the province"
        )


CLOCK_SKEW = timedelta(seconds=5)
"""How far an act's stated world time may lie ahead of its recording: clocks of the callers'
machines disagree by a few seconds, never by more (issue 9, item 3)."""


def check_not_future_dated(
    occurred_at: datetime, recorded_at: datetime, rules: Iterable[str]
) -> None:
    """Nothing is recorded as having happened after the instant it is recorded (A29: the log is
    a record of what happened). A deadline is judged at the later of the stated and the
    recorded time, so an act dated into the future would be judged past its deadline before
    the deadline has come: a publication before the notice's end (A16.1), a form overdue
    before 16 April (A18), a report counted in next year's quota (A22.3). Refused naming the
    rules the act would have applied."""
    if occurred_at <= recorded_at + CLOCK_SKEW:
        return
    codes = tuple(rules) or ("A29",)
    stated = occurred_at.astimezone(SHANGHAI).isoformat(timespec="seconds")
    now = recorded_at.astimezone(SHANGHAI).isoformat(timespec="seconds")
    raise RuleViolation(
        codes,
        zh=f"发生时间{stated}晚于记录时间{now}：不得记录尚未发生的事项",
        en=f"occurred_at {stated} is later than the recording instant {now}: an act cannot be "
        "dated in the future",
    )


# --- Eligibility for cultivation (A9-A11) --------------------------------------------------

FACTORY_FACTS = ("legal_person_or_branch", "manufacturing", "in_production")
PARK_FACTS = ("legal_boundary", "unified_management", "manufacturing_and_energy")
SUPPLY_CHAIN_FACTS = ("legal_person_or_branch", "chain_leader", "creating_green_factory")


def _require(code: str, facts: Mapping[str, Any], names: Iterable[str]) -> None:
    missing = [n for n in names if facts.get(n) is not True]
    if missing:
        raise RuleViolation(
            code,
            zh=f"不符合培育对象条件：{', '.join(missing)}",
            en=f"not eligible for cultivation, unmet: {', '.join(missing)}",
        )


def check_a9_1_factory(facts: Mapping[str, Any]) -> None:
    """A9.1: a legal person or independently accounting branch, actually manufacturing, whose
    production site is in Zhejiang."""
    _require("A9.1", facts, FACTORY_FACTS)
    if not str(facts.get("site_region", "")).startswith("33"):
        raise RuleViolation(
            "A9.1", zh="实际生产场所不在浙江省内", en="the production site is not in Zhejiang"
        )


def check_a10_park(facts: Mapping[str, Any]) -> None:
    """A10.1: boundary, one management body, manufacturing and energy supply, and an industrial
    value-added share of MORE than 50 % (exactly 50 is refused). A10.2: a published plan."""
    _require("A10.1", facts, PARK_FACTS)
    share = facts.get("value_added_share", 0)
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
    _require("A10.2", facts, ("cultivation_plan_published",))


def check_a11_supply_chain(facts: Mapping[str, Any]) -> None:
    """A11.1: a Zhejiang chain leader creating its own green factory; A11.2: a supplier plan."""
    _require("A11.1", facts, SUPPLY_CHAIN_FACTS)
    _require("A11.2", facts, ("supplier_plan",))


def check_cultivation_facts(kind: UnitKind, facts: Mapping[str, Any]) -> None:
    """A9.1, A10.1-2, A11.1-2 according to the kind of unit."""
    {
        UnitKind.FACTORY: check_a9_1_factory,
        UnitKind.PARK: check_a10_park,
        UnitKind.SUPPLY_CHAIN: check_a11_supply_chain,
    }[kind](facts)


ELIGIBILITY_RULE = {
    UnitKind.FACTORY: "A9.1",
    UnitKind.PARK: "A10.1",
    UnitKind.SUPPLY_CHAIN: "A11.1",
}
STANDARD_RULE = {UnitKind.FACTORY: "A9.2", UnitKind.PARK: "A10.3", UnitKind.SUPPLY_CHAIN: "A11.3"}


def check_passing_report(kind: UnitKind, passed_levels: Iterable[str], level: Level) -> None:
    """A9.2 / A10.3 / A11.3: the unit meets the standards of the level it seeks, shown by a
    passing evaluation report of that level (A12)."""
    if level.value not in set(passed_levels):
        raise RuleViolation(
            STANDARD_RULE[kind],
            zh=f"无{level.value}级通过的评价报告，未证明符合相关标准",
            en=f"no passing {level.value} evaluation report shows the standards are met",
        )


# --- The three-year negative list (A17) ----------------------------------------------------


@dataclass(frozen=True)
class NegativeRecord:
    """One A17 ground: when it occurred and, for continuing grounds, when it ended."""

    ground: str
    occurred_on: date
    ended_on: date | None
    whose: str


def a17_grounds_in_force(records: Iterable[NegativeRecord], on: date) -> list[NegativeRecord]:
    """A17: a ground counts when it happened (or, if continuing, ended or is still going) later
    than `on` minus three calendar years. Exactly three years to the day no longer counts."""
    horizon = years_before(on, 3)
    return [r for r in records if r.occurred_on <= on and _last_day(r, on) > horizon]


def _last_day(record: NegativeRecord, on: date) -> date:
    """A continuing ground (A17.1/5/6) lasts until it ended; the others happen on one day."""
    if record.ground in A17_CONTINUING:
        return record.ended_on or on
    return record.occurred_on


def check_a17_exclusions(records: Iterable[NegativeRecord], on: date) -> None:
    """A17.1-6: refuse a unit (for a park: or an enterprise inside it) with a ground in the
    last three years."""
    found = a17_grounds_in_force(records, on)
    if found:
        codes = tuple(sorted({r.ground for r in found}))
        whose = ", ".join(sorted({r.whose for r in found}))
        raise RuleViolation(
            codes,
            zh=f"近三年存在第十七条所列情形（{whose}）：{'、'.join(codes)}",
            en=f"article 17 ground within the last three years ({whose}): {', '.join(codes)}",
        )


def a17_lapses_on(record: NegativeRecord) -> date | None:
    """A17: the first day a ground no longer counts, three years to the day after it happened
    (a continuing ground: after it ended); None while a continuing ground goes on."""
    if record.ground in A17_CONTINUING and record.ended_on is None:
        return None
    last = record.ended_on if record.ground in A17_CONTINUING else record.occurred_on
    assert last is not None
    return years_after(last, 3)


A17_CONTINUING = frozenset({"A17.1", "A17.5", "A17.6"})
A17_GROUNDS = frozenset({"A17.1", "A17.2", "A17.3", "A17.4", "A17.5", "A17.6"})


# --- Selection (A13-A16) -------------------------------------------------------------------


def nomination_deadline(year: int) -> date:
    """A14.1: the last day to submit recommendations, 30 June (Asia/Shanghai, inclusive)."""
    return date(year, 6, 30)


def check_a14_1_deadline(year: int, at: datetime) -> None:
    """A14.1: cities submit by 30 June of the round's year; 1 July 00:00 is too late."""
    if local_date(at) > nomination_deadline(year):
        raise RuleViolation(
            "A14.1",
            zh=f"已超过{year}年6月30日推荐截止时间",
            en=f"the {year} recommendation deadline (30 June, Asia/Shanghai) has passed",
        )


def check_a13_2_quota(city: str, used: int, quota: int) -> None:
    """A13.2: a city may not nominate beyond the quota the province set for it."""
    if used >= quota:
        raise RuleViolation(
            "A13.2",
            zh=f"{CITIES.get(city, city)}推荐名额{quota}个已用完",
            en=f"city {city} has used its quota of {quota} nominations",
        )


def in_principle(code: str, satisfied: bool, justification: str) -> list[str]:
    """A14.2 / A14.3 ("原则上"): met, or overridden with a written justification, which is then
    recorded as an exception. Returns the exceptions taken."""
    if satisfied:
        return []
    if not justification.strip():
        raise JustificationRequired(
            code,
            zh="未满足“原则上”要求，须提交书面说明",
            en="an in-principle rule is not met: a written justification is required",
        )
    return [code]


def check_stage(
    actual: str | None, expected: Iterable[str], code: str | tuple[str, ...], act: str
) -> None:
    """A15.1-3: the review steps come in order."""
    allowed = tuple(expected)
    if actual not in allowed:
        raise RuleViolation(
            code,
            zh=f"评审环节顺序不符：当前为{actual or '未推荐'}，不能进行“{act}”",
            en=f"out of order: the unit is {actual or 'not nominated'}, cannot {act}",
        )


def check_a15_2_panel_member(expert_id: str, panel: Iterable[str] | None) -> None:
    """A15.2 (第十五条第三款: "专家组成员由浙江省绿色低碳领域专家库随机选取组成"): a unit is scored
    only by the experts drawn at random onto its panel; an expert of the pool who was not drawn
    for it (or before any panel is drawn) may not score it."""
    if panel is None:
        raise OutOfJurisdiction(
            "A15.2",
            zh="该单位尚未随机抽取专家组，不能评分",
            en="no expert panel was drawn for the unit: nobody may score it yet",
        )
    if expert_id not in panel:
        raise OutOfJurisdiction(
            "A15.2",
            zh=f"专家{expert_id}不在该单位随机抽取的专家组中，不能评分",
            en=f"expert {expert_id} is not on the panel drawn for the unit and may not score it",
        )


def check_a15_2_one_score(previous: float | None, justification: str) -> list[str]:
    """A15.2: each drawn expert scores a unit once; a correction of the expert's own score is
    taken only with a written justification, recorded as an exception that the discipline
    inspection committee (机关纪委, 现场监督) sees. Returns the exceptions taken."""
    if previous is None:
        return []
    if not justification.strip():
        raise JustificationRequired(
            "A15.2",
            zh=f"该专家已为该单位评分（{previous:g}分），更正评分须提交书面说明",
            en=f"this expert already scored the unit ({previous:g}): a correction needs a "
            "written justification",
        )
    return ["A15.2"]


SUPERVISED_ACTIVITIES = ("panel_draw", "expert_review", "site_inspection", "publication")
"""What the discipline inspection committee (机关纪委) records having supervised on site."""


def check_a15_2_supervised_activity(activity: str) -> None:
    """A15.2 (第十五条第三款: "由省经济和信息化厅机关纪委进行现场监督"): the committee records its
    on-site supervision of one of the round's activities."""
    if activity not in SUPERVISED_ACTIVITIES:
        raise RuleViolation(
            "A15.2",
            zh=f"未知的现场监督环节：{activity}",
            en=f"unknown activity to supervise on site: {activity!r}",
        )


NOTICE_DAYS = DEFAULT_NOTICE_DAYS


def notice_last_day(opened_on: date, period: Period | None = None) -> date:
    """A16.1: a notice opened on day D runs 15 days, D to D+14 inclusive (the length, and
    whether working days are counted, is configuration: domain.calendar.Period)."""
    return (period or Period()).last_day(opened_on)


def notice_over_on(last_day: date) -> date:
    """A16.1: the first day after the notice, when it ends and publication may follow."""
    return last_day + timedelta(days=1)


def nomination_window_closed_on(year: int) -> date:
    """A14.1: the first day on which recommendations for the year are refused (1 July)."""
    return nomination_deadline(year) + timedelta(days=1)


def check_a16_1_notice_over(last_day: date | None, at: datetime) -> None:
    """A16.1: no publication before the 15-day notice is over."""
    if last_day is None or local_date(at) <= last_day:
        raise RuleViolation(
            "A16.1",
            zh="公示期未满15日，不得发布",
            en="the 15-day public notice is not over: publication refused",
        )


def check_a16_1_within_notice(last_day: date | None, at: datetime) -> None:
    """A16.1: objections are raised during the notice."""
    if last_day is None or local_date(at) > last_day:
        raise RuleViolation(
            "A16.1",
            zh="不在公示期内，不能提出异议",
            en="objections are taken only during the notice",
        )


CO_PUBLISHERS = frozenset({"ndrc", "eco_env"})
"""A16.2: 省发展改革委 and 省生态环境厅 publish jointly with 省经信厅."""


def check_a16_2_cosigned(signed: Iterable[str]) -> None:
    """A16.2: the provincial list is published jointly by the three departments."""
    missing = CO_PUBLISHERS - set(signed)
    if missing:
        raise RuleViolation(
            "A16.2",
            zh=f"联合发布尚缺会签：{', '.join(sorted(missing))}",
            en=f"joint publication still lacks: {', '.join(sorted(missing))}",
        )


# --- Dynamic management (A18-A21) ----------------------------------------------------------


def dynamic_form_deadline(year: int) -> date:
    """A18: the form for reporting year Y is due 15 April of Y+1."""
    return date(year + 1, 4, 15)


def check_a18_year_begun(year: int, recorded_at: datetime) -> None:
    """A18: the form reports a year's key indicators, so there is none for a year that has not
    begun (issue 9 item 7). Judged by the service's clock (the recording instant, in
    Asia/Shanghai), never by the world time the act states."""
    current = local_date(recorded_at).year
    if year > current:
        raise RuleViolation(
            "A18",
            zh=f"{year}年度尚未开始（当前为{current}年），不能填报该年度动态管理表",
            en=f"the year {year} has not begun (it is {current}): there is no form for it yet",
        )


def check_a18_overdue(year: int, at: datetime) -> None:
    """A18: a form is overdue only after its 15 April deadline."""
    if local_date(at) <= dynamic_form_deadline(year):
        raise RuleViolation(
            "A18",
            zh=f"{year}年度动态管理表截止日期未到",
            en=f"the {year} dynamic form is not yet due (15 April {year + 1})",
        )


def dynamic_form_overdue_on(year: int) -> date:
    """A18: the first day the form for reporting year Y is overdue (16 April of Y+1)."""
    return dynamic_form_deadline(year) + timedelta(days=1)


REREVIEW_YEARS = 5


def rereview_due(listed_on: date, last_rereview: date | None) -> date:
    """A21: five years after listing or after the last re-review."""
    return years_after(last_rereview or listed_on, REREVIEW_YEARS)


# --- Agencies (A22) and reports (A23) ------------------------------------------------------

NATIONAL_PROJECTS_PER_YEAR = 15
PROVINCIAL_PROJECTS_PER_YEAR = 10


def a22_3_counts_as(level: Level, kind: UnitKind) -> str | None:
    """A22.3: national projects of every kind count toward the 15; provincial ones of factories
    and parks toward the 10; provincial supply chains and municipal projects do not count."""
    if level is Level.NATIONAL:
        return "national"
    if level is Level.PROVINCIAL and kind is not UnitKind.SUPPLY_CHAIN:
        return "provincial"
    return None


def check_a22_3_quota(counts_as: str | None, used: Mapping[str, int]) -> None:
    """A22.3: refuse the 16th national or the 11th provincial project of a legal representative."""
    limits = {"national": NATIONAL_PROJECTS_PER_YEAR, "provincial": PROVINCIAL_PROJECTS_PER_YEAR}
    if counts_as is not None and used.get(counts_as, 0) >= limits[counts_as]:
        raise RuleViolation(
            "A22.3",
            zh=f"同一法定代表人的第三方机构本年度{counts_as}评价项目已达{limits[counts_as]}项上限",
            en=f"this legal representative's agencies reached {limits[counts_as]} "
            f"{counts_as} projects this year",
        )


def check_a23_1_real_name(name: str, contact: str, evidence: Iterable[str]) -> None:
    """A23.1: a report carries the reporter's real name, contact details and evidence."""
    missing = [
        label
        for label, value in (("name", name.strip()), ("contact", contact.strip()))
        if not value
    ]
    if not [e for e in evidence if e.strip()]:
        missing.append("evidence")
    if missing:
        raise RuleViolation(
            "A23.1",
            zh=f"实名举报须提供姓名、联系方式和佐证材料，缺少：{', '.join(missing)}",
            en="a real-name report needs name, contact and evidence; missing: "
            + ", ".join(missing),
        )
