"""The comprehensive review's pool, panels, scores and sample (A15.2, A15.3,
domain.rules.review) as pure functions."""

from __future__ import annotations

import pytest

from domain import draws
from domain.errors import JustificationRequired, OutOfJurisdiction
from domain.rules import review as c
from tests.unit.rules.refusing import refused

POOL = {"E001": "91330100000000900X", "E002": "91330100000000901X"}


def test_a_panel_draw_is_reproducible_and_independent_of_the_candidates_order() -> None:
    candidates = [f"E{i:03d}" for i in range(20)]
    panel = draws.draw_panel("seed-1", candidates, 5)
    assert panel == draws.draw_panel("seed-1", list(reversed(candidates)), 5)
    assert len(set(panel)) == 5 and set(panel) <= set(candidates)


def test_a_round_reviews_only_its_nominees() -> None:
    c.check_a15_nominated(True, "A15.2")
    with refused("A15.2"):
        c.check_a15_nominated(False, "A15.2")


@pytest.mark.parametrize("expert_id", ["", "  ", "E001"])
def test_an_expert_joins_the_pool_once_under_an_id(expert_id: str) -> None:
    c.check_a15_2_enrolment("E003", POOL)
    with refused("A15.2"):
        c.check_a15_2_enrolment(expert_id, POOL)


def test_only_an_expert_of_the_pool_withdraws() -> None:
    c.check_a15_2_in_pool("E001", POOL)
    with refused("A15.2"):
        c.check_a15_2_in_pool("E009", POOL)


@pytest.mark.parametrize(("size", "candidates"), [(0, 9), (5, 4)])
def test_a_panel_needs_enough_eligible_experts(size: int, candidates: int) -> None:
    c.check_a15_2_panel_size(5, 5)
    with refused("A15.2"):
        c.check_a15_2_panel_size(size, candidates)


def test_the_expert_review_concludes_for_a_drawn_panel() -> None:
    c.check_a15_2_panel_drawn(["E001"])
    with refused("A15.2"):
        c.check_a15_2_panel_drawn(None)


def test_only_a_drawn_expert_scores_the_unit() -> None:
    c.check_a15_2_panel_member("E001", ["E001", "E002"])
    with refused("A15.2", OutOfJurisdiction):
        c.check_a15_2_panel_member("E003", ["E001", "E002"])
    with refused("A15.2", OutOfJurisdiction):
        c.check_a15_2_panel_member("E001", None)


def test_an_expert_corrects_a_score_only_with_a_justification() -> None:
    assert c.check_a15_2_one_score(None, "") == []
    with refused("A15.2", JustificationRequired) as caught:
        c.check_a15_2_one_score(85.0, " ")
    assert "85" in caught.value.en
    assert c.check_a15_2_one_score(85.0, "录入错误") == ["A15.2"]


def test_the_committee_supervises_the_rounds_activities() -> None:
    for activity in c.SUPERVISED_ACTIVITIES:
        c.check_a15_2_supervised_activity(activity)
    with refused("A15.2"):
        c.check_a15_2_supervised_activity("lunch")


def test_the_site_sample_is_drawn_once_before_the_notice() -> None:
    c.check_a15_3_sample_not_drawn(None)
    with refused("A15.3"):
        c.check_a15_3_sample_not_drawn([])
    c.check_a15_3_sample_drawn([])
    with refused("A15.3"):
        c.check_a15_3_sample_drawn(None)


def test_only_sampled_units_are_inspected_and_all_of_them_before_the_notice() -> None:
    c.check_a15_3_sampled(True)
    with refused("A15.3"):
        c.check_a15_3_sampled(False)
    c.check_a15_3_inspected(0)
    with refused("A15.3"):
        c.check_a15_3_inspected(2)
