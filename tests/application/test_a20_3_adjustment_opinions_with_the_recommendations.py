"""A20.3 (第二十条: 涉及省级、国家级名单的调整意见随年度推荐上报，在发布年度名单时公告和变更):
a confirmed change of a provincial unit waits for the city's adjustment opinion; the city sends
it with its annual recommendations (by 30 June, A14.1), as one act on the round; the province
applies it at the annual publication (issue 12 item 7), on every store."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.errors import OutOfJurisdiction
from domain.service import Greenlist
from domain.values import Level
from simulation import scenarios as s
from simulation.scenarios import at
from tests.refusals import refused

P = Level.PROVINCIAL
NEW_NAME = "浙江绿色动力科技有限公司"
CITY = s.city_actor("330100")


def renamed_and_rechecked(
    app: Greenlist, serial: int, still_meets: bool = True, *, units: int = 1
) -> list[tuple[str, str]]:
    """Provincial units declare a rename in their 2025 form on 1 April 2026; the city confirms
    each on 20 April. Returns each unit's code and change id."""
    codes = [s.credit_code(serial + i) for i in range(units)]
    s.list_provincially_together(app, *codes)
    change = {"change_kind": "name", "description": "更名", "new_name": NEW_NAME}
    changes = []
    for code in codes:
        form = app.submit_dynamic_form(
            s.enterprise_actor(code),
            code,
            P,
            2025,
            {},
            occurred_at=at(date(2026, 4, 1)),
            changes=[change],
        )
        changes.append((code, str(form.details["change_ids"][0])))
    for code, change_id in changes:
        app.recheck_change(
            CITY, code, change_id, True, still_meets, occurred_at=at(date(2026, 4, 20))
        )
    s.ensure_round(app, P, 2026)
    return changes


def opinion(code: str, change_id: str, action: str = "rename") -> dict[str, Any]:
    return {"credit_code": code, "change_ids": [change_id], "action": action, "reasons": "股东变更"}


def test_a20_3_a_confirmed_rename_waits_for_the_citys_opinion_and_the_publication(
    app: Greenlist,
) -> None:
    (code, change_id), (other, _) = renamed_and_rechecked(app, 2101, units=2)
    app.submit_adjustment_opinions(
        CITY, P, 2026, [opinion(code, change_id)], occurred_at=at(date(2026, 6, 1))
    )
    (sent,) = [e for e in app.round_history(P, 2026) if e.type == "AdjustmentOpinionsSubmitted"]
    assert "A20.3" in sent.rules and sent.data["city"] == "330100"
    assert sent.data["opinions"][0]["change_ids"] == [change_id]
    s.publish(app, P, 2026)
    unit_events = [e.type for e in app.unit_history(code)]
    assert "ListingAdjusted" in unit_events
    assert "ListingAdjusted" not in [e.type for e in app.unit_history(other)]


def test_a20_3_a_removal_opinion_removes_at_the_publication(app: Greenlist) -> None:
    ((code, change_id),) = renamed_and_rechecked(app, 2103, still_meets=False)
    assert "RemovalDecided" not in [e.type for e in app.unit_history(code)]
    app.submit_adjustment_opinions(
        CITY, P, 2026, [opinion(code, change_id, "removal")], occurred_at=at(date(2026, 6, 1))
    )
    s.publish(app, P, 2026)
    assert "Removed" in [e.type for e in app.unit_history(code)]
    assert app.get_unit(code).standing["provincial"]["status"] == "removed"


def test_a20_3_opinions_after_30_june_are_refused(app: Greenlist) -> None:
    ((code, change_id),) = renamed_and_rechecked(app, 2104)
    with refused(app, "A14.1", code):
        app.submit_adjustment_opinions(
            CITY, P, 2026, [opinion(code, change_id)], occurred_at=at(date(2026, 7, 1))
        )


def test_a20_3_an_opinion_needs_a_confirmed_change_of_a_listed_unit_once(app: Greenlist) -> None:
    ((code, change_id),) = renamed_and_rechecked(app, 2105)
    when = at(date(2026, 6, 1))
    cases = [
        [opinion(code, change_id, "demolish")],
        [opinion(code, "7f0c1f3e-2d7b-4d59-9b8e-1f2a3b4c5d6e")],
        [],
    ]
    for opinions in cases:
        with refused(app, "A20.3", code):
            app.submit_adjustment_opinions(CITY, P, 2026, opinions, occurred_at=when)
    s.ensure_round(app, Level.NATIONAL, 2026)
    with refused(app, "A20.3", code):  # the national list: not on it
        app.submit_adjustment_opinions(
            CITY, Level.NATIONAL, 2026, [opinion(code, change_id)], occurred_at=when
        )
    app.submit_adjustment_opinions(CITY, P, 2026, [opinion(code, change_id)], occurred_at=when)
    with refused(app, "A20.3", code):
        app.submit_adjustment_opinions(CITY, P, 2026, [opinion(code, change_id)], occurred_at=when)


def test_a20_3_only_the_units_city_sends_its_opinion(app: Greenlist) -> None:
    ((code, change_id),) = renamed_and_rechecked(app, 2106)
    with pytest.raises(OutOfJurisdiction):
        app.submit_adjustment_opinions(
            s.city_actor("330200"),
            P,
            2026,
            [opinion(code, change_id)],
            occurred_at=at(date(2026, 6, 1)),
        )
