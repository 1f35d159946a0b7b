"""The public notice and the joint publication (A16, 第十六条).

A16.1: the proposed list is under public notice for 15 days; objections are raised during it,
and an upheld one keeps the unit off the list; nothing is published before it is over. A16.2:
the list is published jointly by 省经信厅, 省发展改革委 and 省生态环境厅. (How the notice's days
are counted: `domain.rules.calendar`.)"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from domain.errors import OutOfJurisdiction, RuleViolation
from domain.rules.agencies import a23_1_missing
from domain.values import PROVINCE, Actor, Role, local_date

CO_PUBLISHERS = frozenset({"ndrc", "eco_env"})
"""A16.2: 省发展改革委 and 省生态环境厅 publish jointly with 省经信厅."""


# --- A16.1: the notice and objections ------------------------------------------------------


def check_a16_1_not_open(opened: bool) -> None:
    """A16.1: a round's notice opens once."""
    if opened:
        raise RuleViolation("A16.1", zh="本轮已公示", en="the notice is already open")


def check_a16_1_opened(opened: bool) -> None:
    """A16.1: a notice is closed only once it was opened."""
    if not opened:
        raise RuleViolation("A16.1", zh="本轮尚未公示", en="no notice is open in this round")


def check_a16_1_ended(last_day: date, on: date, over_on: date) -> None:
    """A16.1: the notice is recorded as over only from the day after its last day."""
    if on < over_on:
        raise RuleViolation(
            "A16.1",
            zh=f"公示期至{last_day.isoformat()}，尚未结束",
            en=f"the notice runs until {last_day.isoformat()}",
        )


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


def check_a16_1_objection_grounds(summary: str) -> None:
    """A16.1: an objection states its grounds."""
    if not summary.strip():
        raise RuleViolation("A16.1", zh="异议须说明理由", en="an objection needs its grounds")


def check_a16_1_pending(pending: bool) -> None:
    """A16.1: only an objection raised and not yet decided is decided."""
    if not pending:
        raise RuleViolation("A16.1", zh="无待决异议", en="no such pending objection")


def check_a16_1_objections_decided(pending: bool) -> None:
    """A16.1: a unit is not published while an objection raised during its notice is open."""
    if pending:
        raise RuleViolation(
            "A16.1",
            zh="公示期异议尚未处理，不得发布",
            en="an objection raised during the notice is not decided yet: publication refused",
        )


# --- A16.1: objections filed by anyone, under their real name ------------------------------


def check_a16_1_real_name(name: str, contact: str, evidence: Iterable[str]) -> None:
    """A16.1 with A23.1: anyone may object during the notice, under their real name, with
    contact details and evidence, as a real-name report must (举报 A23.1)."""
    missing = a23_1_missing(name, contact, evidence)
    if missing:
        raise RuleViolation(
            ("A16.1", "A23.1"),
            zh=f"异议须实名提出，并提供联系方式和佐证材料，缺少：{', '.join(missing)}",
            en="an objection is raised under a real name with contact details and evidence; "
            "missing: " + ", ".join(missing),
        )


def check_a16_1_on_notice(on_notice: bool) -> None:
    """A16.1: an objection is against a unit on the proposed list under notice."""
    if not on_notice:
        raise RuleViolation(
            "A16.1",
            zh="该单位不在本轮公示名单中，不能对其提出异议",
            en="the unit is not on this round's proposed list under notice",
        )


def check_a16_1_may_see_objector(actor: Actor) -> None:
    """A16.1 (with A23.1's protection of reporters): only the province, which handles the
    objections, and discipline inspection see who objected; each look is recorded."""
    if actor.role not in (Role.PROVINCE, Role.INSPECTOR) or actor.region != PROVINCE:
        raise OutOfJurisdiction(
            ("A16.1", "A23.1"),
            zh="无权查看异议人信息",
            en="only the province handling objections and inspectors see the objector",
        )


def check_a16_1_unregistered(registered: bool) -> None:
    """A16.1: a filed objection is registered for handling once."""
    if registered:
        raise RuleViolation(
            "A16.1", zh="该异议已登记处理", en="the objection is already registered"
        )


def check_a16_1_registered(registered: bool, decided: bool) -> None:
    """A16.1: a filed objection is decided once, after the province registered it."""
    if not registered or decided:
        raise RuleViolation(
            "A16.1",
            zh="异议须先登记且尚未处理，方可作出处理决定",
            en="only a registered objection not yet decided is decided",
        )


def check_a16_1_not_filed(filed: bool) -> None:
    """A16.1: an objection filed by the public is decided on the objection itself, which records
    the outcome and its reasons with the unit's (never on the unit alone)."""
    if filed:
        raise RuleViolation(
            "A16.1",
            zh="公众实名提出的异议须在异议记录上作出处理决定",
            en="an objection filed by the public is decided on the objection itself",
        )


def check_a16_1_reasons(reasons: str) -> None:
    """A16.1: the decision on an objection states its reasons."""
    if not reasons.strip():
        raise RuleViolation(
            "A16.1",
            zh="异议处理决定须说明理由",
            en="the decision on an objection needs its reasons",
        )


def check_a16_1_filed_objections_handled(pending: int) -> None:
    """A16.1: nothing is published while an objection filed during the notice is not yet
    registered and decided."""
    if pending:
        raise RuleViolation(
            "A16.1",
            zh=f"公示期内收到的异议尚有{pending}件未处理，不得发布",
            en=f"{pending} objection(s) filed during the notice undecided: publication refused",
        )


# --- A16.2: the joint publication ----------------------------------------------------------


def check_a16_2_department(department: str) -> None:
    """A16.2: the co-publishers are 省发展改革委 (`ndrc`) and 省生态环境厅 (`eco_env`)."""
    if department not in CO_PUBLISHERS:
        raise RuleViolation(
            "A16.2",
            zh=f"未知会签部门：{department}",
            en=f"unknown co-publishing department {department!r}",
        )


def check_a16_2_signs_once(signed_already: bool) -> None:
    """A16.2: each department signs once, by its own signatory (one signatory, one department)."""
    if signed_already:
        raise RuleViolation(
            "A16.2",
            zh="每个部门由其本部门人员会签一次",
            en="each department signs once, by its own signatory",
        )


def check_a16_2_cosigned(signed: Iterable[str]) -> None:
    """A16.2: the provincial list is published jointly by the three departments."""
    missing = CO_PUBLISHERS - set(signed)
    if missing:
        raise RuleViolation(
            "A16.2",
            zh=f"联合发布尚缺会签：{', '.join(sorted(missing))}",
            en=f"joint publication still lacks: {', '.join(sorted(missing))}",
        )


def check_a16_2_not_published(published_on: date | None) -> None:
    """A16.2: a round is published once."""
    if published_on is not None:
        raise RuleViolation("A16.2", zh="本轮已发布", en="the round is already published")
