"""Small steps shared by the rule scenarios of identity, eligibility, selection and publication
(test_rules_identity_eligibility.py, test_rules_selection.py, test_rules_publication.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import pytest

from domain.errors import RuleViolation
from domain.service import Greenlist
from domain.values import Level
from simulation import scenarios as s

YEAR = 2025
log_size = s.log_size
HZ, NB = "330100", "330200"
PROV, NAT = Level.PROVINCIAL, Level.NATIONAL
P = s.PROVINCE_ACTOR
D = date(YEAR, 9, 1)
"""The day the provincial notice opens in these scenarios."""


@contextmanager
def refused(
    app: Greenlist,
    code: str,
    unchanged: Callable[[], Any],
    error: type[RuleViolation] = RuleViolation,
) -> Iterator[None]:
    """The act is refused with `code` and messages in Chinese and English; what `unchanged()`
    reads (the versions of the aggregates involved) stays put and the store holds no new event."""
    before = unchanged(), log_size(app)
    with pytest.raises(error) as info:
        yield
    assert code in info.value.codes, info.value
    assert info.value.zh.strip() and info.value.en.strip()
    assert (unchanged(), log_size(app)) == before


def unit_version(app: Greenlist, code: str) -> Callable[[], int]:
    return lambda: app.get_unit(code).version


def versions(
    app: Greenlist, *codes: str, level: Level = PROV, year: int = YEAR
) -> Callable[[], tuple[int, ...]]:
    """The versions of some units and of the round of (level, year)."""
    return lambda: (
        *(app.get_unit(c).version for c in codes),
        app.get_round(level, year)["version"],
    )


def day(month: int, dom: int, h: int = 10, m: int = 0, sec: int = 0, year: int = YEAR) -> datetime:
    return s.at(date(year, month, dom), h, m, sec)


def last_event(events: list[Any], kind: str) -> Any:
    return [e for e in events if e.type == kind][-1]


def ready(app: Greenlist, code: str, level: Level = PROV, municipal: bool = True) -> None:
    """Registered, cultivated, a passing report of `level`, on the municipal list if asked; the
    round of `level` is open and the expert pool filled."""
    s.register_and_cultivate(app, code)
    s.evaluate(app, code, level)
    if municipal:
        s.list_municipally(app, code, YEAR)
    if level is not Level.MUNICIPAL:
        s.ensure_round(app, level, YEAR)
    s.ensure_experts(app)


def nominate(
    app: Greenlist, code: str, level: Level = PROV, when: datetime | None = None, **kw: Any
) -> Any:
    """The unit's own city nominates it (on 1 June unless `when`)."""
    city = s.city_actor(code[2:6] + "00")
    return app.nominate(city, code, level, YEAR, occurred_at=when or day(6, 1), **kw)


def under_notice(app: Greenlist, *codes: str) -> None:
    """Each unit through its reviews, an empty site sample, and the notice opened on D.
    Every unit is nominated (1 June) before the first is reviewed (July)."""
    for code in codes:
        ready(app, code)
    for code in codes:
        s.nominate(app, code, PROV, YEAR)
    for code in codes:
        s.review(app, code, PROV, YEAR)
    app.draw_site_sample(P, PROV, YEAR, 0, seed="none", occurred_at=day(8, 1))
    app.open_public_notice(P, PROV, YEAR, occurred_at=s.at(D))


def cosign_both(app: Greenlist) -> None:
    app.cosign_publication(s.NDRC, PROV, YEAR, "ndrc", occurred_at=day(9, 10))
    app.cosign_publication(s.ECO_ENV, PROV, YEAR, "eco_env", occurred_at=day(9, 10))
