"""A13.2 (第十三条): "各市省级、国家级绿色制造名单单位推荐名额结合本市梯度培育体系建设情况、上年度
申报绿色制造名单单位入选率等因素后综合确定". A city's quota is derived from the previous year's
selection rate and its cultivation system by the documented formula, the inputs recorded with
it so that anyone can recompute it; or set by hand, which needs a written justification and is
recorded as an exception for the discipline inspection committee. A quota recorded before the
basis was kept reads as set by hand, with nothing invented for it. On every store."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.aggregates.round import round_id
from domain.errors import JustificationRequired
from domain.events import round as ro
from domain.rules.selection import QUOTA_FORMULA, QuotaInputs, derive_quota
from domain.service import Greenlist
from simulation import scenarios as s
from tests.application.rules_steps import HZ, NB, PROV, YEAR, P, day, nominate, ready, refused
from tests.quotas_v1 import write_old_round

WHY = "宁波市新增国家级园区培育对象，经厅务会研究追加名额 / two new parks under cultivation"


def quota_events(app: Greenlist) -> list[Any]:
    service = app.unwrapped  # type: ignore[attr-defined]
    events = service.events.get(round_id(PROV, YEAR))
    return [e for e in events if isinstance(e, ro.QuotaSet)]


def round_version(app: Greenlist) -> Any:
    return lambda: app.get_round(PROV, YEAR)["version"]


def test_a13_2_the_quota_is_derived_from_last_years_rate_and_the_pool_inputs_recorded(
    app: Greenlist,
) -> None:
    app.open_round(P, PROV, YEAR, {HZ: 4, NB: 4}, occurred_at=day(3, 1))
    receipt = app.derive_quota(P, PROV, YEAR, HZ, 0.75, 23, 4, occurred_at=day(3, 2))
    # round_half_up(4 × (0.5 + 0.75)) + 23 // 10 = 5 + 2
    assert receipt.details == {"basis": "derived", "quota": 7}
    assert app.get_round(PROV, YEAR)["quotas"] == {HZ: 7, NB: 4}
    (event,) = quota_events(app)
    assert (event.basis, event.quota, event.rules, event.exceptions) == (
        "derived",
        7,
        ["A13.2"],
        [],
    )
    assert event.inputs == {
        "previous_rate": 0.75,
        "pool_size": 23,
        "base": 4,
        "formula": QUOTA_FORMULA,
    }
    recomputed = QuotaInputs(event.inputs["previous_rate"], event.inputs["pool_size"], 4)
    assert derive_quota(recomputed) == event.quota  # anyone can recompute it from the record
    assert event.basis_kept


def test_a13_2_a_city_that_nominated_nobody_last_year_keeps_its_base_and_the_quota_binds(
    app: Greenlist,
) -> None:
    first, second = s.credit_code(61), s.credit_code(62)
    for code in (first, second):
        ready(app, code)
    app.derive_quota(P, PROV, YEAR, HZ, None, 9, 1, occurred_at=day(3, 2))
    assert app.get_round(PROV, YEAR)["quotas"][HZ] == 1
    nominate(app, first)
    with refused(app, "A13.2", round_version(app)):
        nominate(app, second)


@pytest.mark.parametrize(
    ("rate", "pool", "base"),
    [
        (1.5, 10, 4),
        (-0.1, 10, 4),
        (float("nan"), 10, 4),
        (0.5, -1, 4),
        (0.5, 10, -2),
        (0.5, 1, 1001),
    ],
)
def test_a13_2_inputs_the_formula_cannot_weigh_are_refused(
    app: Greenlist, rate: float, pool: int, base: int
) -> None:
    app.open_round(P, PROV, YEAR, {HZ: 4}, occurred_at=day(3, 1))
    with refused(app, "A13.2", round_version(app)):
        app.derive_quota(P, PROV, YEAR, HZ, rate, pool, base, occurred_at=day(3, 2))


def test_a13_2_a_quota_set_by_hand_needs_a_justification_and_is_an_exception(
    app: Greenlist,
) -> None:
    app.open_round(P, PROV, YEAR, {HZ: 4, NB: 4}, occurred_at=day(3, 1))
    with refused(app, "A13.2", round_version(app), JustificationRequired):
        app.set_quota(P, PROV, YEAR, NB, 6, occurred_at=day(3, 2))
    with refused(app, "A13.2", round_version(app), JustificationRequired):
        app.set_quota(P, PROV, YEAR, NB, 6, "   ", occurred_at=day(3, 2))
    receipt = app.set_quota(P, PROV, YEAR, NB, 6, WHY, occurred_at=day(3, 2))
    assert receipt.details == {"basis": "manual", "quota": 6}
    (event,) = quota_events(app)
    assert (event.basis, event.inputs, event.quota) == ("manual", {}, 6)
    assert (event.exceptions, event.justification) == (["A13.2"], WHY)
    assert app.get_round(PROV, YEAR)["quotas"][NB] == 6


def test_a13_2_a_derived_quota_is_never_below_the_nominations_made(app: Greenlist) -> None:
    first, second = s.credit_code(63), s.credit_code(64)
    for code in (first, second):
        ready(app, code)
    nominate(app, first)
    nominate(app, second, when=day(6, 2))
    with refused(app, "A13.2", round_version(app)):  # 1 × (0.5 + 0) + 0: rounds to 1 < 2
        app.derive_quota(P, PROV, YEAR, HZ, 0.0, 0, 1, occurred_at=day(6, 3))


def test_a13_2_a_quota_recorded_before_the_basis_was_kept_reads_as_set_by_hand(
    app: Greenlist,
) -> None:
    service = app.unwrapped  # type: ignore[attr-defined]
    service.clock.set(s.at(date(YEAR, 3, 1)))
    write_old_round(service, PROV, YEAR, {HZ: 4, NB: 4}, HZ, 9)
    assert app.get_round(PROV, YEAR)["quotas"] == {HZ: 9, NB: 4}
    (old,) = quota_events(app)
    assert (old.basis, old.inputs, old.justification, old.exceptions) == ("manual", {}, "", [])
    assert not old.basis_kept  # recorded before the basis was kept
    app.derive_quota(P, PROV, YEAR, HZ, 0.5, 0, 4, occurred_at=day(3, 2))  # the round acts on
    assert app.get_round(PROV, YEAR)["quotas"][HZ] == 4
    assert [e.basis for e in quota_events(app)] == ["manual", "derived"]
