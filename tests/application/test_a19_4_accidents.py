"""Scenarios of A19.4 (accidents), on every store: the accident's kind and grade are recorded;
only grade II (重大) and above remove at once; the city's report to the province is its own act;
each level's department removes the unit from its own list (the city the municipal, the province
the provincial, MIIT the national one on the province's report). A lesser accident is an A17.2
ground: removal at the annual publication (A19.1)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.service import Greenlist
from domain.values import Level
from simulation import scenarios as s
from simulation.scenarios import at
from tests.refusals import refused

M, P, N = Level.MUNICIPAL, Level.PROVINCIAL, Level.NATIONAL
HANGZHOU = s.city_actor("330100")
DAY = date(2025, 10, 30)


def events(app: Greenlist, code: str, kind: str) -> list[Any]:
    return [e for e in app.unit_history(code) if e.type == kind]


def report(app: Greenlist, code: str, grade: str = "II", kind: str = "safety", **kw: Any) -> Any:
    return app.report_accident(
        HANGZHOU,
        code,
        kind,
        grade,
        kw.pop("occurred_on", DAY),
        "车间爆燃",
        occurred_at=at(DAY),
        **kw,
    )


def list_nationally(app: Greenlist, code: str) -> None:
    """Provincial in 2025, national in 2026 (A16.3, A15.4)."""
    s.list_provincially(app, code)
    s.evaluate(app, code, N, 2026)
    s.ensure_round(app, N, 2026)
    s.nominate_and_review(app, code, N, 2026)
    s.recommend_to_miit(app, 2026)  # the national list is MIIT's (A16.3)
    s.miit_outcome(app, code, 2026)
    assert app.get_unit(code).status(N) == "listed"


def test_a19_4_the_city_reports_a_major_accident_and_removes_the_unit_from_its_municipal_list(
    app: Greenlist,
) -> None:
    code = s.credit_code(54)
    s.list_provincially(app, code)
    with refused(app, "ID.3", code):
        app.report_accident(
            s.city_actor("330200"), code, "safety", "II", DAY, "事故", occurred_at=at(DAY)
        )
    receipt = report(app, code)
    assert receipt.details["major"] is True
    assert receipt.details["removed"] == ["municipal"]
    assert receipt.details["awaiting_province"] == ["provincial"]
    unit = app.get_unit(code)
    assert (unit.status(M), unit.status(P)) == ("removed", "listed")
    (reported,) = events(app, code, "AccidentReported")
    assert (reported.data["kind"], reported.data["grade"]) == ("safety", "II")
    assert reported.data["occurred_on"] == DAY and reported.data["reported_late"] is False
    assert {"A19.4", "A17.2"} <= set(reported.rules)
    assert reported.recorded_at >= at(DAY)  # the report is an act of its own, with its time
    (removed,) = events(app, code, "Removed")
    assert removed.data["immediate"] and "A19.4" in removed.rules


def test_a19_4_a_city_bureau_cannot_remove_a_unit_from_the_provincial_list(
    app: Greenlist,
) -> None:
    code = s.credit_code(55)
    s.list_provincially(app, code)
    accident = report(app, code).details["accident_id"]
    with refused(app, "A19.4", code) as caught:
        app.remove_after_accident(HANGZHOU, code, accident, occurred_at=at(DAY))
    assert "ID.3" in caught.value.codes
    with refused(app, "A19.4", code) as caught:
        app.record_miit_removal(HANGZHOU, code, accident, "工信部", occurred_at=at(DAY))
    assert "ID.3" in caught.value.codes
    assert app.get_unit(code).status(P) == "listed"


def test_a19_4_the_province_removes_the_unit_from_the_provincial_list_on_the_citys_report(
    app: Greenlist,
) -> None:
    code = s.credit_code(56)
    s.list_provincially(app, code)
    with refused(app, "A19.4", code):  # no report, no removal at once
        app.remove_after_accident(s.PROVINCE_ACTOR, code, UUID(int=7), occurred_at=at(DAY))
    accident = report(app, code).details["accident_id"]
    receipt = app.remove_after_accident(s.PROVINCE_ACTOR, code, accident, occurred_at=at(DAY))
    assert receipt.details == {"removed": ["provincial"], "reported_to_miit": False}
    assert app.get_unit(code).status(P) == "removed"
    removal = events(app, code, "Removed")[-1]
    assert removal.data["level"] == "provincial" and removal.data["immediate"]
    assert "车间爆燃" in removal.data["reason"] and removal.actor_role == "province"
    with refused(app, "A19.4", code):  # done: nothing left for the province
        app.remove_after_accident(s.PROVINCE_ACTOR, code, accident, occurred_at=at(DAY))


def test_a19_4_the_province_reports_to_miit_and_records_miits_national_removal(
    app: Greenlist,
) -> None:
    code = s.credit_code(57)
    list_nationally(app, code)
    when = at(date(2026, 11, 2))
    accident = app.report_accident(
        HANGZHOU, code, "environment", "I", date(2026, 11, 1), "突发环境事件", occurred_at=when
    ).details["accident_id"]
    with refused(app, "A19.4", code):  # MIIT's removal follows the province's report
        app.record_miit_removal(s.PROVINCE_ACTOR, code, accident, "工信部", occurred_at=when)
    receipt = app.remove_after_accident(s.PROVINCE_ACTOR, code, accident, occurred_at=when)
    assert receipt.details == {"removed": ["provincial"], "reported_to_miit": True}
    assert app.get_unit(code).status(N) == "listed"  # until MIIT removes it
    assert len(events(app, code, "ReportedToMiitForRemoval")) == 1
    with refused(app, "A19.4", code):
        app.record_miit_removal(s.PROVINCE_ACTOR, code, accident, "  ", occurred_at=when)
    app.record_miit_removal(s.PROVINCE_ACTOR, code, accident, "工信厅节函〔2026〕9号", when)
    assert app.get_unit(code).status(N) == "removed"
    assert "工信厅节函〔2026〕9号" in events(app, code, "Removed")[-1].data["reason"]


def test_a19_4_a_lesser_accident_removes_nothing_at_once_but_is_an_a17_2_ground(
    app: Greenlist,
) -> None:
    code = s.credit_code(58)
    s.list_provincially(app, code)
    receipt = report(app, code, grade="III", kind="quality")
    assert receipt.details["major"] is False and receipt.details["removed"] == []
    assert receipt.details["removal_pending"] == ["municipal", "provincial"]
    unit = app.get_unit(code)
    assert (unit.status(M), unit.status(P)) == ("listed", "listed")
    assert {"A19.1", "A17.2"} <= set(unit.standing[P.value]["pending_removal"])
    assert [r["ground"] for r in unit.negatives.values()] == ["A17.2"]
    with refused(app, "A19.4", code):  # no removal at once for a grade III accident
        app.remove_after_accident(
            s.PROVINCE_ACTOR, code, receipt.details["accident_id"], occurred_at=at(DAY)
        )
    s.annual_publication(app, 2026)
    assert app.get_unit(code).status(P) == "removed"


def test_a19_4_a_report_long_after_the_accident_is_flagged_late(app: Greenlist) -> None:
    code = s.credit_code(59)
    s.list_provincially(app, code)
    report(app, code, occurred_on=date(2025, 10, 20))
    (reported,) = events(app, code, "AccidentReported")
    assert reported.data["reported_late"] is True


def test_a19_4_an_accident_has_a_known_kind_and_grade_and_has_happened(app: Greenlist) -> None:
    code = s.credit_code(60)
    s.list_provincially(app, code)
    with refused(app, "A17.2", code):
        report(app, code, grade="V")
    with refused(app, "A17.2", code):
        report(app, code, kind="traffic")
    with refused(app, "A19.4", code):
        report(app, code, occurred_on=date(2025, 11, 30))
