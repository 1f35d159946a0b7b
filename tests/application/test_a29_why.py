"""A29 (issue 12 item 3): "why" never says passed for what failed. Each decision explains every
rule with its true outcome (passed, refused, waived, not applicable), why, the inputs the act
saw (the round's quota ledger, the A17 records checked including a park's members') and the
rule-set version; an event recorded without evaluations is explained from its type, never as
"passed". On every store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from domain.aggregates.base import GreenAggregate
from domain.events import unit as ev
from domain.rules import RULESET_VERSION
from domain.service import Greenlist
from domain.service.explain import APPLIED, PASSED, REFUSED, WAIVED, DecisionExplanation
from domain.values import Level, UnitKind
from simulation import scenarios as s
from simulation.scenarios import PROVINCE_ACTOR, at

P = Level.PROVINCIAL


def explain_last(app: Greenlist, code: str, event_type: str) -> DecisionExplanation:
    version = max(e.version for e in app.unit_history(code) if e.type == event_type)
    return app.explain_decision(code, version)


def through_reviews(app: Greenlist, *codes: str) -> None:
    for code in codes:
        s.prepare_candidate(app, code)
        s.list_municipally(app, code)
    s.ensure_experts(app)
    for code in codes:
        s.nominate(app, code, P)
    for code in codes:
        s.review(app, code, P)


def test_a17_2_a_withheld_listing_explains_as_refused_with_the_record_it_found(
    app: Greenlist,
) -> None:
    barred = s.credit_code(1)
    through_reviews(app, barred)
    receipt = s.record_ground(app, barred, "A17.2", date(2025, 7, 25), date(2025, 8, 1))
    s.publish(app, P, 2025)

    why = explain_last(app, barred, "ListingWithheld")

    a17_2 = why.rule("A17.2")
    assert a17_2.outcome == REFUSED and a17_2.evaluated
    assert a17_2.statement_en.startswith("A17.2 refused because ")
    assert str(receipt.details["record_id"]) in a17_2.statement_en
    assert a17_2.statement_zh.startswith("A17.2 不予通过")
    (record,) = a17_2.inputs["records"]
    assert record == {
        "whose": barred,
        "record_id": str(receipt.details["record_id"]),
        "ground": "A17.2",
        "occurred_on": "2025-07-25",
        "ended_on": None,
        "source": "信用中国",
        "in_force": True,
    }
    assert PASSED not in {r.outcome for r in why.rules}
    assert why.ruleset == RULESET_VERSION and why.evaluations_recorded


def test_a16_1_a_listing_withheld_for_an_upheld_objection_explains_the_objection(
    app: Greenlist,
) -> None:
    code = s.credit_code(2)
    through_reviews(app, code)
    s.ensure_round(app, P, 2025)
    app.draw_site_sample(PROVINCE_ACTOR, P, 2025, 0, seed="x", occurred_at=at(date(2025, 8, 1)))
    app.open_public_notice(PROVINCE_ACTOR, P, 2025, occurred_at=at(date(2025, 9, 1)))
    objection = app.raise_objection(
        PROVINCE_ACTOR, code, P, "材料造假 / forged materials", occurred_at=at(date(2025, 9, 3))
    ).details["objection_id"]
    app.decide_objection(
        PROVINCE_ACTOR, code, P, objection, True, occurred_at=at(date(2025, 9, 10))
    )
    for signer, dept in ((s.NDRC, "ndrc"), (s.ECO_ENV, "eco_env")):
        app.cosign_publication(signer, P, 2025, dept, occurred_at=at(date(2025, 9, 16), 9))
    app.publish_round(PROVINCE_ACTOR, P, 2025, occurred_at=at(date(2025, 9, 16)))

    a16_1 = explain_last(app, code, "ListingWithheld").rule("A16.1")
    assert a16_1.outcome == REFUSED
    assert a16_1.inputs == {"upheld_objections": [str(objection)]}
    assert str(objection) in a16_1.statement_en


def test_a13_2_a_nomination_explains_with_the_quota_ledger_and_window_it_saw(
    app: Greenlist,
) -> None:
    first, second = s.credit_code(3), s.credit_code(4)
    for code in (first, second):
        s.prepare_candidate(app, code)
        s.list_municipally(app, code)
        s.nominate(app, code, P)
    quota = app.get_round(P, 2025)["quotas"]["330100"]

    why = explain_last(app, second, "Nominated")

    a13_2, a14_1 = why.rule("A13.2"), why.rule("A14.1")
    assert a13_2.outcome == PASSED
    assert a13_2.inputs == {"round": "provincial/2025", "city": "330100", "used": 1, "quota": quota}
    assert a14_1.outcome == PASSED
    assert a14_1.inputs == {
        "round": "provincial/2025",
        "on": "2025-06-01",
        "deadline": "2025-06-30",
    }
    standard = why.rule("A9.2")
    assert standard.outcome == PASSED and "provincial" in standard.inputs["passed_levels"]
    (report,) = standard.inputs["reports"]
    assert (report["level"], report["year"], report["passed"]) == ("provincial", 2025, True)
    assert why.rule("A14.2").outcome == PASSED and why.rule("A14.2").inputs["listed"] is True
    assert {why.rule(c).outcome for c in ("A17.1", "A17.6")} == {PASSED}


def test_a14_2_a_nomination_off_the_municipal_list_explains_as_waived_with_its_justification(
    app: Greenlist,
) -> None:
    code = s.credit_code(5)
    s.prepare_candidate(app, code)
    reason = "该企业为行业龙头，市级名单评选延期"
    app.nominate(s.city_actor(), code, P, 2025, reason, occurred_at=at(date(2025, 6, 2)))

    a14_2 = explain_last(app, code, "Nominated").rule("A14.2")
    assert a14_2.outcome == WAIVED and reason in a14_2.because_zh
    assert a14_2.inputs == {
        "required_listing": "municipal",
        "listed": False,
        "justification": reason,
    }


def test_a17_a_parks_listing_explains_with_its_members_records(app: Greenlist) -> None:
    member, park = s.credit_code(6), s.credit_code(30)
    s.register_and_cultivate(app, member)
    old = s.record_ground(app, member, "A17.2", date(2021, 3, 1), date(2025, 1, 20))
    s.list_provincially(app, park, kind=UnitKind.PARK, members=(member,))

    why = explain_last(app, park, "Listed")

    a17_2 = why.rule("A17.2")
    assert a17_2.outcome == PASSED
    (record,) = a17_2.inputs["records"]
    assert record["whose"] == member and record["in_force"] is False
    assert record["record_id"] == str(old.details["record_id"])
    assert a17_2.inputs["horizon"] == "2022-09-16"
    nominated = explain_last(app, park, "Nominated").rule("A17.2")
    assert nominated.inputs["records"][0]["whose"] == member


def test_a15_1_a_failed_preliminary_review_explains_as_refused(app: Greenlist) -> None:
    code = s.credit_code(7)
    s.prepare_candidate(app, code)
    s.list_municipally(app, code)
    s.nominate(app, code, P)
    app.record_preliminary_review(
        PROVINCE_ACTOR, code, P, False, "材料不全 / incomplete", occurred_at=at(date(2025, 7, 5))
    )

    a15_1 = explain_last(app, code, "PreliminaryReviewed").rule("A15.1")
    assert a15_1.outcome == REFUSED and "incomplete" in a15_1.because_en
    assert a15_1.inputs == {"passed": False, "notes": "材料不全 / incomplete", "open_questions": []}


@pytest.fixture
def as_before(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Acts recorded as before evaluations were kept: the events carry none."""
    recording = GreenAggregate.record

    def without(self: Any, *args: Any, evaluations: Any = (), **fields: Any) -> None:
        recording(self, *args, **fields)

    monkeypatch.setattr(GreenAggregate, "record", without)
    yield


@pytest.mark.usefixtures("as_before")
def test_a29_an_event_without_evaluations_never_says_passed(app: Greenlist) -> None:
    barred, failed = s.credit_code(8), s.credit_code(9)
    for code in (barred, failed):
        s.prepare_candidate(app, code)
        s.list_municipally(app, code)
        s.nominate(app, code, P)
    s.ensure_experts(app)
    s.review(app, barred, P)
    app.record_preliminary_review(
        PROVINCE_ACTOR, failed, P, False, occurred_at=at(date(2025, 7, 5))
    )
    s.record_ground(app, barred, "A17.2", date(2025, 7, 25), date(2025, 8, 1))
    s.publish(app, P, 2025)

    withheld = explain_last(app, barred, "ListingWithheld")
    assert not withheld.evaluations_recorded and withheld.note_en
    assert withheld.rule("A17.2").outcome == REFUSED
    assert explain_last(app, failed, "PreliminaryReviewed").rule("A15.1").outcome == REFUSED
    nominated = explain_last(app, barred, "Nominated")
    assert {r.outcome for r in nominated.rules} == {APPLIED}


def test_a29_an_event_stored_before_evaluations_reads_without_them() -> None:
    """Stored events are rebuilt without __init__: one from before lacks the field."""
    old = object.__new__(ev.ListingWithheld)
    old.__dict__.update(level="provincial", year=2025, rules=["A17.2"])
    assert old.evaluations == ()
