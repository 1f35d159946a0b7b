"""A15.3 (第十五条第四款: 前期审查过程中待确认问题; 核查名单综合考虑初审与评审情况确定): the
preliminary review records the questions it leaves open, and the site sample weighs them: a
unit with open questions is likelier drawn. The inputs, the weights and the formula are recorded
with the draw, which anyone re-runs from the record (issue 12 item 7), on every store."""

from __future__ import annotations

from domain import draws
from domain.service import Greenlist
from simulation import scenarios as s
from tests.application.rules_steps import (
    PROV,
    YEAR,
    P,
    day,
    last_event,
    nominate,
    ready,
    refused,
    unit_version,
)

QUESTIONS = ["污水处理设施运行记录待核实", "光伏装机容量与发票不一致"]


def past_expert_review(app: Greenlist, code: str, questions: list[str]) -> None:
    app.record_preliminary_review(
        P, code, PROV, True, "材料齐全", open_questions=questions, occurred_at=day(7, 5)
    )
    app.draw_expert_panel(P, code, PROV, YEAR, 3, occurred_at=day(7, 10))
    app.record_expert_review(P, code, PROV, True, 90.0, occurred_at=day(7, 20))


def test_a15_3_open_questions_of_the_preliminary_review_weigh_on_the_site_sample(
    app: Greenlist,
) -> None:
    plain, questioned = s.credit_code(1531), s.credit_code(1532)
    for code in (plain, questioned):
        ready(app, code)
    for code in (plain, questioned):
        nominate(app, code)
    past_expert_review(app, plain, [])
    past_expert_review(app, questioned, [f" {q} " for q in QUESTIONS])
    reviewed = last_event(app.unit_history(questioned), "PreliminaryReviewed")
    assert reviewed.data["open_questions"] == QUESTIONS and "A15.1" in reviewed.rules

    app.draw_site_sample(P, PROV, YEAR, 1, seed="a15-3", occurred_at=day(8, 1))
    drawn = last_event(app.round_history(PROV, YEAR), "SiteSampleDrawn")
    ids = {code: str(app.get_unit(code).id) for code in (plain, questioned)}
    assert drawn.data["inputs"] == {
        ids[plain]: {"expert_score": 90.0, "open_questions": 0},
        ids[questioned]: {"expert_score": 90.0, "open_questions": 2},
    }
    assert drawn.data["weight_formula"] == draws.WEIGHT_FORMULA
    weights = dict((uid, w) for uid, w in drawn.data["candidates"])
    assert weights[ids[plain]] == 2.0  # 1 + (100 - 90) / 10
    assert weights[ids[questioned]] == 6.0  # the same + 2 per open question
    for uid, given in drawn.data["inputs"].items():
        again = draws.inspection_weight(True, given["expert_score"], given["open_questions"])
        assert again == weights[uid]
    rerun = draws.draw_weighted_sample(
        drawn.data["seed"], [tuple(c) for c in drawn.data["candidates"]], drawn.data["size"]
    )
    assert rerun == drawn.data["sample"] == app.get_round(PROV, YEAR)["sample"]


def test_a15_3_an_empty_open_question_is_refused(app: Greenlist) -> None:
    code = s.credit_code(1533)
    ready(app, code)
    nominate(app, code)
    with refused(app, "A15.3", unit_version(app, code)):
        app.record_preliminary_review(
            P, code, PROV, True, open_questions=["  "], occurred_at=day(7, 5)
        )


def test_a15_3_more_open_questions_weigh_more_up_to_five() -> None:
    weights = [draws.inspection_weight(True, 90.0, n) for n in range(8)]
    assert weights[:6] == [2.0, 4.0, 6.0, 8.0, 10.0, 12.0] and weights[6:] == [12.0, 12.0]
