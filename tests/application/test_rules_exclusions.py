"""Scenarios of the three-year negative list (A17.1-A17.6), on every store: a ground bars a unit
(a park: or an enterprise inside it) at cultivation, evaluation, nomination and publication."""

from __future__ import annotations

from datetime import date

import pytest

from domain.service import Greenlist
from domain.values import Level, UnitKind
from simulation import scenarios as s
from simulation.scenarios import at
from tests.refusals import refused

P = Level.PROVINCIAL
HANGZHOU = s.city_actor("330100")
WHY = "市级名单另行发布 / the municipal list is published separately"  # A14.2 override


def nominate(app: Greenlist, code: str, day: date = date(2025, 6, 30), year: int = 2025) -> None:
    app.nominate(HANGZHOU, code, P, year, justification=WHY, occurred_at=at(day))


def register(
    app: Greenlist, code: str, kind: UnitKind = UnitKind.FACTORY, members: tuple[str, ...] = ()
) -> None:
    name = f"{kind.value}-{code[-6:]}"
    app.register_unit(HANGZHOU, code, kind, name, members, occurred_at=at(date(2025, 1, 5)))


@pytest.mark.parametrize("ground", ["A17.2", "A17.4"])
def test_a_record_three_years_to_the_day_no_longer_bars(app: Greenlist, ground: str) -> None:
    code = s.credit_code(1)
    s.prepare_candidate(app, code)
    s.record_ground(app, code, ground, date(2022, 6, 30), date(2025, 3, 1))
    nominate(app, code, date(2025, 6, 30))
    assert app.get_unit(code).status(P) == "nominated"


@pytest.mark.parametrize("ground", ["A17.2", "A17.4"])
def test_a_record_one_day_short_of_three_years_bars_the_nomination(
    app: Greenlist, ground: str
) -> None:
    code = s.credit_code(1)
    s.prepare_candidate(app, code)
    s.record_ground(app, code, ground, date(2022, 7, 1), date(2025, 3, 1))
    with refused(app, ground, code):
        nominate(app, code, date(2025, 6, 30))
    assert app.get_unit(code).status(P) is None
    assert app.get_round(P, 2025)["nominations"] == {}


@pytest.mark.parametrize("ground", ["A17.1", "A17.5", "A17.6"])
def test_a_continuing_ground_bars_until_it_ends_and_three_years_from_the_end(
    app: Greenlist, ground: str
) -> None:
    ends = {s.credit_code(1): date(2022, 7, 1), s.credit_code(2): date(2022, 6, 30)}
    for code, ended_on in ends.items():
        s.prepare_candidate(app, code)
        receipt = s.record_ground(app, code, ground, date(2019, 5, 1), date(2025, 3, 1))
        with refused(app, ground, code):
            nominate(app, code, date(2025, 6, 1))
        app.end_negative_record(
            HANGZHOU, code, receipt.details["record_id"], ended_on, occurred_at=at(date(2025, 6, 2))
        )
    barred, cleared = ends
    with refused(app, ground, barred):
        nominate(app, barred, date(2025, 6, 30))
    nominate(app, cleared, date(2025, 6, 30))
    assert app.get_unit(cleared).status(P) == "nominated"


def test_only_a_continuing_ground_is_recorded_with_an_end_date(app: Greenlist) -> None:
    code = s.credit_code(1)
    register(app, code)
    with refused(app, "A17.2", code):
        s.record_ground(app, code, "A17.2", date(2024, 1, 1), date(2025, 3, 1), date(2024, 2, 1))
    s.record_ground(app, code, "A17.5", date(2022, 1, 1), date(2025, 3, 1), date(2022, 6, 30))
    s.record_ground(app, code, "A17.2", date(2024, 1, 1), date(2025, 3, 1))
    assert sorted(r["ground"] for r in app.get_unit(code).negatives.values()) == [
        "A17.2",
        "A17.5",
    ]


def test_a_ground_refuses_cultivation_and_evaluation_until_three_years_have_passed(
    app: Greenlist,
) -> None:
    code = s.credit_code(3)
    register(app, code)
    s.record_ground(app, code, "A17.4", date(2024, 11, 1), date(2025, 1, 6))
    with refused(app, "A17.4", code):
        app.cultivate(HANGZHOU, code, 2025, s.FACTORY_FACTS, occurred_at=at(date(2025, 1, 11)))
    with refused(app, "A17.4", code):
        s.evaluate(app, code, P, 2025)
    agency = s.register_agency(app, 600, "王五")
    with refused(app, "A17.4", code):
        app.submit_evaluation(
            s.agency_actor(agency), code, P, 2025, "h", 90.0, True, occurred_at=at(date(2025, 2, 1))
        )
    assert app.quota_used(s.representative_id("王五"), 2025)["provincial"] == 0

    app.cultivate(HANGZHOU, code, 2027, s.FACTORY_FACTS, occurred_at=at(date(2027, 11, 1)))
    app.submit_evaluation(
        s.enterprise_actor(code), code, P, 2027, "h", 90.0, True, occurred_at=at(date(2027, 11, 1))
    )
    assert [e.type for e in app.unit_history(code)][-2:] == ["Cultivated", "EvaluationSubmitted"]


def test_a_ground_refuses_the_municipal_list(app: Greenlist) -> None:
    code = s.credit_code(4)
    s.prepare_candidate(app, code)
    s.record_ground(app, code, "A17.6", date(2025, 2, 10), date(2025, 2, 15))
    with refused(app, "A17.6", code):
        app.list_municipally(HANGZHOU, code, occurred_at=at(date(2025, 3, 1)))
    assert app.get_unit(code).status(Level.MUNICIPAL) is None


def test_a_ground_recorded_after_nomination_withholds_the_listing_at_publication(
    app: Greenlist,
) -> None:
    barred, clean = s.credit_code(5), s.credit_code(6)
    for code in (barred, clean):
        s.prepare_candidate(app, code)
        app.list_municipally(HANGZHOU, code, occurred_at=at(date(2025, 3, 1)))
    s.ensure_experts(app)
    for code in (barred, clean):  # both by 1 June, then the reviews in July
        s.nominate(app, code, P)
    for code in (barred, clean):
        s.review(app, code, P)
    s.record_ground(app, barred, "A17.2", date(2025, 7, 25), date(2025, 8, 1))
    s.publish(app, P, 2025)

    assert app.get_unit(clean).status(P) == "listed"
    assert app.get_unit(barred).status(P) == "withheld"
    withheld = [e for e in app.unit_history(barred) if e.type == "ListingWithheld"]
    assert len(withheld) == 1 and "A17.2" in withheld[0].rules
    assert "Listed" not in [e.type for e in app.unit_history(barred)]


def test_a_park_is_refused_for_an_accident_at_an_enterprise_inside_it(app: Greenlist) -> None:
    member, other = s.credit_code(10), s.credit_code(11)
    register(app, member)
    register(app, other)
    s.record_ground(app, member, "A17.2", date(2024, 12, 1), date(2025, 1, 6))
    park, clean_park = s.credit_code(20), s.credit_code(21)
    register(app, park, UnitKind.PARK, members=(member,))
    register(app, clean_park, UnitKind.PARK, members=(other,))

    with refused(app, "A17.2", park) as caught:
        app.cultivate(HANGZHOU, park, 2025, s.PARK_FACTS, occurred_at=at(date(2025, 1, 11)))
    assert member in caught.value.en
    app.cultivate(HANGZHOU, clean_park, 2025, s.PARK_FACTS, occurred_at=at(date(2025, 1, 11)))
    assert app.get_unit(clean_park).pools == {"2025": False}


def test_declared_park_members_bar_the_park_at_nomination(app: Greenlist) -> None:
    member, other = s.credit_code(12), s.credit_code(13)
    register(app, member)
    register(app, other)
    s.record_ground(app, member, "A17.6", date(2025, 2, 10), date(2025, 2, 15))
    park, clean_park = s.credit_code(22), s.credit_code(23)
    for code, declared in ((park, member), (clean_park, other)):
        s.prepare_candidate(app, code, UnitKind.PARK)
        app.declare_park_members(HANGZHOU, code, [declared], occurred_at=at(date(2025, 5, 1)))

    with refused(app, "A17.6", park):
        nominate(app, park)
    nominate(app, clean_park)
    assert app.get_unit(clean_park).status(P) == "nominated"


def test_a_unit_removed_by_dynamic_management_is_barred_for_three_years(app: Greenlist) -> None:
    code = s.credit_code(30)
    s.list_provincially(app, code)
    app.decide_removal(
        s.PROVINCE_ACTOR, code, P, "A19.3", "材料造假", occurred_at=at(date(2025, 10, 10))
    )
    assert s.annual_publication(app, 2026) == date(2026, 9, 16)
    assert app.get_unit(code).status(P) == "removed"

    s.ensure_round(app, P, 2027)
    with refused(app, "A17.3", code) as caught:
        nominate(app, code, date(2027, 6, 1), 2027)
    assert caught.value.codes == ("A17.3",)
    with refused(app, "A17.3", code):
        app.cultivate(HANGZHOU, code, 2029, s.FACTORY_FACTS, occurred_at=at(date(2029, 9, 15)))
    app.cultivate(HANGZHOU, code, 2029, s.FACTORY_FACTS, occurred_at=at(date(2029, 9, 16)))
    assert app.get_unit(code).pools["2029"] is False


def test_a_unit_removed_for_a_major_accident_is_barred_for_three_years(app: Greenlist) -> None:
    code = s.credit_code(31)
    s.list_provincially(app, code)
    s.major_accident(app, code, date(2025, 10, 30), occurred_at=at(date(2025, 10, 30)))
    s.ensure_round(app, P, 2026)
    with refused(app, "A17.2", code) as caught:
        nominate(app, code, date(2026, 6, 1), 2026)
    assert set(caught.value.codes) == {"A17.2", "A17.3"}
    with refused(app, "A17.3", code):
        app.cultivate(HANGZHOU, code, 2028, s.FACTORY_FACTS, occurred_at=at(date(2028, 10, 29)))
    app.cultivate(HANGZHOU, code, 2028, s.FACTORY_FACTS, occurred_at=at(date(2028, 10, 30)))
    assert app.get_unit(code).pools["2028"] is False
