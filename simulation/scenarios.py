"""Ready-made actors, credit codes and lifecycle paths: the demo data, and the building blocks
of the tests and benchmarks (they drive the real service, nothing is faked)."""

from __future__ import annotations

import hashlib
from contextlib import suppress
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from stdnum.cn import ric, uscc

from domain.errors import AlreadyExists, NotFound, RuleViolation
from domain.service import Greenlist
from domain.service.base import Receipt
from domain.values import PROVINCE, SHANGHAI, Actor, Level, Role, UnitKind

PROVINCE_ACTOR = Actor("jxt-staff-01", Role.PROVINCE, PROVINCE)
SYSTEM_ACTOR = Actor("scheduler", Role.SYSTEM, PROVINCE)
NDRC = Actor("ndrc-staff-01", Role.CODEPT, PROVINCE)
ECO_ENV = Actor("sthjt-staff-01", Role.CODEPT, PROVINCE)
PUBLIC = Actor("anonymous", Role.PUBLIC, PROVINCE)

FACTORY_FACTS: dict[str, Any] = {
    "legal_person_or_branch": True,
    "manufacturing": True,
    "in_production": True,
    "site_region": "330106",
}
PARK_FACTS: dict[str, Any] = {
    "legal_boundary": True,
    "unified_management": True,
    "manufacturing_and_energy": True,
    "value_added_share": 62.5,
    "cultivation_plan_published": True,
}
SUPPLY_CHAIN_FACTS: dict[str, Any] = {
    "legal_person_or_branch": True,
    "chain_leader": True,
    "creating_green_factory": True,
    "supplier_plan": True,
    "site_region": "330106",
    "site_address": "杭州市西湖区",
}
FACTS = {
    UnitKind.FACTORY: FACTORY_FACTS,
    UnitKind.PARK: PARK_FACTS,
    UnitKind.SUPPLY_CHAIN: SUPPLY_CHAIN_FACTS,
}


def credit_code(serial: int, city: str = "330100", prefix: str = "91") -> str:
    """A valid 18-character code (GB 32100-2015 check character) registered in `city`."""
    body = f"{prefix}{city[:4]}{serial % 100:02d}{serial:09d}"[:17]
    return body + uscc.calc_check_digit(body)


def city_actor(city: str = "330100") -> Actor:
    return Actor(f"jxj-{city}", Role.CITY, city)


def enterprise_actor(code: str) -> Actor:
    return Actor(code, Role.ENTERPRISE, code[2:6] + "00")


def agency_actor(code: str) -> Actor:
    return Actor(code, Role.AGENCY, code[2:6] + "00")


def at(day: date, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    """An instant on a calendar day in Asia/Shanghai."""
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


def report_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


ALL_QUOTAS = {
    c: 10
    for c in (
        "330100",
        "330200",
        "330300",
        "330400",
        "330500",
        "330600",
        "330700",
        "330800",
        "330900",
        "331000",
        "331100",
    )
}


def register_and_cultivate(
    app: Greenlist,
    code: str,
    kind: UnitKind = UnitKind.FACTORY,
    name: str = "",
    year: int = 2025,
    members: tuple[str, ...] = (),
) -> None:
    city = code[2:6] + "00"
    app.register_unit(
        city_actor(city),
        code,
        kind,
        name or f"示范工厂{code[-6:]}",
        members,
        occurred_at=at(date(year, 1, 10)),
    )
    app.cultivate(city_actor(city), code, year, FACTS[kind], occurred_at=at(date(year, 1, 11)))


def evaluate(
    app: Greenlist, code: str, level: Level, year: int = 2025, passed: bool = True
) -> None:
    app.submit_evaluation(
        enterprise_actor(code),
        code,
        level,
        year,
        report_hash(code + level.value),
        88.0,
        passed,
        occurred_at=at(date(year, 2, 1)),
    )


def list_municipally(app: Greenlist, code: str, year: int = 2025) -> None:
    """The unit's city puts it on the municipal list on 1 March (A13.1)."""
    app.list_municipally(city_actor(code[2:6] + "00"), code, occurred_at=at(date(year, 3, 1)))


def ensure_round(app: Greenlist, level: Level, year: int) -> None:
    with suppress(NotFound):  # opened already: no refused insert (a gap in PostgreSQL's log)
        app.get_round(level, year)
        return
    with suppress(AlreadyExists):
        app.open_round(PROVINCE_ACTOR, level, year, ALL_QUOTAS, occurred_at=at(date(year, 3, 1)))


def ensure_experts(app: Greenlist, count: int = 9) -> None:
    for i in range(count):
        with suppress(RuleViolation):
            app.enrol_expert(
                PROVINCE_ACTOR, f"E{i:03d}", f"专家{i}", credit_code(900 + i, "330100")
            )


def nominate_and_review(app: Greenlist, code: str, level: Level, year: int = 2025) -> None:
    """Nomination by 30 June, then the preliminary and expert reviews (A14-A15.2)."""
    nominate(app, code, level, year)
    review(app, code, level, year)


def nominate(app: Greenlist, code: str, level: Level, year: int = 2025) -> None:
    """The unit's city recommends it on 1 June, before the window closes (A14.1)."""
    city = code[2:6] + "00"
    app.nominate(
        city_actor(city), code, level, year, justification="", occurred_at=at(date(year, 6, 1))
    )


def review(app: Greenlist, code: str, level: Level, year: int = 2025) -> None:
    """The preliminary review on 5 July, the panel drawn on the 10th, its conclusion on the
    20th (A15.1, A15.2)."""
    app.record_preliminary_review(
        PROVINCE_ACTOR, code, level, True, occurred_at=at(date(year, 7, 5))
    )
    app.draw_expert_panel(
        PROVINCE_ACTOR,
        code,
        level,
        year,
        size=3,
        occurred_at=at(date(year, 7, 10)),
    )
    app.record_expert_review(
        PROVINCE_ACTOR, code, level, True, 90.0, occurred_at=at(date(year, 7, 20))
    )


def publish(app: Greenlist, level: Level, year: int = 2025, sample_size: int = 0) -> date:
    """Site sample, 15-day notice, co-signature and the joint publication (A15.3-A16.2).
    Returns the publication date."""
    sample_and_inspect(app, level, year, sample_size)
    opened = date(year, 9, 1)
    app.open_public_notice(PROVINCE_ACTOR, level, year, occurred_at=at(opened))
    published = opened + timedelta(days=15)
    if level is Level.PROVINCIAL:  # signed the morning of the publication, before it
        app.cosign_publication(NDRC, level, year, "ndrc", occurred_at=at(published, 9))
        app.cosign_publication(ECO_ENV, level, year, "eco_env", occurred_at=at(published, 9))
    app.publish_round(PROVINCE_ACTOR, level, year, occurred_at=at(published))
    return published


MIIT_PUBLISHED = (11, 20)
"""(month, day) MIIT publishes its national list in the scenarios: after the recommendation."""


def miit_document(year: int, serial: int = 1) -> str:
    """A MIIT document number (文号) as the ministry's notices are numbered."""
    return f"工信厅节函〔{year}〕{serial}号"


def recommend_to_miit(app: Greenlist, year: int = 2025, sample_size: int = 0) -> date:
    """Site sample, then the province's recommendation to MIIT of the national round's units
    past their reviews, on 1 September, with no notice (A15.3, A16.3). Returns its date."""
    sample_and_inspect(app, Level.NATIONAL, year, sample_size)
    recommended = date(year, 9, 1)
    app.recommend_to_miit(PROVINCE_ACTOR, year, occurred_at=at(recommended))
    return recommended


def miit_outcome(app: Greenlist, code: str, year: int = 2025, listed: bool = True) -> Receipt:
    """The province records MIIT's published outcome on a recommended unit (A16.3): listed or
    not, with MIIT's document number, published on MIIT_PUBLISHED of `year`."""
    published = at(date(year, *MIIT_PUBLISHED))
    return app.record_miit_outcome(
        PROVINCE_ACTOR, code, year, listed, miit_document(year), published
    )


def sample_and_inspect(app: Greenlist, level: Level, year: int, sample_size: int) -> None:
    """The weighted site sample on 1 August, each sampled unit inspected on the 10th (A15.3)."""
    app.draw_site_sample(
        PROVINCE_ACTOR,
        level,
        year,
        sample_size,
        seed=f"sample-{year}",
        occurred_at=at(date(year, 8, 1)),
    )
    for unit_id in app.get_round(level, year)["sample"] or []:
        code: str = app.repository.get(UUID(unit_id)).credit_code
        app.record_site_inspection(
            PROVINCE_ACTOR, code, level, True, occurred_at=at(date(year, 8, 10))
        )


def list_provincially(
    app: Greenlist,
    code: str,
    year: int = 2025,
    kind: UnitKind = UnitKind.FACTORY,
    members: tuple[str, ...] = (),
) -> None:
    """The whole path of one unit (a factory unless told) to the provincial list."""
    register_and_cultivate(app, code, kind, year=year, members=members)
    evaluate(app, code, Level.PROVINCIAL, year)
    list_municipally(app, code, year)
    ensure_round(app, Level.PROVINCIAL, year)
    ensure_experts(app)
    nominate_and_review(app, code, Level.PROVINCIAL, year)
    publish(app, Level.PROVINCIAL, year)


# --- Dynamic management, agencies and reports (A17-A23) ------------------------------------

INSPECTOR = Actor("jw-staff-01", Role.INSPECTOR, PROVINCE)
"""The department's discipline inspection committee (机关纪委): reads everything."""


def log_size(app: Greenlist) -> int:
    """How many events the store holds; a refused command leaves it unchanged."""
    return app.recorder.max_notification_id() or 0


def annual_publication(app: Greenlist, year: int) -> date:
    """The annual provincial publication of `year` (with or without new nominees), when the
    deferred removals and name adjustments take effect (A19.1-3, A20.3). Returns its date."""
    ensure_round(app, Level.PROVINCIAL, year)
    return publish(app, Level.PROVINCIAL, year)


def send_opinion(
    app: Greenlist,
    code: str,
    change_id: Any,
    action: str = "rename",
    year: int = 2026,
    level: Level = Level.PROVINCIAL,
) -> None:
    """A20.3: the unit's city sends its adjustment opinion on a confirmed change with its
    recommendations of `year`, on 1 June (A14.1)."""
    ensure_round(app, level, year)
    opinion = {"credit_code": code, "change_ids": [str(change_id)], "action": action}
    app.submit_adjustment_opinions(
        city_actor(app.get_unit(code).city), level, year, [opinion], at(date(year, 6, 1))
    )


def prepare_candidate(
    app: Greenlist,
    code: str,
    kind: UnitKind = UnitKind.FACTORY,
    year: int = 2025,
    members: tuple[str, ...] = (),
) -> None:
    """Registered, cultivated and with a passing provincial report (by 1 February), with the
    provincial round of `year` open: ready to be nominated."""
    register_and_cultivate(app, code, kind, year=year, members=members)
    evaluate(app, code, Level.PROVINCIAL, year)
    ensure_round(app, Level.PROVINCIAL, year)


def record_ground(
    app: Greenlist,
    code: str,
    ground: str,
    occurred_on: date,
    recorded_on: date,
    ended_on: date | None = None,
) -> Receipt:
    """The unit's city records an A17 ground on `recorded_on`. Returns the receipt (its details
    hold `record_id` and the levels whose removal is now pending)."""
    return app.record_negative_record(
        city_actor(code[2:6] + "00"),
        code,
        ground,
        occurred_on,
        "信用中国",
        f"第十七条情形 {ground}",
        ended_on=ended_on,
        occurred_at=at(recorded_on),
    )


def representative_id(person: str) -> str:
    """A valid resident ID number (居民身份证号码, 桐庐县, born 1960-1999) for a made-up person,
    the same every time for the same name (spaces around it ignored): in scenarios one name is
    one person, so agencies registered with it share the A22.3 quota."""
    n = int.from_bytes(hashlib.sha256(person.strip().encode()).digest()[:8], "big")
    born = date(1960, 1, 1) + timedelta(days=n % (40 * 365))
    body = f"330122{born:%Y%m%d}{n // 14600 % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def register_agency(app: Greenlist, serial: int, legal_representative: str) -> str:
    """A third-party evaluation agency registered by the province, its legal representative
    identified by `representative_id`. Returns its credit code."""
    code = credit_code(serial, "330100")
    app.register_agency(
        PROVINCE_ACTOR,
        code,
        f"第三方评价机构{serial}",
        legal_representative,
        representative_id(legal_representative),
    )
    return code


def list_provincially_together(app: Greenlist, *codes: str, year: int = 2025) -> None:
    """Like `list_provincially`, for several factories listed by the same publication."""
    for code in codes:  # in step: each stage of every unit before the next stage
        register_and_cultivate(app, code, year=year)
    for code in codes:
        evaluate(app, code, Level.PROVINCIAL, year)
    for code in codes:
        list_municipally(app, code, year)
    ensure_round(app, Level.PROVINCIAL, year)
    ensure_experts(app)
    for code in codes:  # every nomination by its 1 June, before the first review in July
        nominate(app, code, Level.PROVINCIAL, year)
    for code in codes:
        review(app, code, Level.PROVINCIAL, year)
    publish(app, Level.PROVINCIAL, year)


def major_accident(
    app: Greenlist,
    code: str,
    occurred_on: date,
    description: str = "重大生产安全事故",
    occurred_at: datetime | None = None,
) -> UUID:
    """A19.4 whole: the unit's city reports a grade II (重大) accident (off the municipal list
    at once), then the province takes the unit off the provincial list (and reports it to MIIT
    when it is on the national one). Returns the accident's id."""
    city = city_actor(code[2:6] + "00")
    report = app.report_accident(
        city, code, "safety", "II", occurred_on, description, occurred_at=occurred_at
    )
    accident_id: UUID = report.details["accident_id"]
    if report.details["awaiting_province"]:
        app.remove_after_accident(PROVINCE_ACTOR, code, accident_id, occurred_at=occurred_at)
    return accident_id
