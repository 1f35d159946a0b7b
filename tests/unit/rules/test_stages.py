"""The order of the selection's steps (A15.1-A16.2, domain.rules.stages): one table drives the
three review steps."""

from __future__ import annotations

import pytest

from domain.rules.stages import (
    PAST_REVIEW,
    REVIEW_STEPS,
    Review,
    Stage,
    check_review_step,
    check_stage,
)
from tests.unit.rules.refusing import refused


def test_a_review_step_out_of_order_is_refused() -> None:
    check_stage(Stage.NOMINATED, [Stage.NOMINATED], "A15.1", "preliminary review")
    with refused("A15.1") as caught:
        check_stage(None, [Stage.NOMINATED], "A15.1", "preliminary review")
    assert "not nominated" in caught.value.en and "未推荐" in caught.value.zh
    with refused("A16.1") as caught:
        check_stage(Stage.FAILED, PAST_REVIEW, "A16.1", "enter public notice")
    assert "failed" in caught.value.en and "failed" in caught.value.zh


def test_the_three_review_steps_come_in_order() -> None:
    steps = [REVIEW_STEPS[step] for step in Review]
    assert [s.after for s in steps] == [
        Stage.NOMINATED,
        Stage.PRELIMINARY_PASSED,
        Stage.EXPERT_PASSED,
    ]
    assert [s.passed for s in steps] == [
        Stage.PRELIMINARY_PASSED,
        Stage.EXPERT_PASSED,
        Stage.SITE_PASSED,
    ]
    assert [s.codes for s in steps] == [("A15.1",), ("A15.1", "A15.2"), ("A15.3",)]


@pytest.mark.parametrize("step", list(Review))
def test_each_review_step_follows_the_one_before_it_only(step: Review) -> None:
    rule = REVIEW_STEPS[step]
    assert check_review_step(step, rule.after) is rule
    for stage in [None, *(s for s in Stage if s is not rule.after)]:
        with refused("A15.1") as caught:
            check_review_step(step, stage)
        assert caught.value.codes == ("A15.1",)  # the order, not the step attempted
