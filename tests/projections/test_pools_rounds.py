"""The cultivation pools, rounds and selection-rate read models, driven through the service on
both real stores; each is rebuilt from zero to the same rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import Level, UnitKind
from projections.engine.db import Db
from projections.engine.projection import Projection
from projections.engine.runner import Runner
from projections.pools import Pools, pool, pool_counts
from projections.rounds import Rounds, nominations, objections, quota_usage, round_summary
from projections.selection_rate import SelectionRate, selection_rates
from projections.values import at
from simulation import scenarios as s

pytestmark = pytest.mark.stores("sqlite", "postgres")

YEAR = 2025
PROV = Level.PROVINCIAL
P = s.PROVINCE_ACTOR
HZ, NB = "330100", "330200"


def on(month: int, dom: int, year: int = YEAR) -> Any:
    return s.at(date(year, month, dom))


def table_rows(views: Db, projection: Projection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table of a read model, in a stable order."""
    rows = {}
    for table in projection.tables:
        order = ", ".join(table.column_names)
        rows[table.name] = views.query(f"SELECT * FROM {table.name} ORDER BY {order}")
    return rows


def assert_rebuild_gives_the_same_rows(app: Greenlist, views: Db, model: Projection) -> None:
    """Caught up in small batches, then rebuilt from zero in one: the same rows."""
    Runner(app, views, [model], batch_size=7).catch_up()
    before = table_rows(views, model)
    assert any(before.values())
    Runner(app, views, [model]).rebuild()
    assert table_rows(views, model) == before


# --- cultivation pools (A8) ---------------------------------------------------------------


def cultivate(app: Greenlist, code: str, year: int, priority: bool, month: int = 1) -> None:
    facts = s.FACTS[UnitKind.FACTORY]
    city = s.city_actor(code[2:6] + "00")
    app.cultivate(city, code, year, facts, priority=priority, occurred_at=on(month, 11, year))


def pools_scenario(app: Greenlist) -> tuple[str, str, str]:
    """Two Hangzhou units (one a priority) and a Ningbo priority unit in the 2025 pools; the
    first Hangzhou unit again, unflagged, in 2026."""
    first, second, ningbo = s.credit_code(41, HZ), s.credit_code(42, HZ), s.credit_code(43, NB)
    for code in (first, second, ningbo):
        city = s.city_actor(code[2:6] + "00")
        name = f"培育工厂{code[-4:]}"
        app.register_unit(city, code, UnitKind.FACTORY, name, occurred_at=on(1, 10))
    cultivate(app, first, YEAR, True)
    cultivate(app, second, YEAR, False)
    cultivate(app, ningbo, YEAR, True)
    cultivate(app, first, YEAR + 1, False)
    return first, second, ningbo


def test_a_city_pool_shows_its_units_of_the_year_priority_first(
    app: Greenlist, clock: SettableClock, views: Db
) -> None:
    first, second, ningbo = pools_scenario(app)
    runner = Runner(app, views, [Pools()])
    runner.catch_up()
    rows = pool(views, HZ, YEAR)
    assert [(r["credit_code"], r["priority"]) for r in rows] == [(first, 1), (second, 0)]
    assert rows[0]["name"] == f"培育工厂{first[-4:]}" and rows[0]["kind"] == "factory"
    assert rows[0]["cultivated_occurred"] == at(on(1, 11))
    assert "A8" in rows[0]["rules"].split(",")
    assert [r["credit_code"] for r in pool(views, HZ, YEAR, priority=True)] == [first]
    assert [r["credit_code"] for r in pool(views, NB, YEAR)] == [ningbo]
    assert [r["credit_code"] for r in pool(views, HZ, YEAR + 1)] == [first]
    counts = [(r["city"], r["year"], r["units"], r["priority"]) for r in pool_counts(views)]
    assert counts == [(HZ, YEAR, 2, 1), (NB, YEAR, 1, 1), (HZ, YEAR + 1, 1, 0)]
    assert [r["city"] for r in pool_counts(views, year=YEAR, city=NB)] == [NB]

    cultivate(app, second, YEAR, True, month=2)  # flagged later in the year
    runner.catch_up()
    again = {r["credit_code"]: r for r in pool(views, HZ, YEAR)}[second]
    assert again["priority"] == 1
    assert again["cultivated_occurred"] == at(on(1, 11))
    assert again["updated_occurred"] == at(on(2, 11))
    assert pool_counts(views, year=YEAR, city=HZ)[0]["priority"] == 2


def test_a_pool_shows_the_unit_under_its_current_name(
    app: Greenlist, clock: SettableClock, views: Db
) -> None:
    code = s.credit_code(44, HZ)
    s.register_and_cultivate(app, code)
    s.evaluate(app, code, Level.MUNICIPAL)
    app.list_municipally(s.city_actor(HZ), code, occurred_at=on(3, 1))
    change = app.declare_change(s.enterprise_actor(code), code, "name", "更名", new_name="新名称")
    app.recheck_change(s.city_actor(HZ), code, change.details["change_id"], True, True)
    Runner(app, views, [Pools()]).catch_up()
    assert [r["name"] for r in pool(views, HZ, YEAR)] == ["新名称"]


def test_pools_rebuild_to_the_same_rows(app: Greenlist, clock: SettableClock, views: Db) -> None:
    pools_scenario(app)
    assert_rebuild_gives_the_same_rows(app, views, Pools())


# --- rounds (A13.2-A16.2) and selection rates ---------------------------------------------


def ready(app: Greenlist, code: str, municipal: bool = True) -> None:
    s.register_and_cultivate(app, code)
    s.evaluate(app, code, PROV)
    if municipal:
        s.list_municipally(app, code)


def round_until_nominations(app: Greenlist) -> dict[str, str]:
    """Hangzhou (quota lowered to 3) nominates `listed` and `objected`; Ningbo nominates `failed`
    off the municipal list (A14.2, justified; it fails the preliminary review) and `redrawn`,
    whose panel is drawn twice (A15.2, justified)."""
    codes = {
        "listed": s.credit_code(51, HZ),
        "objected": s.credit_code(52, HZ),
        "failed": s.credit_code(53, NB),
        "redrawn": s.credit_code(54, NB),
    }
    for role, code in codes.items():
        ready(app, code, municipal=role != "failed")
    s.ensure_round(app, PROV, YEAR)
    s.ensure_experts(app)
    app.set_quota(P, PROV, YEAR, HZ, 3, "杭州市培育库调整", occurred_at=on(4, 1))
    s.nominate(app, codes["listed"], PROV, YEAR)  # every nomination by 30 June (A14.1) ...
    s.nominate(app, codes["objected"], PROV, YEAR)
    ningbo, redrawn = s.city_actor(NB), codes["redrawn"]
    app.nominate(ningbo, codes["failed"], PROV, YEAR, "培育成效突出", occurred_at=on(6, 2))
    app.nominate(ningbo, redrawn, PROV, YEAR, occurred_at=on(6, 3))
    s.review(app, codes["listed"], PROV, YEAR)  # ... then the reviews from 5 July
    s.review(app, codes["objected"], PROV, YEAR)
    app.record_preliminary_review(P, codes["failed"], PROV, False, "材料不全", on(7, 5))
    app.record_preliminary_review(P, redrawn, PROV, True, occurred_at=on(7, 5))
    app.draw_expert_panel(P, redrawn, PROV, YEAR, 3, occurred_at=on(7, 6))
    why = "专家回避后重抽"
    app.draw_expert_panel(P, redrawn, PROV, YEAR, 3, justification=why, occurred_at=on(7, 7))
    app.record_expert_review(P, redrawn, PROV, True, 85.0, occurred_at=on(7, 20))
    return codes


def round_to_publication(app: Greenlist, codes: dict[str, str]) -> list[str]:
    """One unit sampled and inspected, the notice, an upheld objection against `objected`, the
    co-signatures and the publication. Returns the sampled unit ids."""
    app.draw_site_sample(P, PROV, YEAR, 1, seed="sample-2025", occurred_at=on(8, 1))
    sample = list(app.get_round(PROV, YEAR)["sample"])
    for code in codes.values():
        if str(app.get_unit(code).id) in sample:
            app.record_site_inspection(P, code, PROV, True, "现场核查通过", on(8, 10))
    app.open_public_notice(P, PROV, YEAR, occurred_at=on(9, 1))
    objection = app.raise_objection(
        s.PROVINCE_ACTOR, codes["objected"], PROV, "环评手续不全", on(9, 5)
    )
    objection_id = objection.details["objection_id"]
    app.decide_objection(P, codes["objected"], PROV, objection_id, True, "经核实属实", on(9, 10))
    app.cosign_publication(s.NDRC, PROV, YEAR, "ndrc", occurred_at=on(9, 10))
    app.cosign_publication(s.ECO_ENV, PROV, YEAR, "eco_env", occurred_at=on(9, 10))
    app.publish_round(P, PROV, YEAR, occurred_at=on(9, 16))
    return sample


def test_a_round_shows_quota_use_stages_panels_sample_and_objections(
    app: Greenlist, clock: SettableClock, views: Db
) -> None:
    codes = round_until_nominations(app)
    runner = Runner(app, views, [Rounds()])
    runner.catch_up()
    usage = {r["city"]: r for r in quota_usage(views, "provincial", YEAR)}
    assert (usage[HZ]["quota"], usage[HZ]["used"], usage[HZ]["remaining"]) == (3, 2, 1)
    assert (usage[NB]["quota"], usage[NB]["used"]) == (10, 2)
    assert usage["330300"]["used"] == 0 and len(usage) == 11
    by_code = {r["credit_code"]: r for r in nominations(views, "provincial", YEAR)}
    failed = by_code[codes["failed"]]
    assert failed["stage"] == "preliminary_failed" and failed["preliminary_notes"] == "材料不全"
    assert failed["exceptions"] == "A14.2" and failed["justification"] == "培育成效突出"
    assert by_code[codes["listed"]]["exceptions"] == ""
    redrawn = by_code[codes["redrawn"]]
    last_draw = [e for e in app.round_history(PROV, YEAR) if e.type == "ExpertPanelDrawn"][-1]
    assert redrawn["panel_draws"] == 2 and redrawn["panel_seed"] == last_draw.data["seed"]
    assert redrawn["exceptions"] == "A15.2" and redrawn["redraw_justification"] == "专家回避后重抽"
    unit_id = str(app.get_unit(codes["redrawn"]).id)
    assert redrawn["panel"] == app.get_round(PROV, YEAR)["panels"][unit_id]
    assert redrawn["stage"] == "expert_passed" and redrawn["expert_score"] == 85.0
    assert [r["credit_code"] for r in nominations(views, "provincial", YEAR, NB)] == sorted(
        [codes["failed"], codes["redrawn"]]
    )

    sample = round_to_publication(app, codes)
    runner.catch_up()
    rows = nominations(views, "provincial", YEAR)
    assert {r["unit_id"] for r in rows if r["sampled"]} == set(sample) and len(sample) == 1
    sampled = next(r for r in rows if r["sampled"])
    assert sampled["site_notes"] == "现场核查通过"
    by_code = {r["credit_code"]: r for r in rows}
    objected = by_code[codes["objected"]]
    assert objected["stage"] == "withheld" and "A16.1" in objected["withheld_rules"]
    counters = ("objections_raised", "objections_decided", "objections_upheld")
    assert [objected[c] for c in counters] == [1, 1, 1]
    assert by_code[codes["listed"]]["stage"] == "listed"
    assert by_code[codes["listed"]]["listed_on"] == "2025-09-16"
    assert by_code[codes["redrawn"]]["stage"] == "listed"
    assert by_code[codes["listed"]]["notice_last_day"] is not None
    [objection] = objections(views, "provincial", YEAR)
    assert objection["upheld"] == 1 and objection["summary"] == "环评手续不全"
    assert (
        objection["justification"] == "经核实属实" and objection["raised_by"] == s.PROVINCE_ACTOR.id
    )

    summary = round_summary(views, "provincial", YEAR)
    assert summary is not None
    notice = app.get_round(PROV, YEAR)["notice"]
    assert summary["notice_opened_on"] == "2025-09-01"
    assert summary["notice_last_day"] == notice["last_day"].isoformat()
    assert summary["noticed"] == 3 and summary["cosigned"] == ["eco_env", "ndrc"]
    assert summary["published_on"] == "2025-09-16"
    assert (summary["listed"], summary["withheld"]) == (2, 1)
    assert summary["nominated"] == 4
    assert summary["stages"] == {"listed": 2, "withheld": 1, "preliminary_failed": 1}
    assert (summary["objections_raised"], summary["objections_upheld"]) == (1, 1)
    assert summary["sample_size"] == 1 and summary["sample_seed"] == "sample-2025"
    assert summary["quotas"] == quota_usage(views, "provincial", YEAR)
    assert round_summary(views, "national", YEAR) is None


def test_the_selection_rate_is_listed_over_nominated_per_city(
    app: Greenlist, clock: SettableClock, views: Db
) -> None:
    codes = round_until_nominations(app)
    runner = Runner(app, views, [SelectionRate()])
    runner.catch_up()
    provisional = selection_rates(views, YEAR, "provincial")
    assert [(r["city"], r["nominated"], r["listed"], r["final"]) for r in provisional] == [
        (HZ, 2, 0, 0),
        (NB, 2, 0, 0),
    ]
    round_to_publication(app, codes)
    runner.catch_up()
    rates = {r["city"]: r for r in selection_rates(views, year=YEAR)}
    assert (rates[HZ]["nominated"], rates[HZ]["listed"], rates[HZ]["withheld"]) == (2, 1, 1)
    assert rates[HZ]["rate"] == 0.5 and rates[HZ]["final"] == 1
    assert (rates[NB]["nominated"], rates[NB]["listed"], rates[NB]["rate"]) == (2, 1, 0.5)
    assert selection_rates(views, level="national") == []
    assert [r["city"] for r in selection_rates(views, city=NB)] == [NB]


def test_rounds_rebuild_to_the_same_rows(app: Greenlist, clock: SettableClock, views: Db) -> None:
    round_to_publication(app, round_until_nominations(app))
    assert_rebuild_gives_the_same_rows(app, views, Rounds())


def test_selection_rates_rebuild_to_the_same_rows(
    app: Greenlist, clock: SettableClock, views: Db
) -> None:
    round_to_publication(app, round_until_nominations(app))
    assert_rebuild_gives_the_same_rows(app, views, SelectionRate())
