"""The protection of reporters and objectors (A23.1; A16.1 as the province applies A23.1's
real-name filing to objections), issue 14: who may disclose a sealed identity and on what
condition, who may order it erased, and when it is erased by itself.

A23.1 makes a report real-name so that the city can come back to the reporter; it does not make
the reporter's identity a record anyone may browse. So a disclosure is an act with a stated
reason, recorded and shown to discipline inspection, and the identity is kept no longer than
its handling needs: erased (its data key destroyed, domain.custody) by an order with a reason,
or at the end of the retention after the report or objection was closed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.errors import Erased, OutOfJurisdiction, RuleViolation
from domain.values import PROVINCE, Actor, Role, local_date

REPORT = ("A23.1",)
"""The codes an act on a reporter's sealed data names."""
OBJECTION = ("A16.1", "A23.1")
"""The codes an act on an objector's sealed data names."""

MIN_REASON = 4
"""A stated reason is a sentence, not a character (four characters of Chinese or more)."""


def check_disclosure_reason(reason: str, codes: tuple[str, ...]) -> str:
    """A disclosure states why the identity is needed (e.g. "核实需联系举报人"); refused
    without one (422): nothing is disclosed and nothing recorded."""
    return _stated(reason, codes, "查阅举报人（异议人）身份", "disclosing a reporter's "
                   "(objector's) identity")  # fmt: skip


def check_erasure_reason(reason: str, codes: tuple[str, ...]) -> str:
    """An order to erase states its reason (422 without one)."""
    return _stated(reason, codes, "删除举报人（异议人）个人信息", "erasing a reporter's "
                   "(objector's) personal data")  # fmt: skip


def _stated(reason: str, codes: tuple[str, ...], act_zh: str, act_en: str) -> str:
    stated = reason.strip()
    if len(stated) < MIN_REASON:
        raise RuleViolation(
            codes,
            zh=f"{act_zh}须说明理由（至少{MIN_REASON}个字）",
            en=f"{act_en} needs a stated reason (at least {MIN_REASON} characters)",
        )
    return stated


def check_may_erase_report(actor: Actor, city: str) -> None:
    """The handling city bureau, or the province, orders a report's personal data erased
    (ID.3: a city only its own reports); discipline inspection reads and changes nothing."""
    if actor.role is Role.PROVINCE and actor.region == PROVINCE:
        return
    if actor.role is Role.CITY and actor.region == city:
        return
    raise OutOfJurisdiction(
        ("A23.1", "ID.3"),
        zh="仅受理举报的设区市经信局或省经信厅可删除举报人个人信息",
        en="only the handling city bureau or the province erases a reporter's personal data",
    )


def check_may_erase_objection(actor: Actor) -> None:
    """The province, which handles objections (A16.1), orders an objector's data erased."""
    if actor.role is Role.PROVINCE and actor.region == PROVINCE:
        return
    raise OutOfJurisdiction(
        OBJECTION,
        zh="仅处理异议的省经信厅可删除异议人个人信息",
        en="only the province handling objections erases an objector's personal data",
    )


def erased(codes: tuple[str, ...], on: datetime | None, reason: str) -> Erased:
    """The refusal of any read of erased data: it says when and why it was erased."""
    if on is None:
        return Erased(
            zh="该个人信息的密钥已销毁，无法再读取",
            en="the key of this personal data was destroyed: it can no longer be read",
            codes=codes,
        )
    day = local_date(on).isoformat()
    return Erased(
        zh=f"该个人信息已于{day}删除（{reason}），无法再读取",
        en=f"this personal data was erased on {day} ({reason}) and can no longer be read",
        codes=codes,
    )


def retention_ends(closed_on: date, days: int) -> date:
    """The day a closed report's or objection's personal data is erased by itself: `days`
    (GREENLIST_REPORT_RETENTION_DAYS) after it was closed."""
    return closed_on + timedelta(days=days)
