"""Where a unit stands at one level, and the order of the selection's steps (A13.2-A16.2).

A nomination (A13.2, A14) starts the year's attempt; the three reviews come in order (A15.1
preliminary, A15.2 expert, A15.3 site, the last only for the sampled units), each passed or
failed; the units past them go under notice (A16.1) and are listed or withheld at the
publication (A16.2); at the national level they are recommended to MIIT instead, and listed
or not by MIIT's outcome (A16.3, domain.rules.miit). A listed unit may later be removed (A19,
A20.2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from domain.errors import RuleViolation


class Stage(Enum):
    """A unit's standing at one level."""

    NOMINATED = "nominated"
    PRELIMINARY_PASSED = "preliminary_passed"
    EXPERT_PASSED = "expert_passed"
    SITE_PASSED = "site_passed"
    UNDER_NOTICE = "under_notice"
    LISTED = "listed"
    FAILED = "failed"
    """A review step was not passed: the year's attempt ends (lifecycle.md)."""
    WITHHELD = "withheld"
    """Not listed at the publication: an upheld objection (A16.1) or an A17 ground."""
    REMOVED = "removed"
    RECOMMENDED = "recommended_to_miit"
    """National: recommended to MIIT (A16.3), awaiting MIIT's published outcome."""
    NOT_LISTED = "not_listed_by_miit"
    """National: MIIT did not list the recommended unit (A16.3); the year's attempt ends."""


IN_SELECTION = (
    Stage.NOMINATED,
    Stage.PRELIMINARY_PASSED,
    Stage.EXPERT_PASSED,
    Stage.SITE_PASSED,
    Stage.UNDER_NOTICE,
    Stage.RECOMMENDED,
)
"""A13.2: the stages of a unit nominated this year and not yet decided."""
PAST_REVIEW = (Stage.EXPERT_PASSED, Stage.SITE_PASSED)
"""A15.3, A16.1: the stages that go under notice (the site inspection is for a sample only)."""


class Review(Enum):
    """The three review steps of A15."""

    PRELIMINARY = "preliminary"
    EXPERT = "expert"
    SITE = "site"


@dataclass(frozen=True)
class ReviewStep:
    """One review step: the stage it follows, the stage a pass leads to (a fail: FAILED), the
    rules it applies (and a refusal names) and what the act is called in a refusal."""

    after: Stage
    passed: Stage
    codes: tuple[str, ...]
    act: str


REVIEW_STEPS = {
    Review.PRELIMINARY: ReviewStep(
        Stage.NOMINATED, Stage.PRELIMINARY_PASSED, ("A15.1",), "preliminary review"
    ),
    Review.EXPERT: ReviewStep(
        Stage.PRELIMINARY_PASSED, Stage.EXPERT_PASSED, ("A15.1", "A15.2"), "expert review"
    ),
    Review.SITE: ReviewStep(Stage.EXPERT_PASSED, Stage.SITE_PASSED, ("A15.3",), "site inspection"),
}
"""A15.1-A15.3: the review steps, in their order."""


def check_stage(
    actual: Stage | None, expected: Iterable[Stage], code: str | tuple[str, ...], act: str
) -> None:
    """A15.1-A15.3, A16.1, A16.2: the steps of the selection come in order; `code` names the
    rule of the step refused."""
    allowed = tuple(expected)
    if actual not in allowed:
        shown = actual.value if actual else None
        raise RuleViolation(
            code,
            zh=f"评审环节顺序不符：当前为{shown or '未推荐'}，不能进行“{act}”",
            en=f"out of order: the unit is {shown or 'not nominated'}, cannot {act}",
        )


def check_a15_1_order(actual: Stage | None, expected: Iterable[Stage], act: str) -> None:
    """A15.1 (第十五条第二款: "综合评审流程分为材料初审、专家评审、现场核查等环节"): the
    review's steps come in their order, the preliminary review first. An act out of that
    order (an expert review, an expert's score, a panel draw or a site inspection of a unit
    whose preliminary review is not recorded, or whose step is already past) is refused
    naming A15.1, the order, not the code of the step attempted."""
    check_stage(actual, expected, "A15.1", act)


def check_review_step(step: Review, actual: Stage | None) -> ReviewStep:
    """A15.1: a review step follows the one before it (refused naming A15.1, the order; the
    step records its own rules). Returns the step."""
    rule = REVIEW_STEPS[step]
    check_a15_1_order(actual, [rule.after], rule.act)
    return rule
