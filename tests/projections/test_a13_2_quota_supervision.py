"""A13.2 in supervision (纪委 see every exception): a quota set by hand shows among the
exceptions with its justification, its city and number; a derived one does not; a quota
recorded before the basis was kept shows as set by hand, its justification saying so. The audit
trail says which basis each quota had. On both real stores, through the read models' runner."""

from __future__ import annotations

from datetime import date

import pytest

from domain.clock import SettableClock
from domain.events.round import BASIS_NOT_KEPT
from domain.service import Greenlist
from domain.values import Level
from projections.audit import Audit, audit_trail
from projections.engine.db import Db
from projections.engine.runner import Runner
from projections.supervision import OPENING_QUOTAS, Supervision, exceptions, overridden_rules
from simulation import scenarios as s
from tests.quotas_v1 import write_old_round

pytestmark = pytest.mark.stores("sqlite", "postgres")

P, PROV = s.PROVINCE_ACTOR, Level.PROVINCIAL
WHY = "丽水市山区26县扶持政策，经厅务会研究追加名额 / support for the mountain counties"


def test_a13_2_a_quota_set_by_hand_is_an_exception_the_committee_sees(
    app: Greenlist, views: Db, clock: SettableClock
) -> None:
    clock.set(s.at(date(2025, 3, 1)))
    service = app.unwrapped  # type: ignore[attr-defined]
    write_old_round(service, PROV, 2025, {"330100": 4, "331100": 4}, "330100", 9)
    app.derive_quota(P, PROV, 2025, "330200", 0.8, 14, 5, occurred_at=s.at(date(2025, 3, 2)))
    app.set_quota(P, PROV, 2025, "331100", 6, WHY, occurred_at=s.at(date(2025, 3, 3)))
    Runner(app, views, [Audit(), Supervision()]).catch_up()

    rows = [r for r in exceptions(views) if r["event_type"] == "QuotaSet"]
    assert [(r["detail"], r["justification"]) for r in rows] == [
        ("330100 quota 9 (manual)", BASIS_NOT_KEPT),
        ("331100 quota 6 (manual)", WHY),
    ]
    assert all(r["exceptions"] == "A13.2" and r["actor_id"] == P.id for r in rows)
    a13_2 = {r["rule"]: r for r in overridden_rules(views)}["A13.2"]
    assert a13_2["times"] == 3 and a13_2["article"] == "第十三条"  # with the opening quotas

    trail = [r["summary"] for r in audit_trail(views) if r["event_type"] == "QuotaSet"]
    assert "手工设定" in trail[0] and "记录依据之前设定" in trail[0]
    assert "按上年度入选率和培育体系测算" in trail[1] and "手工设定" in trail[2]


def test_a13_2_the_quotas_a_round_opens_with_are_set_by_hand_and_shown_as_such(
    app: Greenlist, views: Db, clock: SettableClock
) -> None:
    """Quotas given at the opening are neither derived nor justified one by one: supervision
    shows them with the opening's justification, or says that it gave none."""
    clock.set(s.at(date(2025, 3, 1)))
    app.open_round(P, PROV, 2025, {"330200": 3, "330100": 5}, occurred_at=s.at(date(2025, 3, 1)))
    app.open_round(P, Level.NATIONAL, 2025, {}, occurred_at=s.at(date(2025, 3, 1)))
    Runner(app, views, [Audit(), Supervision()]).catch_up()
    (opening,) = [r for r in exceptions(views) if r["event_type"] == "RoundOpened"]
    assert opening["detail"] == "330100 quota 5, 330200 quota 3 (opening)"
    assert opening["justification"] == OPENING_QUOTAS and opening["exceptions"] == "A13.2"
