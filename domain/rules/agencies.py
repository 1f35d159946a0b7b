"""Third-party agencies (A22) and real-name reports (A23).

A22.1: an agency found falsifying or concealing is reported; A22.3: the agencies of one legal
representative do at most 15 national and 10 provincial projects a year. A23.1: anyone may
report a listed unit or an agency under their real name, with evidence and contact details,
and only the handling city and the inspectors see who did; A23.2: the handling city verifies
the report, and what follows depends on the outcome."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from domain.errors import OutOfJurisdiction, RuleViolation
from domain.values import CITIES, Actor, Level, Role, UnitKind

NATIONAL_PROJECTS_PER_YEAR = 15
PROVINCIAL_PROJECTS_PER_YEAR = 10


# --- A22: agencies -------------------------------------------------------------------------


def check_a22_3_registration(name: str, legal_representative: str) -> None:
    """A22.3: an agency is registered with its name and the legal representative whose yearly
    quota its projects count toward."""
    if not legal_representative.strip() or not name.strip():
        raise RuleViolation(
            "A22.3",
            zh="须登记机构名称和法定代表人",
            en="an agency needs a name and a legal representative",
        )


def check_a22_3_representative_id(id_number: str) -> str:
    """A22.3: the legal representative is identified by a valid resident ID number (居民身份证
    号码: length, birth date, place, check digit), so that the cap follows the person and not
    the way a name was typed. Returns its compact form (the one that is hashed)."""
    try:
        return str(ric.validate(id_number))
    except ValidationError:
        raise RuleViolation(
            "A22.3",
            zh="法定代表人居民身份证号码无效",
            en="the legal representative's resident ID number is not valid",
        ) from None


def check_a22_3_new_representative(same_person: bool) -> None:
    """A22.3: a change of legal representative names another person."""
    if same_person:
        raise RuleViolation(
            "A22.3",
            zh="新法定代表人与现任法定代表人为同一人",
            en="the new legal representative is the current one",
        )


def check_a22_1_described(description: str) -> None:
    """A22.1: a report of an agency's misconduct says what it was."""
    if not description.strip():
        raise RuleViolation("A22.1", zh="须说明问题", en="describe the misconduct")


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


# --- A23.1: filing a report ----------------------------------------------------------------

TARGETS = ("unit", "agency")
"""A23.1: what a real-name report is against."""


def a23_1_missing(name: str, contact: str, evidence: Iterable[str]) -> list[str]:
    """A23.1: what a real-name filing lacks of name, contact and evidence (also an objection
    to the notice, A16.1)."""
    missing = [
        label for label, value in (("name", name), ("contact", contact)) if not value.strip()
    ]
    if not [e for e in evidence if e.strip()]:
        missing.append("evidence")
    return missing


def check_a23_1_real_name(name: str, contact: str, evidence: Iterable[str]) -> None:
    """A23.1: a report carries the reporter's real name, contact details and evidence."""
    missing = a23_1_missing(name, contact, evidence)
    if missing:
        raise RuleViolation(
            "A23.1",
            zh=f"实名举报须提供姓名、联系方式和佐证材料，缺少：{', '.join(missing)}",
            en="a real-name report needs name, contact and evidence; missing: "
            + ", ".join(missing),
        )


def check_a23_1_target(target_type: str) -> None:
    """A23.1: a report is against a listed unit or a third-party agency."""
    if target_type not in TARGETS:
        raise RuleViolation(
            "A23.1",
            zh="举报对象须为名单单位或第三方机构",
            en="a report targets a listed unit or an agency",
        )


def check_a23_1_reportable(listed: bool) -> None:
    """A23.1: only a listed unit is reported."""
    if not listed:
        raise RuleViolation(
            "A23.1", zh="被举报单位不是名单单位", en="only listed units can be reported"
        )


def check_a23_1_handling_city(city: str | None) -> str:
    """A23.1 ("向所在设区市"): a report against an agency, which works province-wide, names the
    city that handles it. Returns it."""
    if city is None or city not in CITIES:
        raise RuleViolation(
            "A23.1",
            zh="举报第三方机构须指明受理的设区市",
            en="a report against an agency names the handling city",
        )
    return city


def check_a23_1_may_see_reporter(actor: Actor, city: str) -> None:
    """A23.1: only the handling city bureau and discipline inspection see who reported."""
    role, region = actor.role, actor.region
    if not (role is Role.INSPECTOR or (role is Role.CITY and region == city)):
        raise OutOfJurisdiction(
            "A23.1",
            zh="无权查看举报人信息",
            en="only the handling city bureau and inspectors see the reporter",
        )


# --- A23.2: verifying it -------------------------------------------------------------------


class Outcome(Enum):
    """A23.2: what a verified report leads to; the first three confirm it."""

    RECTIFICATION = "rectification"
    REMOVAL = "removal"
    AGENCY_MISCONDUCT = "agency_misconduct"
    UNFOUNDED = "unfounded"


OUTCOMES = tuple(o.value for o in Outcome)


def check_a23_2_open(verified: bool, accepted: bool, accepting: bool) -> None:
    """A23.2: a report is accepted for verification once, then verified once."""
    if verified:
        raise RuleViolation("A23.2", zh="该举报已核实", en="the report is already verified")
    if accepting and accepted:
        raise RuleViolation(
            "A23.2", zh="该举报已受理核实", en="the report is already accepted for verification"
        )
    if not accepting and not accepted:
        raise RuleViolation(
            "A23.2",
            zh="举报须先受理，方可核实",
            en="a report is accepted for verification before it is verified",
        )


def check_a23_2_outcome(target_type: str, confirmed: bool, outcome: str) -> Outcome:
    """A23.2: a confirmed report leads to rectification, removal or (A22.1) an agency's
    misconduct; an unconfirmed one is unfounded. One against an agency that is confirmed is
    handled under A22.1. Returns the outcome."""
    valid = OUTCOMES[:3] if confirmed else OUTCOMES[3:]
    if outcome not in valid:
        raise RuleViolation(
            "A23.2",
            zh=f"核实结论无效：{outcome}",
            en=f"outcome must be one of {', '.join(valid)}",
        )
    if target_type == "agency" and confirmed and outcome != Outcome.AGENCY_MISCONDUCT.value:
        raise RuleViolation(
            "A22.1",
            zh="第三方机构举报属实的按第二十二条处理",
            en="a confirmed report against an agency is handled under A22.1",
        )
    return Outcome(outcome)
