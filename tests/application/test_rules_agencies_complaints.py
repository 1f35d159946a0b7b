"""Scenarios of third-party agencies (A22.1, A22.3) and real-name reports (A23.1, A23.2), on
every store. A22.2 (the published performance of agencies) is a projection, not tested here."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.aggregates.complaint import Complaint
from domain.events import unit as un
from domain.reporters import WITHHELD
from domain.service import Greenlist
from domain.values import Actor, Level, UnitKind
from simulation import scenarios as s
from simulation.scenarios import at
from tests.refusals import refused

M, P, N = Level.MUNICIPAL, Level.PROVINCIAL, Level.NATIONAL
HANGZHOU, NINGBO = s.city_actor("330100"), s.city_actor("330200")
REPORTER = ("陈举报", "13800138000")
EVIDENCE = ["监测数据截图.png", "现场照片.jpg"]


def report(app: Greenlist, agency: str, code: str, level: Level, year: int = 2025) -> None:
    app.submit_evaluation(
        s.agency_actor(agency),
        code,
        level,
        year,
        s.report_hash(f"{agency}/{code}/{level.value}"),
        86.0,
        True,
        occurred_at=at(date(year, 2, 1)),
    )


def units_of_every_kind(app: Greenlist) -> dict[UnitKind, str]:
    codes = {UnitKind.FACTORY: 1, UnitKind.PARK: 2, UnitKind.SUPPLY_CHAIN: 3}
    for kind, serial in codes.items():
        s.register_and_cultivate(app, s.credit_code(serial), kind)
    return {kind: s.credit_code(serial) for kind, serial in codes.items()}


def file(app: Greenlist, code: str, name: str, contact: str, evidence: list[str]) -> UUID:
    receipt = app.file_complaint(
        s.PUBLIC,
        "unit",
        code,
        name,
        contact,
        evidence,
        "能耗数据造假",
        occurred_at=at(date(2025, 11, 1)),
    )
    return receipt.aggregate_id


def listed_with_complaint(app: Greenlist, serial: int = 10) -> tuple[str, UUID]:
    code = s.credit_code(serial)
    s.list_provincially(app, code)
    return code, file(app, code, *REPORTER, EVIDENCE)


def accept(app: Greenlist, actor: Any, complaint: UUID) -> Any:
    return app.accept_complaint(actor, complaint, "受理", occurred_at=at(date(2025, 11, 5)))


def verify(app: Greenlist, actor: Any, complaint: UUID, confirmed: bool, outcome: str) -> Any:
    return app.verify_complaint(
        actor, complaint, confirmed, outcome, "核实", occurred_at=at(date(2025, 11, 20))
    )


def accepted(app: Greenlist, serial: int = 10) -> tuple[str, UUID]:
    """A listed unit with a report against it that Hangzhou accepted for verification."""
    code, complaint = listed_with_complaint(app, serial)
    accept(app, HANGZHOU, complaint)
    return code, complaint


# --- A22.3: projects per legal representative and year ----------------------------------------


def test_the_16th_national_project_of_one_legal_representative_is_refused_across_agencies(
    app: Greenlist,
) -> None:
    first, second = s.register_agency(app, 501, "张三"), s.register_agency(app, 502, " 张三 ")
    other = s.register_agency(app, 503, "李四")
    units = units_of_every_kind(app)
    kinds = list(units.values())
    for i in range(15):  # factories, parks and supply chains together, split over two agencies
        report(app, (first, second)[i % 2], kinds[i % 3], N)
    assert app.quota_used(s.representative_id("张三"), 2025) == {
        "national": 15,
        "provincial": 0,
        "none": 0,
    }

    for agency in (first, second):
        with refused(app, "A22.3", units[UnitKind.FACTORY]):
            report(app, agency, units[UnitKind.FACTORY], N)
    assert app.quota_used(s.representative_id("张三"), 2025)["national"] == 15
    report(app, other, units[UnitKind.FACTORY], N)
    report(app, first, units[UnitKind.FACTORY], N, year=2026)
    assert app.quota_used(s.representative_id("张三"), 2026)["national"] == 1
    assert app.quota_used(s.representative_id("李四"), 2025)["national"] == 1


def test_the_11th_provincial_factory_or_park_project_is_refused(app: Greenlist) -> None:
    first, second = s.register_agency(app, 511, "王五"), s.register_agency(app, 512, "王五")
    units = units_of_every_kind(app)
    factory, park = units[UnitKind.FACTORY], units[UnitKind.PARK]
    for i in range(10):
        report(app, first if i < 5 else second, (factory, park)[i % 2], P)
    for agency, code in ((first, factory), (second, park)):
        with refused(app, "A22.3", code):
            report(app, agency, code, P)

    report(app, first, units[UnitKind.SUPPLY_CHAIN], P)  # supply chains do not count
    report(app, second, factory, M)  # municipal projects do not count
    report(app, first, park, N)
    assert app.quota_used(s.representative_id("王五"), 2025) == {
        "national": 1,
        "provincial": 10,
        "none": 2,
    }
    submitted = [e for e in app.unit_history(factory) if e.type == "EvaluationSubmitted"]
    assert submitted[-1].data["evaluator"] == "third_party"
    assert "A22.3" in submitted[-1].rules


def test_an_11th_provincial_supply_chain_report_is_accepted_after_10_factory_ones(
    app: Greenlist,
) -> None:
    agency = s.register_agency(app, 521, "孙七")
    units = units_of_every_kind(app)
    for _ in range(10):
        report(app, agency, units[UnitKind.FACTORY], P)
    report(app, agency, units[UnitKind.SUPPLY_CHAIN], P)
    assert app.quota_used(s.representative_id("孙七"), 2025) == {
        "national": 0,
        "provincial": 10,
        "none": 1,
    }
    with refused(app, "A22.3", units[UnitKind.PARK]):
        report(app, agency, units[UnitKind.PARK], P)


# --- A22.1: agency misconduct -----------------------------------------------------------------


def test_a_city_reports_an_agency_s_misconduct_to_the_province(app: Greenlist) -> None:
    agency = s.register_agency(app, 531, "周八")
    with refused(app, "A22.1"):
        app.report_agency_misconduct(HANGZHOU, agency, "  ")
    with refused(app, "ID.3"):
        app.report_agency_misconduct(s.PUBLIC, agency, "评价报告数据造假")
    assert app.get_agency(agency)["misconduct"] == 0
    app.report_agency_misconduct(
        HANGZHOU, agency, "评价报告数据造假", occurred_at=at(date(2025, 11, 1))
    )
    app.report_agency_misconduct(
        s.PROVINCE_ACTOR, agency, "隐瞒企业重大问题", occurred_at=at(date(2025, 11, 2))
    )
    assert app.get_agency(agency)["misconduct"] == 2


def test_a_confirmed_report_against_an_agency_records_its_misconduct(app: Greenlist) -> None:
    agency = s.register_agency(app, 532, "吴九")

    def complain(city: str | None) -> UUID:
        return app.file_complaint(
            s.PUBLIC, "agency", agency, *REPORTER, EVIDENCE, "出具虚假报告", city=city
        ).aggregate_id

    with refused(app, "A23.1"):
        complain(None)
    confirmed, unfounded = complain("330100"), complain("330100")
    for complaint in (confirmed, unfounded):
        accept(app, HANGZHOU, complaint)
    with refused(app, "A22.1"):
        verify(app, HANGZHOU, confirmed, True, "removal")
    verify(app, HANGZHOU, unfounded, False, "unfounded")
    assert app.get_agency(agency)["misconduct"] == 0
    verify(app, HANGZHOU, confirmed, True, "agency_misconduct")
    assert app.get_agency(agency)["misconduct"] == 1


# --- A23.1: real-name reports -----------------------------------------------------------------


def test_a_report_without_name_contact_or_evidence_is_refused(app: Greenlist) -> None:
    code = s.credit_code(11)
    s.list_provincially(app, code)
    name, contact = REPORTER
    for incomplete in ((" ", contact, EVIDENCE), (name, "", EVIDENCE), (name, contact, [])):
        with refused(app, "A23.1", code):
            file(app, code, *incomplete)
    versions = app.get_unit(code).version
    file(app, code, name, contact, EVIDENCE)
    assert app.get_unit(code).version == versions  # filing writes only the complaint


def test_a_report_against_an_unlisted_unit_is_refused(app: Greenlist) -> None:
    code = s.credit_code(12)
    s.prepare_candidate(app, code)
    with refused(app, "A23.1", code):
        file(app, code, *REPORTER, EVIDENCE)


def test_the_reporter_never_appears_in_the_unit_s_stream(app: Greenlist) -> None:
    code, complaint = accepted(app)
    verify(app, HANGZHOU, complaint, True, "rectification")
    history = app.unit_history(code)
    assert {"ComplainedAgainst", "ComplaintOutcomeRecorded"} <= {e.type for e in history}
    for event in history:
        recorded = repr((event.data, event.actor_id, event.justification))
        assert REPORTER[0] not in recorded and REPORTER[1] not in recorded


def test_a_report_reaches_the_unit_s_history_only_when_the_city_accepts_it(
    app: Greenlist,
) -> None:
    """Issue 9 item 4: filing writes the complaint alone, whoever files (an enterprise's token
    too); the handling city's acceptance (A23.2) records "complained against" on the unit, with
    the city as its actor, in the same transaction as the complaint's acceptance."""
    code, rival = s.credit_code(13), s.credit_code(14)
    s.list_provincially_together(app, code, rival)
    before = [e.type for e in app.unit_history(code)]
    filed = app.file_complaint(
        s.enterprise_actor(rival), "unit", code, *REPORTER, EVIDENCE, "偷排废水"
    ).aggregate_id
    assert [e.type for e in app.unit_history(code)] == before
    assert [type(e).__name__ for e in app.events.get(filed)] == ["ComplaintFiled"]
    for actor in (NINGBO, s.PROVINCE_ACTOR, s.enterprise_actor(code)):
        with refused(app, "ID.3", code):
            accept(app, actor, filed)
    with refused(app, "A23.2", code):
        verify(app, HANGZHOU, filed, True, "rectification")  # not accepted yet
    receipt = accept(app, HANGZHOU, filed)
    assert receipt.aggregate_id == filed
    last = app.unit_history(code)[-1]
    assert (last.type, last.data["complaint_id"]) == ("ComplainedAgainst", filed)
    assert (last.actor_id, last.actor_role, last.actor_region) == (HANGZHOU.id, "city", "330100")
    assert last.rules == ["A23.2"] and last.justification == "受理"
    with refused(app, "A23.2", code):
        accept(app, HANGZHOU, filed)  # once
    verify(app, HANGZHOU, filed, False, "unfounded")
    with refused(app, "A23.2", code):
        accept(app, HANGZHOU, filed)  # nor after the verification
    for event in app.unit_history(code):
        assert rival not in repr((event.data, event.actor_id, event.justification))


def test_only_the_handling_city_and_inspectors_read_the_reporter(app: Greenlist) -> None:
    code, complaint = listed_with_complaint(app)
    expected = {"name": REPORTER[0], "contact": REPORTER[1]}
    for reader in (HANGZHOU, s.INSPECTOR):
        identity, _ = app.disclose_reporter(reader, complaint, "核实需联系举报人")
        assert {k: identity[k] for k in expected} == expected
    for actor in (NINGBO, s.PROVINCE_ACTOR, s.PUBLIC, s.enterprise_actor(code)):
        with refused(app, "ID.3", code):
            app.disclose_reporter(actor, complaint, "核实需联系举报人")


def old_style_filing(app: Greenlist, filer: Actor, code: str) -> UUID:
    """What `file_complaint` recorded before issue 9 item 4: the complaint and, in the same
    transaction, the retired `ComplaintReceived` in the unit's stream, the filer its actor."""
    act = app._act(filer, rules=("A23.1",))
    unit = app._unit(code)
    complaint = Complaint.file(
        act, "unit", unit.id, unit.city, *REPORTER, EVIDENCE, "偷排", app.vault
    )
    unit.record(un.ComplaintReceived, act, ["A23.1"], complaint_id=complaint.id)
    return app._save(complaint, unit).aggregate_id


def test_an_old_filing_still_loads_shows_no_filer_and_is_accepted_without_a_second_entry(
    app: Greenlist,
) -> None:
    """Stored streams of the earlier code keep loading; their filing event withholds the filer
    in every read of the unit's events, and accepting such a report records nothing more on
    the unit (it already says it was complained against)."""
    code, rival = s.credit_code(15), s.credit_code(16)
    s.list_provincially_together(app, code, rival)
    complaint = old_style_filing(app, s.enterprise_actor(rival), code)
    stored = app.unit_history(code)[-1]
    assert stored.type == "ComplaintReceived"
    assert (stored.actor_id, stored.actor_role, stored.actor_region) == WITHHELD
    explained = app.explain_decision(code, stored.version).event
    assert (explained.actor_id, explained.actor_role, explained.actor_region) == WITHHELD
    length = len(app.unit_history(code))
    accept(app, HANGZHOU, complaint)
    assert len(app.unit_history(code)) == length
    verify(app, HANGZHOU, complaint, True, "rectification")
    assert app.unit_history(code)[-1].type == "ComplaintOutcomeRecorded"
    assert rival not in repr([(e.actor_id, e.data) for e in app.unit_history(code)])


# --- A23.2: verification ----------------------------------------------------------------------


def test_only_the_handling_city_verifies_a_report(app: Greenlist) -> None:
    code, complaint = accepted(app)
    for actor in (NINGBO, s.PROVINCE_ACTOR, s.INSPECTOR):
        with refused(app, "ID.3", code):
            verify(app, actor, complaint, True, "rectification")
    with refused(app, "A23.2", code):
        verify(app, HANGZHOU, complaint, True, "unfounded")
    verify(app, HANGZHOU, complaint, True, "rectification")
    with refused(app, "A23.2", code):
        verify(app, HANGZHOU, complaint, True, "removal")
    outcome = [e for e in app.unit_history(code) if e.type == "ComplaintOutcomeRecorded"]
    assert [e.data["outcome"] for e in outcome] == ["rectification"]
    assert "pending_removal" not in app.get_unit(code).standing["provincial"]


def test_a_report_confirmed_for_removal_removes_the_unit_at_the_annual_publication(
    app: Greenlist,
) -> None:
    code, complaint = accepted(app)
    verify(app, HANGZHOU, complaint, True, "removal")
    unit = app.get_unit(code)
    assert (unit.status(M), unit.status(P)) == ("listed", "listed")
    for level in (M, P):
        assert unit.standing[level.value]["pending_removal"] == ["A19.3", "A23.2"]
    s.annual_publication(app, 2026)
    unit = app.get_unit(code)
    assert (unit.status(M), unit.status(P)) == ("removed", "removed")
