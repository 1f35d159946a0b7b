"""Accidents (A19.4, A17.2) and the follow-up of a report that asks for rectification (A23.2).

A19.4 (第十九条第二款): "发生重大及以上生产安全和质量事故、II级（重大）及以上突发环境污染事件的，
各设区市经济和信息化主管部门应实时上报省经济和信息化厅，各级经济和信息化主管部门及时将其移出各层面名单
并进行公告". Read here as:

- the accident's kind and grade are recorded. Production-safety and quality accidents are graded
  特别重大, 重大, 较大, 一般 and environmental emergencies I-IV; both scales are kept as the
  grades I (特别重大), II (重大), III (较大), IV (一般). Only grade II (重大) and above is an
  A19.4 accident: removed at once;
- every accident, whatever its grade, is an A17.2 ground ("发生安全、质量、环境污染等事故", no
  grade named): a lesser one (III, IV) removes nothing at once, but the unit is removed at the
  next annual publication like any A17 ground found while listed (A19.1), and is barred for three
  years;
- the city's report to the province is its own act, with the accident's date; "实时" (at once):
  a report recorded more than `REPORT_AT_ONCE_DAYS` after the accident is flagged late, for
  supervision (it is recorded all the same);
- "各级主管部门…移出各层面名单": each level's department removes from its own list. The city
  takes the unit off its municipal list in its report; the province takes it off the provincial
  list, and for the national list reports it to MIIT (工业和信息化部), whose removal the province
  records with MIIT's document number. A city bureau never removes from the provincial or
  national list (ID.3).

A23.2 (第二十三条第二款): a confirmed report that asks for rectification (整改) has a follow-up
due by a date: the city's own, or `RECTIFICATION_DAYS` after its verification; at most
`RECTIFICATION_MAX_DAYS`. The city records whether the unit rectified; one that did not is
removed at the annual publication (A19, as a confirmed report asking for removal is).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum

from domain.errors import OutOfJurisdiction, RuleViolation
from domain.values import Actor, Role


class AccidentKind(Enum):
    """A19.4 / A17.2: what kind of accident."""

    SAFETY = "safety"
    """生产安全事故 (production safety; A17.2 counts network and data security too)."""
    QUALITY = "quality"
    """质量事故."""
    ENVIRONMENT = "environment"
    """突发环境（污染）事件."""


class AccidentGrade(Enum):
    """The grade, on the scale both kinds share (I highest)."""

    I = "I"  # noqa: E741 (the grade's own name)
    """特别重大 (environmental grade I)."""
    II = "II"
    """重大 (environmental grade II): the least an A19.4 accident is."""
    III = "III"
    """较大."""
    IV = "IV"
    """一般."""


GRADE_NAMES = {"I": "特别重大", "II": "重大", "III": "较大", "IV": "一般"}
MAJOR_GRADES = frozenset({AccidentGrade.I, AccidentGrade.II})
"""A19.4: 重大及以上 (environmental: II级及以上)."""
REPORT_AT_ONCE_DAYS = 1
"""A19.4 "实时上报": a report recorded more than this many days after the accident is late."""
RECTIFICATION_DAYS = 90
"""A23.2: the default period a confirmed report's rectification is given (calendar days)."""
RECTIFICATION_MAX_DAYS = 365
"""A23.2: the longest period a city may give (a rectification never open for ever)."""


def check_a19_4_accident(kind: str, grade: str) -> tuple[AccidentKind, AccidentGrade]:
    """A19.4 / A17.2: a known kind and grade. Returns them."""
    kinds = [k.value for k in AccidentKind]
    if kind not in kinds:
        raise RuleViolation(
            "A17.2", zh=f"事故类型无效：{kind}", en=f"accident kind must be one of {kinds}"
        )
    grades = [g.value for g in AccidentGrade]
    if grade not in grades:
        raise RuleViolation(
            "A17.2", zh=f"事故等级无效：{grade}", en=f"accident grade must be one of {grades}"
        )
    return AccidentKind(kind), AccidentGrade(grade)


def is_major(grade: AccidentGrade) -> bool:
    """A19.4: grade II (重大) and above removes at once."""
    return grade in MAJOR_GRADES


def check_a19_4_occurred(occurred_on: date, on: date) -> None:
    """A19.4: an accident is reported after it happened."""
    if occurred_on > on:
        raise RuleViolation(
            "A19.4",
            zh="事故日期不能晚于上报日期",
            en="the accident cannot have happened after it is reported",
        )


def reported_late(occurred_on: date, on: date) -> bool:
    """A19.4 "实时上报": recorded more than `REPORT_AT_ONCE_DAYS` after the accident."""
    return (on - occurred_on).days > REPORT_AT_ONCE_DAYS


def check_a19_4_province_removes(actor: Actor) -> None:
    """A19.4 and ID.3: the provincial list is the province's to remove from, the national
    list MIIT's, which the province reports to; a city bureau removes only from its municipal
    list (in its report). Refused before anything is read."""
    if actor.role is Role.CITY:
        raise OutOfJurisdiction(
            ("ID.3", "A19.4"),
            zh="设区市经信局只能将单位移出市级名单；省级名单由省经信厅移出，国家级名单由省经信厅报工信部移出",
            en="a city bureau removes a unit from its municipal list only: the province removes "
            "it from the provincial list and reports it to MIIT for the national one",
        )


def check_a19_4_major(known: bool, major: bool) -> None:
    """A19.4: the province removes at once only for a reported major accident."""
    if not known:
        raise RuleViolation("A19.4", zh="未找到该事故的上报", en="no such accident was reported")
    if not major:
        raise RuleViolation(
            "A19.4",
            zh="较大及以下事故不立即移出，在发布年度名单时移出（第十九条第1项）",
            en="an accident below grade II is no ground for removal at once; the unit leaves "
            "at the annual publication (A19.1)",
        )


def check_a19_4_reported_to_miit(reported: bool) -> None:
    """A19.4: MIIT's removal follows the province's report to it."""
    if not reported:
        raise RuleViolation(
            "A19.4",
            zh="省经信厅尚未就该事故报工信部",
            en="the province has not reported the accident to MIIT",
        )


def check_a19_4_province_has_work(provincial: bool, national_unreported: bool) -> None:
    """A19.4: the province removes a unit still on its provincial list, or reports one still
    on the national list to MIIT; with neither there is nothing left for it to do."""
    if not (provincial or national_unreported):
        raise RuleViolation(
            "A19.4",
            zh="该单位已不在省级名单中，国家级名单亦无需再报工信部",
            en="the unit is off the provincial list and nothing is left to report to MIIT",
        )


def check_a19_4_document(document_number: str) -> str:
    """A19.4: MIIT's removal is recorded with its document number."""
    if not document_number.strip():
        raise RuleViolation("A19.4", zh="须填写工信部文号", en="MIIT's document number is required")
    return document_number.strip()


def rectification_due(verified_on: date, stated: date | None) -> date:
    """A23.2: the day the rectification is due: the city's own date, or `RECTIFICATION_DAYS`
    after its verification; after the verification, within `RECTIFICATION_MAX_DAYS`."""
    if stated is None:
        return verified_on + timedelta(days=RECTIFICATION_DAYS)
    latest = verified_on + timedelta(days=RECTIFICATION_MAX_DAYS)
    if not verified_on < stated <= latest:
        raise RuleViolation(
            "A23.2",
            zh=f"整改期限须在核实之后、{RECTIFICATION_MAX_DAYS}日之内（{latest.isoformat()}前）",
            en=f"the rectification is due after the verification and within "
            f"{RECTIFICATION_MAX_DAYS} days (by {latest.isoformat()})",
        )
    return stated


def check_a23_2_follow_up_open(required: bool, checked: bool) -> None:
    """A23.2: the result of a rectification is recorded once, for a report that asked for
    one."""
    if not required:
        raise RuleViolation(
            "A23.2", zh="该举报未要求整改", en="the report asked for no rectification"
        )
    if checked:
        raise RuleViolation(
            "A23.2", zh="整改结果已记录", en="the rectification's result is already recorded"
        )


def check_a23_2_overdue(due_on: date, on: date) -> None:
    """A23.2: a rectification is overdue only after its due date."""
    if on <= due_on:
        raise RuleViolation(
            "A23.2",
            zh=f"整改期限{due_on.isoformat()}未到",
            en=f"the rectification is due on {due_on.isoformat()}",
        )
