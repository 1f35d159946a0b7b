"""The expert review's own acts in the read models (A15.2), driven through the service on both
real stores: the drawn experts' scores in the rounds model (a correction counted with its
justification, a redrawn panel starting afresh), the committee's on-site supervision in the
supervision model, one line in Chinese each in the audit trail; and the same rows after a
rebuild from zero."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.service import Greenlist
from domain.values import PROVINCE, Actor, Level, Role
from projections.audit import Audit, audit_trail
from projections.engine.db import Db
from projections.engine.projection import Projection
from projections.engine.runner import Runner
from projections.rounds import Rounds, scores
from projections.supervision import Supervision, exceptions, on_site_supervision
from simulation import scenarios as s

pytestmark = pytest.mark.stores("sqlite", "postgres")

P, PROV, YEAR = s.PROVINCE_ACTOR, Level.PROVINCIAL, 2025
SCORED, REDRAWN = s.credit_code(61), s.credit_code(62)
CORRECTION = "分项得分误录为总分 / a part score was entered as the total"


def on(month: int, dom: int) -> Any:
    return s.at(date(YEAR, month, dom))


def expert(expert_id: str) -> Actor:
    return Actor(expert_id, Role.EXPERT, PROVINCE)


def nominated(app: Greenlist, code: str) -> None:
    """Listed municipally on 1 March, nominated on 1 June."""
    s.prepare_candidate(app, code)
    s.list_municipally(app, code)
    app.nominate(s.city_actor(), code, PROV, YEAR, occurred_at=on(6, 1))


def under_review(app: Greenlist, code: str) -> list[str]:
    """Past the preliminary review (5 July), a panel of three drawn (6 July)."""
    s.ensure_experts(app)
    app.record_preliminary_review(P, code, PROV, True, occurred_at=on(7, 5))
    drawn = app.draw_expert_panel(P, code, PROV, YEAR, 3, occurred_at=on(7, 6))
    return list(drawn.details["panel"])


def story(app: Greenlist) -> tuple[list[str], list[str]]:
    """SCORED: two experts score, one corrects with a justification; the committee supervises
    the expert review. REDRAWN: one expert scores, then the panel is redrawn (all nine). In
    the order it happens: both nominated by 1 June, both panels drawn, then the scores."""
    for code in (SCORED, REDRAWN):
        nominated(app, code)
    panel, redrawn = under_review(app, SCORED), under_review(app, REDRAWN)
    app.score_unit(expert(panel[0]), PROV, YEAR, SCORED, 82.0, "良好", occurred_at=on(7, 8))
    app.score_unit(expert(panel[1]), PROV, YEAR, SCORED, 70.0, "一般", occurred_at=on(7, 8))
    app.record_on_site_supervision(
        s.INSPECTOR, PROV, YEAR, "expert_review", "全程监督", occurred_at=on(7, 8)
    )
    app.score_unit(expert(redrawn[0]), PROV, YEAR, REDRAWN, 60.0, "", occurred_at=on(7, 8))
    app.score_unit(expert(panel[1]), PROV, YEAR, SCORED, 77.5, "一般", CORRECTION, on(7, 9))
    app.draw_expert_panel(P, REDRAWN, PROV, YEAR, 9, "专家回避后重抽", on(7, 9))
    return panel, redrawn


def test_the_round_shows_each_drawn_experts_score_with_its_corrections(
    app: Greenlist, views: Db
) -> None:
    panel, _ = story(app)
    Runner(app, views, [Rounds()], batch_size=5).catch_up()
    rows = scores(views, "provincial", YEAR)
    assert [(r["credit_code"], r["expert_id"], r["score"]) for r in rows] == sorted(
        [(SCORED, panel[0], 82.0), (SCORED, panel[1], 77.5)]
    )
    corrected = next(r for r in rows if r["expert_id"] == panel[1])
    assert (corrected["corrections"], corrected["previous_score"]) == (1, 70.0)
    assert corrected["justification"] == CORRECTION and corrected["opinion"] == "一般"
    assert [r["expert_id"] for r in scores(views, "provincial", YEAR, expert=panel[0])] == [
        panel[0]
    ]
    assert scores(views, "national", YEAR) == []


def test_supervision_shows_the_committees_visits_and_the_corrections(
    app: Greenlist, views: Db
) -> None:
    panel, _ = story(app)
    Runner(app, views, [Supervision(), Audit()], batch_size=5).catch_up()
    (visit,) = on_site_supervision(views)
    assert (visit["activity"], visit["notes"], visit["round_label"]) == (
        "expert_review",
        "全程监督",
        "2025年省级遴选",
    )
    assert (visit["actor_id"], visit["aggregate_type"], visit["credit_code"]) == (
        s.INSPECTOR.id,
        "round",
        None,
    )
    correction = next(r for r in exceptions(views) if r["event_type"] == "ExpertScoreRecorded")
    assert (correction["credit_code"], correction["actor_id"]) == (SCORED, panel[1])
    assert (correction["exceptions"], correction["justification"]) == ("A15.2", CORRECTION)
    lines = [r["summary"] for r in audit_trail(views, unit=SCORED, type="ExpertScoreRecorded")]
    assert lines == [
        f"评审专家{panel[0]}在2025年省级遴选中为该单位评分82",
        f"评审专家{panel[1]}在2025年省级遴选中为该单位评分70",
        f"评审专家{panel[1]}在2025年省级遴选中为该单位评分77.5（更正原评分70）"
        "（例外：A15.2，附书面说明）",
    ]
    (line,) = audit_trail(views, type="OnSiteSupervisionRecorded")
    assert line["summary"] == "机关纪委对2025年省级遴选专家评审进行现场监督"


@pytest.mark.parametrize("model", [Rounds, Supervision, Audit], ids=lambda m: m.name)
def test_a_rebuild_gives_the_same_rows(app: Greenlist, views: Db, model: type[Projection]) -> None:
    story(app)
    Runner(app, views, [model()], batch_size=3).catch_up()
    before = rows_of(views, model())
    Runner(app, views, [model()]).rebuild([model.name])
    assert rows_of(views, model()) == before


def rows_of(views: Db, model: Projection) -> dict[str, list[dict[str, Any]]]:
    return {
        t.name: views.query(f"SELECT * FROM {t.name} ORDER BY {', '.join(t.column_names)}")
        for t in model.tables
    }
