"""Scenarios of the yearly selection (A13-A15): the municipal list, the quotas, the 30 June
deadline, the "in principle" rules, the order of the reviews and the expert panel draw, through
the service on every store. A refusal names its code and records nothing."""

from __future__ import annotations

import pytest

from domain import draws
from domain.errors import JustificationRequired, NotFound, RuleViolation
from domain.service import Greenlist
from domain.values import Level
from simulation import scenarios as s
from tests.application.rules_steps import (
    HZ,
    NAT,
    NB,
    PROV,
    YEAR,
    P,
    day,
    last_event,
    nominate,
    ready,
    refused,
    versions,
)

# --- A13: the municipal list and the quotas -----------------------------------------------


def test_the_city_puts_a_unit_on_its_municipal_list_only_once(app: Greenlist) -> None:
    code = s.credit_code(1)
    ready(app, code, Level.MUNICIPAL)
    event = last_event(app.unit_history(code), "MunicipallyListed")
    assert "A13.1" in event.rules and app.get_unit(code).status(Level.MUNICIPAL) == "listed"
    with refused(app, "A13.1", lambda: app.get_unit(code).version):
        app.list_municipally(s.city_actor(HZ), code, occurred_at=day(3, 2))


def test_the_province_opens_no_municipal_round(app: Greenlist) -> None:
    with pytest.raises(RuleViolation) as info:
        app.open_round(P, Level.MUNICIPAL, YEAR, {HZ: 3}, occurred_at=day(3, 1))
    assert info.value.codes == ("A13.1",) and info.value.zh and info.value.en
    with pytest.raises(NotFound):
        app.get_round(Level.MUNICIPAL, YEAR)


def test_the_quota_plus_one_th_nomination_of_a_city_is_refused(app: Greenlist) -> None:
    app.open_round(P, PROV, YEAR, {HZ: 2, NB: 5}, occurred_at=day(3, 1))
    first, second, third = (s.credit_code(n) for n in (2, 3, 4))
    for code in (first, second, third):
        ready(app, code)
    nominate(app, first)
    nominate(app, second)
    with refused(app, "A13.2", versions(app, third)):
        nominate(app, third)
    app.set_quota(P, PROV, YEAR, HZ, 3, "杭州市追加名额", occurred_at=day(6, 2))
    nominate(app, third, when=day(6, 3))
    assert list(app.get_round(PROV, YEAR)["nominations"].values()) == [HZ, HZ, HZ]


def test_a_city_without_a_quota_may_not_nominate(app: Greenlist) -> None:
    app.open_round(P, PROV, YEAR, {HZ: 2}, occurred_at=day(3, 1))
    code = s.credit_code(5, NB)
    ready(app, code)
    with refused(app, "A13.2", versions(app, code)):
        nominate(app, code)


# --- A14: the deadline and the "in principle" rules ---------------------------------------


def test_nomination_at_30_june_23_59_59_is_accepted_and_on_1_july_refused(app: Greenlist) -> None:
    on_time, late = s.credit_code(6), s.credit_code(7)
    ready(app, on_time)
    ready(app, late)
    nominate(app, on_time, when=day(6, 30, 23, 59, 59))
    assert app.get_unit(on_time).status(PROV) == "nominated"
    with refused(app, "A14.1", versions(app, late)):
        nominate(app, late, when=day(7, 1, 0, 0, 0))


def test_a_provincial_nominee_off_the_municipal_list_needs_a_justification(
    app: Greenlist,
) -> None:
    listed, unlisted = s.credit_code(8), s.credit_code(9)
    ready(app, listed)
    ready(app, unlisted, municipal=False)
    nominate(app, listed)
    assert last_event(app.unit_history(listed), "Nominated").exceptions == []
    with refused(app, "A14.2", versions(app, unlisted), JustificationRequired):
        nominate(app, unlisted)
    reason = "该企业为行业龙头，市级名单评选延期，特此说明"
    nominate(app, unlisted, when=day(6, 2), justification=reason)
    event = last_event(app.unit_history(unlisted), "Nominated")
    assert event.exceptions == ["A14.2"] and event.justification == reason
    assert "A14.2" in event.rules


def test_a_national_nominee_off_the_provincial_list_needs_a_justification(
    app: Greenlist,
) -> None:
    code = s.credit_code(10)
    ready(app, code, NAT)
    with refused(app, "A14.3", versions(app, code, level=NAT), JustificationRequired):
        nominate(app, code, NAT)
    reason = "国家级试点企业，省级名单当年未开展评选"
    nominate(app, code, NAT, when=day(6, 2), justification=reason)
    event = last_event(app.unit_history(code), "Nominated")
    assert event.exceptions == ["A14.3"] and event.justification == reason


# --- A15: the order of the reviews and the draws ------------------------------------------


def test_preliminary_review_of_a_unit_not_nominated_is_refused(app: Greenlist) -> None:
    code = s.credit_code(11)
    ready(app, code)
    review = app.record_preliminary_review
    with refused(app, "A15.1", versions(app, code)):
        review(P, code, PROV, True, occurred_at=day(7, 5))
    nominate(app, code)
    review(P, code, PROV, True, occurred_at=day(7, 5))
    with refused(app, "A15.1", versions(app, code)):
        review(P, code, PROV, True, occurred_at=day(7, 6))


def test_no_panel_is_drawn_before_the_preliminary_review(app: Greenlist) -> None:
    code = s.credit_code(12)
    ready(app, code)
    nominate(app, code)
    with refused(app, "A15.1", versions(app, code)):
        app.draw_expert_panel(P, code, PROV, YEAR, 3, occurred_at=day(7, 1))
    with refused(app, "A15.1", versions(app, code)):
        app.record_expert_review(P, code, PROV, True, 90.0, occurred_at=day(7, 2))


def test_a_second_expert_review_is_refused(app: Greenlist) -> None:
    code = s.credit_code(12)
    ready(app, code)
    nominate(app, code)
    app.record_preliminary_review(P, code, PROV, True, occurred_at=day(7, 5))
    app.draw_expert_panel(P, code, PROV, YEAR, 3, occurred_at=day(7, 6))
    app.record_expert_review(P, code, PROV, False, 50.0, occurred_at=day(7, 7))
    with refused(app, "A15.1", versions(app, code)):
        app.record_expert_review(P, code, PROV, True, 90.0, occurred_at=day(7, 8))


def test_drawing_a_second_panel_for_a_unit_needs_a_justification(app: Greenlist) -> None:
    code = s.credit_code(12)
    ready(app, code)
    nominate(app, code)
    app.record_preliminary_review(P, code, PROV, True, occurred_at=day(7, 5))
    app.draw_expert_panel(P, code, PROV, YEAR, 3, occurred_at=day(7, 6))
    with refused(app, "A15.2", versions(app, code)):
        app.draw_expert_panel(P, code, PROV, YEAR, 3, occurred_at=day(7, 7))
    app.draw_expert_panel(
        P, code, PROV, YEAR, 3, justification="专家回避后重抽", occurred_at=day(7, 7)
    )
    redraw = [e for e in app.round_history(PROV, YEAR) if e.type == "ExpertPanelDrawn"][-1]
    assert redraw.exceptions == ["A15.2"]
    assert redraw.justification == "专家回避后重抽"


def test_expert_review_before_a_panel_is_drawn_is_refused(app: Greenlist) -> None:
    code = s.credit_code(13)
    ready(app, code)
    nominate(app, code)
    app.record_preliminary_review(P, code, PROV, True, occurred_at=day(7, 5))
    with refused(app, "A15.2", versions(app, code)):
        app.record_expert_review(P, code, PROV, True, 90.0, occurred_at=day(7, 6))
    app.draw_expert_panel(P, code, PROV, YEAR, 3, occurred_at=day(7, 7))
    app.record_expert_review(P, code, PROV, True, 90.0, occurred_at=day(7, 8))
    assert app.get_unit(code).status(PROV) == "expert_passed"


def test_the_panel_draw_is_reproducible_and_excludes_conflicted_experts(app: Greenlist) -> None:
    code, other, agency = s.credit_code(14), s.credit_code(15), s.credit_code(814)
    app.register_agency(
        P, agency, "某评价机构", "赵六", s.representative_id("赵六"), occurred_at=day(1, 5)
    )
    for unit in (code, other):
        ready(app, unit)
    app.submit_evaluation(
        s.agency_actor(agency), code, PROV, YEAR, "h3", 92.0, True, occurred_at=day(2, 5)
    )
    for expert, employer in (("X-AGENCY", agency), ("X-SELF", code), ("X-OTHER", other)):
        app.enrol_expert(P, expert, expert, employer, occurred_at=day(3, 2))
    for unit in (code, other):
        nominate(app, unit)
    for unit in (code, other):
        app.record_preliminary_review(P, unit, PROV, True, occurred_at=day(7, 5))
        app.draw_expert_panel(P, unit, PROV, YEAR, 5, occurred_at=day(7, 6))
    drawn = {
        e.data["unit_id"]: e for e in app.round_history(PROV, YEAR) if e.type == "ExpertPanelDrawn"
    }
    mine = drawn[app.get_unit(code).id]
    assert "A15.2" in mine.rules
    assert not {"X-AGENCY", "X-SELF"} & set(mine.data["candidates"])
    assert {"X-OTHER", "E000"} <= set(mine.data["candidates"])
    theirs = drawn[app.get_unit(other).id]
    assert {"X-AGENCY", "X-SELF"} <= set(theirs.data["candidates"])
    assert "X-OTHER" not in theirs.data["candidates"]
    for event in (mine, theirs):
        rerun = draws.draw_panel(event.data["seed"], event.data["candidates"], event.data["size"])
        assert rerun == event.data["panel"] and len(rerun) == 5
    assert app.get_round(PROV, YEAR)["panels"][str(mine.data["unit_id"])] == mine.data["panel"]


def test_a_panel_larger_than_the_eligible_pool_is_refused(app: Greenlist) -> None:
    code = s.credit_code(16)
    ready(app, code)
    nominate(app, code)
    app.record_preliminary_review(P, code, PROV, True, occurred_at=day(7, 5))
    with refused(app, "A15.2", versions(app, code)):
        app.draw_expert_panel(P, code, PROV, YEAR, 10, occurred_at=day(7, 6))


def test_site_inspection_of_a_unit_not_sampled_is_refused(app: Greenlist) -> None:
    code = s.credit_code(17)
    ready(app, code)
    s.nominate_and_review(app, code, PROV, YEAR)
    app.draw_site_sample(P, PROV, YEAR, 0, seed="x", occurred_at=day(8, 1))
    with refused(app, "A15.3", versions(app, code)):
        app.record_site_inspection(P, code, PROV, True, occurred_at=day(8, 10))


def test_public_notice_is_refused_while_a_sampled_unit_awaits_inspection(app: Greenlist) -> None:
    code = s.credit_code(18)
    ready(app, code)
    s.nominate_and_review(app, code, PROV, YEAR)
    notice = app.open_public_notice
    with refused(app, "A15.3", versions(app, code)):  # no sample drawn yet
        notice(P, PROV, YEAR, occurred_at=day(8, 1))
    app.draw_site_sample(P, PROV, YEAR, 1, seed="x", occurred_at=day(8, 1))
    assert app.get_round(PROV, YEAR)["sample"] == [str(app.get_unit(code).id)]
    with refused(app, "A15.3", versions(app, code)):
        notice(P, PROV, YEAR, occurred_at=day(8, 5))
    app.record_site_inspection(P, code, PROV, True, occurred_at=day(8, 10))
    notice(P, PROV, YEAR, occurred_at=day(8, 11))
    assert app.get_unit(code).status(PROV) == "under_notice"
