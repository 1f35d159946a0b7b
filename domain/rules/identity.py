"""Identity and jurisdiction (ID.1-ID.3): who a unit is, where it is registered, who may act.

ID.1 is the unified social credit code (GB 32100-2015), ID.2 its registering division (GB/T
2260, 第九条第1项), ID.3 the role table and the jurisdiction of cities (第六条)."""

from __future__ import annotations

import unicodedata

from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from domain.errors import OutOfJurisdiction, RuleViolation
from domain.values import CITIES, PROVINCE, Actor, Role


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


def check_id1_name(name: str, code: str = "ID.1") -> str:
    """ID.1: a unit is registered under its name as well as its code. Returns it trimmed.

    A name is visible text: no control or invisible characters (a tab, a line break, U+2028,
    a byte-order mark, a zero-width space), which would put on a published list a name nobody
    can read, tell apart from another or copy into a spreadsheet intact (found by an outside
    attack, 2026-12-05; tokens' claims were already held to this). `code`: the rule a change
    of name applies (A20.1)."""
    if not name.strip():
        raise RuleViolation(code, zh="单位名称不能为空", en="the unit's name is required")
    hidden = sorted({f"U+{ord(c):04X}" for c in name if unicodedata.category(c) in HIDDEN})
    if hidden:
        raise RuleViolation(
            code,
            zh=f"单位名称含不可见或控制字符（{'、'.join(hidden)}）",
            en=f"the unit's name holds control or invisible characters ({', '.join(hidden)})",
        )
    return name.strip()


HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp"})
"""Unicode categories a name may not hold: controls, format characters, line and paragraph
separators."""


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


def check_id3_acts_for_itself(actor: Actor, credit_code: str) -> None:
    """ID.3: an enterprise acts only for itself (its actor id is its credit code)."""
    if actor.role is Role.ENTERPRISE and actor.id != credit_code:
        raise OutOfJurisdiction(
            "ID.3", zh="企业只能为本单位操作", en="an enterprise acts only for itself"
        )


def check_id3_submits_report(actor: Actor) -> None:
    """ID.3 (A12): a report is submitted by the enterprise itself or by a third-party agency."""
    if actor.role not in (Role.ENTERPRISE, Role.AGENCY):
        raise OutOfJurisdiction(
            "ID.3",
            zh="仅企业或第三方机构可提交评价报告",
            en="only the enterprise or an agency submits a report",
        )


def check_id3_handling_city(actor: Actor, city: str) -> None:
    """ID.3 (A23.2): only the city bureau handling a real-name report accepts and verifies it."""
    if actor.role is not Role.CITY or actor.region != city:
        raise OutOfJurisdiction(
            "ID.3",
            zh="仅受理举报的设区市可受理、核实",
            en="only the handling city bureau accepts and verifies a report",
        )
