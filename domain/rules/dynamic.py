"""Dynamic management of listed units (A18-A21): yearly forms, removals, changes, re-reviews.

A18: a listed unit files its dynamic management form by 15 April; A19: removals, at the annual
publication (A19.1-3) or at once for a major accident (A19.4); A20: changes of name, scope,
address or boundary, re-checked by the city; A21: the five-yearly re-review. (The dates:
`domain.rules.calendar`.)"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from domain.errors import RuleViolation
from domain.rules.calendar import dynamic_form_deadline, nomination_deadline
from domain.rules.identity import check_id1_name
from domain.values import Level, local_date


def check_listed_at(listed: bool, level: Level, code: str) -> None:
    """A18, A19, A20.2, A21, A23.2 (`code`: the rule of the act): dynamic management acts on a
    unit on the list of that level."""
    if not listed:
        raise RuleViolation(
            code,
            zh=f"该单位不在{level.value}名单中",
            en=f"the unit is not on the {level.value} list",
        )


# --- A18: the yearly form ------------------------------------------------------------------


class FormStatus(Enum):
    """How a year's form was recorded (A18; overdue leads to removal, A19.2)."""

    SUBMITTED = "submitted"
    LATE = "late"
    OVERDUE = "overdue"


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


def check_a18_listed_in(year: int, listed_on: date | None) -> None:
    """A18: a form is owed for a year in which the unit was listed (as the overdue mark asks: a
    form for an earlier year would settle a deadline that never was)."""
    if listed_on is None or listed_on.year > year:
        raise RuleViolation(
            "A18", zh=f"{year}年度尚未列入名单", en=f"the unit was not listed in {year}"
        )


def check_a18_not_recorded(year: int, recorded: FormStatus | None) -> None:
    """A18: a year's form is recorded once (submitted, late or overdue)."""
    if recorded is not None:
        raise RuleViolation(
            "A18", zh=f"{year}年度动态管理表已处理", en=f"the {year} form is already recorded"
        )


def check_a18_overdue(year: int, at: datetime) -> None:
    """A18: a form is overdue only after its 15 April deadline."""
    if local_date(at) <= dynamic_form_deadline(year):
        raise RuleViolation(
            "A18",
            zh=f"{year}年度动态管理表截止日期未到",
            en=f"the {year} dynamic form is not yet due (15 April {year + 1})",
        )


def form_status(year: int, on: date) -> FormStatus:
    """A18: a form after 15 April of the next year is recorded as late."""
    return FormStatus.LATE if on > dynamic_form_deadline(year) else FormStatus.SUBMITTED


# --- A19: removals -------------------------------------------------------------------------

DEFERRED_GROUNDS = frozenset({"A19.1", "A19.2", "A19.3"})
"""A19.1-3: the grounds of a removal decided now and applied at the annual publication."""


def check_a19_deferred_ground(ground: str) -> None:
    """A19.1, A19.2, A19.3: a removal decided for the annual publication cites one of them."""
    if ground not in DEFERRED_GROUNDS:
        raise RuleViolation(
            ground,
            zh="移出依据须为A19.1、A19.2或A19.3",
            en="a deferred removal cites A19.1, A19.2 or A19.3",
        )


def check_a19_listed(listed: bool, ground: str) -> None:
    """A19.1-3: only a listed unit is removed (`ground`: the removal's)."""
    if not listed:
        raise RuleViolation(ground, zh="该单位不在该级名单中", en="the unit is not on that list")


# --- A20: changes --------------------------------------------------------------------------


class ChangeKind(Enum):
    """A20.1: the major changes a listed unit declares."""

    NAME = "name"
    SCOPE = "scope"
    ADDRESS = "address"
    BOUNDARY = "boundary"


class ChangeStatus(Enum):
    """A20.2: a declared change, then confirmed or rejected by the city's re-check."""

    DECLARED = "declared"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


def check_a20_1_change(listed: bool, kind: str, new_name: str) -> ChangeKind:
    """A20.1: a listed unit declares a change of name (with the new name), scope, address or
    boundary. Returns its kind."""
    if not listed:
        raise RuleViolation(
            "A20.1", zh="仅名单单位需申报变更", en="only listed units declare changes"
        )
    if kind not in {k.value for k in ChangeKind}:
        raise RuleViolation("A20.1", zh="变更类型无效", en=f"unknown change kind {kind!r}")
    if kind == ChangeKind.NAME.value and not new_name.strip():
        raise RuleViolation(
            "A20.1", zh="名称变更须提供新名称", en="a name change needs the new name"
        )
    if kind == ChangeKind.NAME.value:
        check_id1_name(new_name, "A20.1")
    return ChangeKind(kind)


def check_a20_2_declared(status: ChangeStatus | None) -> None:
    """A20.2: the city re-checks a declared change, once."""
    if status is not ChangeStatus.DECLARED:
        raise RuleViolation("A20.2", zh="无待复核的变更", en="no declared change to re-check")


class OpinionAction(Enum):
    """A20.3: what the city's adjustment opinion proposes for a provincial or national unit
    after a confirmed change: the list shows the new name, the unit leaves the list, or it
    stays as it is."""

    RENAME = "rename"
    REMOVAL = "removal"
    KEEP = "keep"


def check_a20_3_with_recommendations(year: int, at: datetime) -> None:
    """A20.3 with A14.1: the city's adjustment opinions travel with its annual recommendations,
    so they are due by 30 June of the round's year, as the nominations are."""
    if local_date(at) > nomination_deadline(year):
        raise RuleViolation(
            ("A14.1", "A20.3"),
            zh=f"调整意见随年度推荐上报，已超过{year}年6月30日推荐截止时间",
            en=f"adjustment opinions travel with the annual recommendations: the {year} "
            "deadline (30 June, Asia/Shanghai) has passed",
        )


def check_a20_3_some(count: int) -> None:
    """A20.3: the city sends at least one opinion."""
    if count == 0:
        raise RuleViolation("A20.3", zh="未提交调整意见", en="no adjustment opinion sent")


def check_a20_3_opinion(
    action: str, listed: bool, confirmed: bool, already: bool, renamed: bool
) -> OpinionAction:
    """A20.3: an opinion concerns a unit on the round's list with changes the city confirmed
    (A20.2) and gave no opinion on yet; a rename needs a confirmed new name the list does not
    show. Returns the action."""
    if action not in {a.value for a in OpinionAction}:
        raise RuleViolation("A20.3", zh="调整意见无效", en=f"unknown opinion action {action!r}")
    if not listed:
        raise RuleViolation(
            "A20.3", zh="该单位不在本级名单中", en="the unit is not on the list of this level"
        )
    if not confirmed:
        raise RuleViolation(
            "A20.3",
            zh="调整意见须针对市级复核确认的变更",
            en="an opinion concerns changes the city's re-check confirmed (A20.2)",
        )
    if already:
        raise RuleViolation(
            "A20.3", zh="该变更已报送调整意见", en="an opinion on this change was already sent"
        )
    if action == OpinionAction.RENAME.value and not renamed:
        raise RuleViolation(
            "A20.3", zh="名单名称无需调整", en="the list already shows the unit's name"
        )
    return OpinionAction(action)


# --- A21: the five-yearly re-review --------------------------------------------------------


def check_a21_due(due: date, on: date) -> None:
    """A21: the re-review is recorded as due only from its due date."""
    if on < due:
        raise RuleViolation(
            "A21", zh=f"五年复核于{due.isoformat()}到期", en=f"the re-review is due on {due}"
        )
