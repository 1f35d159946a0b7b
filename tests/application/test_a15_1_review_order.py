"""A15.1 (第十五条第二款: 综合评审流程分为材料初审、专家评审、现场核查等环节): an act
out of the review's order is refused naming A15.1, the order, and not the code of the later step
attempted (issue 12 item 7), through the service on every store. Nothing is recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain.errors import RuleViolation
from domain.service import Greenlist
from domain.values import PROVINCE, Actor, Role
from simulation import scenarios as s
from tests.application.rules_steps import PROV, YEAR, P, day, log_size, nominate, ready, versions


def refused_for_the_order(app: Greenlist, code: str, act: Callable[[], Any]) -> None:
    unchanged = versions(app, code)
    before = unchanged(), log_size(app)
    with pytest.raises(RuleViolation) as info:
        act()
    assert info.value.codes == ("A15.1",), info.value
    assert "out of order" in info.value.en and "顺序" in info.value.zh
    assert (unchanged(), log_size(app)) == before


def test_a15_1_expert_review_of_a_unit_without_preliminary_review_is_refused_naming_the_order(
    app: Greenlist,
) -> None:
    code = s.credit_code(151)
    ready(app, code)
    nominate(app, code)
    refused_for_the_order(
        app,
        code,
        lambda: app.record_expert_review(P, code, PROV, True, 90.0, occurred_at=day(7, 2)),
    )
    refused_for_the_order(
        app, code, lambda: app.draw_expert_panel(P, code, PROV, YEAR, 3, occurred_at=day(7, 2))
    )


def test_a15_1_site_inspection_before_the_preliminary_and_expert_reviews_names_the_order(
    app: Greenlist,
) -> None:
    code = s.credit_code(152)
    ready(app, code)
    nominate(app, code)
    inspect = lambda: app.record_site_inspection(P, code, PROV, True, occurred_at=day(8, 2))  # noqa: E731
    refused_for_the_order(app, code, inspect)
    app.record_preliminary_review(P, code, PROV, True, occurred_at=day(7, 5))
    refused_for_the_order(app, code, inspect)  # the expert review is not recorded either


def test_a15_1_an_expert_scoring_after_the_recorded_conclusion_is_refused_naming_the_order(
    app: Greenlist,
) -> None:
    code = s.credit_code(153)
    ready(app, code)
    nominate(app, code)
    app.record_preliminary_review(P, code, PROV, True, occurred_at=day(7, 5))
    panel = app.draw_expert_panel(P, code, PROV, YEAR, 3, occurred_at=day(7, 6)).details["panel"]
    app.record_expert_review(P, code, PROV, True, 90.0, occurred_at=day(7, 7))
    expert = Actor(panel[0], Role.EXPERT, PROVINCE)
    refused_for_the_order(
        app,
        code,
        lambda: app.score_unit(expert, PROV, YEAR, code, 88.0, "意见", occurred_at=day(7, 8)),
    )
