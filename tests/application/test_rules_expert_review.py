"""Scenarios of the expert review's own acts (A15.2): the scores of the experts drawn onto a
unit's panel, one each (a correction needs a written justification), and the on-site supervision
recorded by the discipline inspection committee (机关纪委), through the service on every store. A
refusal names its code and records nothing."""

from __future__ import annotations

import pytest

from domain.acts import Act
from domain.aggregates.round import Round, round_id
from domain.errors import JustificationRequired, NotFound, OutOfJurisdiction, RuleViolation
from domain.rules.stages import Stage
from domain.service import Greenlist
from domain.values import PROVINCE, Actor, Role
from simulation import scenarios as s
from tests.application.rules_steps import (
    PROV,
    YEAR,
    P,
    day,
    last_event,
    log_size,
    nominate,
    ready,
    refused,
    versions,
)

OPINION = "节能降碳措施落实到位，数据可信 / measures in place, data credible"
CORRECTION = "误将分项得分录入为总分，更正 / a part score was entered as the total"


def expert(expert_id: str) -> Actor:
    return Actor(expert_id, Role.EXPERT, PROVINCE)


def under_review(app: Greenlist, code: str, size: int = 3) -> list[str]:
    """Nominated, past the preliminary review, a panel of `size` drawn from the nine experts of
    the pool: returns the panel."""
    ready(app, code)
    nominate(app, code)
    app.record_preliminary_review(P, code, PROV, True, occurred_at=day(7, 5))
    drawn = app.draw_expert_panel(P, code, PROV, YEAR, size, occurred_at=day(7, 6))
    return list(drawn.details["panel"])


def not_drawn(panel: list[str]) -> str:
    return next(f"E{i:03d}" for i in range(9) if f"E{i:03d}" not in panel)


def score(
    app: Greenlist, who: str, code: str, points: float, justification: str = ""
) -> float | None:
    """The expert's score; returns the score it corrected (None for a first one)."""
    receipt = app.score_unit(
        expert(who), PROV, YEAR, code, points, OPINION, justification, occurred_at=day(7, 8)
    )
    previous: float | None = receipt.details["previous_score"]
    return previous


def scores_of(app: Greenlist, code: str) -> dict[str, float]:
    rnd = app.repository.get(round_id(PROV, YEAR))
    assert isinstance(rnd, Round)
    return dict(rnd.scores.get(str(app.get_unit(code).id), {}))


# --- scores --------------------------------------------------------------------------------


def test_a_drawn_expert_scores_the_unit_with_an_opinion(app: Greenlist) -> None:
    code = s.credit_code(41)
    panel = under_review(app, code)
    receipt = app.score_unit(
        expert(panel[0]), PROV, YEAR, code, 88.5, OPINION, occurred_at=day(7, 8)
    )
    assert receipt.aggregate_id == round_id(PROV, YEAR)
    assert receipt.details["previous_score"] is None
    event = last_event(app.round_history(PROV, YEAR), "ExpertScoreRecorded")
    assert event.rules == ["A15.2"] and event.exceptions == []
    assert (event.actor_id, event.actor_role) == (panel[0], "expert")
    assert event.data["unit_id"] == app.get_unit(code).id
    assert (event.data["expert_id"], event.data["score"]) == (panel[0], 88.5)
    assert event.data["opinion"] == OPINION and event.data["previous_score"] is None
    assert scores_of(app, code) == {panel[0]: 88.5}


def test_an_expert_not_drawn_for_the_unit_may_not_score_it(app: Greenlist) -> None:
    code = s.credit_code(42)
    panel = under_review(app, code)
    outsider = not_drawn(panel)
    with refused(app, "A15.2", versions(app, code), OutOfJurisdiction):
        score(app, outsider, code, 90.0)
    with refused(app, "A15.2", versions(app, code), OutOfJurisdiction):
        score(app, "E-unknown", code, 90.0)


def test_no_expert_scores_a_unit_before_its_panel_is_drawn(app: Greenlist) -> None:
    code = s.credit_code(43)
    ready(app, code)
    nominate(app, code)
    app.record_preliminary_review(P, code, PROV, True, occurred_at=day(7, 5))
    with refused(app, "A15.2", versions(app, code), OutOfJurisdiction):
        score(app, "E000", code, 90.0)


def test_a_second_score_of_an_expert_needs_a_justification_and_is_an_exception(
    app: Greenlist,
) -> None:
    code = s.credit_code(44)
    panel = under_review(app, code)
    assert score(app, panel[1], code, 78.0) is None
    with refused(app, "A15.2", versions(app, code), JustificationRequired):
        score(app, panel[1], code, 87.0)
    assert score(app, panel[1], code, 87.0, CORRECTION) == 78.0
    event = last_event(app.round_history(PROV, YEAR), "ExpertScoreRecorded")
    assert event.exceptions == ["A15.2"] and event.justification == CORRECTION
    assert (event.data["score"], event.data["previous_score"]) == (87.0, 78.0)
    assert score(app, panel[2], code, 80.0) is None  # each expert scores once
    assert scores_of(app, code) == {panel[1]: 87.0, panel[2]: 80.0}


def test_the_scores_come_before_the_recorded_conclusion(app: Greenlist) -> None:
    code = s.credit_code(45)
    panel = under_review(app, code)
    score(app, panel[0], code, 91.0)
    app.record_expert_review(P, code, PROV, True, 91.0, occurred_at=day(7, 20))
    with refused(app, "A15.1", versions(app, code)):  # the order (A15.1): the review is past
        score(app, panel[1], code, 90.0)
    with refused(app, "A15.1", versions(app, code)):
        score(app, panel[0], code, 92.0, CORRECTION)


def test_a_redrawn_panel_scores_afresh(app: Greenlist) -> None:
    code = s.credit_code(46)
    panel = under_review(app, code)
    score(app, panel[0], code, 70.0)
    app.draw_expert_panel(
        P, code, PROV, YEAR, 9, justification="一名专家回避后重抽", occurred_at=day(7, 9)
    )
    assert scores_of(app, code) == {}
    assert score(app, panel[0], code, 75.0) is None  # no correction: the earlier panel is gone
    assert score(app, not_drawn(panel), code, 80.0) is None


def test_only_experts_score(app: Greenlist) -> None:
    code = s.credit_code(47)
    under_review(app, code)
    for actor in (P, s.INSPECTOR, s.city_actor()):
        with pytest.raises(OutOfJurisdiction) as info:
            app.score_unit(actor, PROV, YEAR, code, 90.0, occurred_at=day(7, 8))
        assert info.value.codes == ("ID.3",)


@pytest.mark.stores("memory")
def test_a_round_from_a_snapshot_taken_before_scores_existed_takes_scores(
    app: Greenlist,
) -> None:
    code = s.credit_code(48)
    panel = under_review(app, code)
    rnd = app.store_reader.get(round_id(PROV, YEAR))  # a copy of its own, not the cached one
    assert isinstance(rnd, Round)
    del vars(rnd)["scores"]  # as restored from a snapshot older than the scores
    unit = app.get_unit(code)
    assert rnd.score_of(unit.id, panel[0]) is None
    act = Act(expert(panel[0]), day(7, 8), day(7, 8))
    assert rnd.record_score(act, unit.id, Stage.PRELIMINARY_PASSED, 90.0, OPINION) is None
    assert rnd.score_of(unit.id, panel[0]) == 90.0


# --- on-site supervision by the discipline inspection committee ---------------------------


def test_the_inspectors_record_their_on_site_supervision(app: Greenlist) -> None:
    code = s.credit_code(49)
    under_review(app, code)
    notes = "评审全过程现场监督，未发现违规 / supervised throughout, nothing irregular"
    app.record_on_site_supervision(
        s.INSPECTOR, PROV, YEAR, "expert_review", notes, occurred_at=day(7, 8)
    )
    event = last_event(app.round_history(PROV, YEAR), "OnSiteSupervisionRecorded")
    assert event.rules == ["A15.2"] and event.exceptions == []
    assert (event.actor_id, event.actor_role) == (s.INSPECTOR.id, "inspector")
    assert event.data == {"activity": "expert_review", "notes": notes}
    assert event.occurred_at == day(7, 8)


def test_supervision_names_an_activity_of_the_round(app: Greenlist) -> None:
    s.ensure_round(app, PROV, YEAR)
    with refused(app, "A15.2", lambda: app.get_round(PROV, YEAR)["version"]):
        app.record_on_site_supervision(s.INSPECTOR, PROV, YEAR, "banquet")


def test_only_the_inspectors_record_on_site_supervision(app: Greenlist) -> None:
    s.ensure_round(app, PROV, YEAR)
    for actor in (P, expert("E000"), s.city_actor(), s.NDRC):
        with pytest.raises(OutOfJurisdiction) as info:
            app.record_on_site_supervision(actor, PROV, YEAR, "panel_draw")
        assert info.value.codes == ("ID.3",)
    before = log_size(app)
    with pytest.raises(NotFound):
        app.record_on_site_supervision(s.INSPECTOR, PROV, YEAR + 1, "panel_draw")
    assert log_size(app) == before


def test_a_refusal_is_a_rule_violation_with_both_messages(app: Greenlist) -> None:
    code = s.credit_code(50)
    panel = under_review(app, code)
    with pytest.raises(RuleViolation) as info:
        score(app, not_drawn(panel), code, 90.0)
    assert "不在该单位随机抽取的专家组中" in info.value.zh
    assert "not on the panel drawn for the unit" in info.value.en
