"""Value types shared by the whole domain: levels, kinds, roles, actors, cities and time zones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
"""All dates and deadlines of the rules are in Asia/Shanghai (rules.md, conventions)."""

PROVINCE = "330000"
"""The region code of the province: the provincial department acts province-wide (ID.3)."""

CITIES: dict[str, str] = {
    "330100": "杭州",
    "330200": "宁波",
    "330300": "温州",
    "330400": "嘉兴",
    "330500": "湖州",
    "330600": "绍兴",
    "330700": "金华",
    "330800": "衢州",
    "330900": "舟山",
    "331000": "台州",
    "331100": "丽水",
}
"""The eleven cities (设区市) of Zhejiang (ID.2)."""


class Level(Enum):
    """The level of a green manufacturing list."""

    MUNICIPAL = "municipal"
    PROVINCIAL = "provincial"
    NATIONAL = "national"


class UnitKind(Enum):
    """What kind of applicant a unit is (第二条)."""

    FACTORY = "factory"
    PARK = "park"
    SUPPLY_CHAIN = "supply_chain"


class Role(Enum):
    """Who acts: the roles of lifecycle.md."""

    ENTERPRISE = "enterprise"
    AGENCY = "agency"
    CITY = "city"
    PROVINCE = "province"
    CODEPT = "codept"
    EXPERT = "expert"
    INSPECTOR = "inspector"
    AUDITOR = "auditor"
    PUBLIC = "public"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """Who performed an act: an id, a role and the region they act for; a co-publishing
    department's signatory also the department its credentials name (A16.2), which it signs
    for alone (domain.rules.jurisdiction). Events record the id, role and region."""

    id: str
    role: Role
    region: str
    department: str | None = None

    def covers(self, city: str) -> bool:
        """A region covers a city when it is that city, or the province for a province-wide
        role (ID.3). A city bureau or an enterprise never acts province-wide, whatever region
        its credentials claim (issue 9: a `city` actor of 330000 covers nothing)."""
        if self.region == city:
            return True
        return self.region == PROVINCE and self.role not in (Role.CITY, Role.ENTERPRISE)


def local_date(instant: datetime) -> date:
    """The calendar date of an instant in Asia/Shanghai."""
    return instant.astimezone(SHANGHAI).date()


def local_midnight(day: date) -> datetime:
    """The first instant of a calendar day in Asia/Shanghai."""
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def as_utc(instant: datetime) -> datetime:
    """Normalise an aware instant to UTC; naive instants are refused."""
    if instant.tzinfo is None:
        raise ValueError("instants must carry a time zone")
    return instant.astimezone(UTC)


def micros(instant: datetime) -> int:
    """An instant as integer microseconds since the epoch (a cheap, ordered key)."""
    delta = as_utc(instant) - datetime(1970, 1, 1, tzinfo=UTC)
    return delta // timedelta(microseconds=1)


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February falls back to the 28th."""
    return years_before(day, -years)
