"""What keeps the record honest: no back-dating past a deadline, grounds that reach the parks
containing an enterprise, recorded reads of a reporter's identity, quota years that cannot be
chosen."""

from datetime import UTC, date, datetime

import pytest

from domain.clock import SettableClock
from domain.errors import RuleViolation
from domain.service import Greenlist
from domain.values import Level, UnitKind
from simulation import scenarios as s

PROV = Level.PROVINCIAL


def test_a_nomination_recorded_after_30_june_cannot_be_back_dated(
    app: Greenlist, clock: SettableClock
) -> None:
    code = s.credit_code(41)
    s.prepare_candidate(app, code)
    app.list_municipally(s.city_actor(), code, occurred_at=s.at(date(2025, 3, 1)))
    clock.set(s.at(date(2025, 7, 2)))
    with pytest.raises(RuleViolation) as refusal:
        app.nominate(s.city_actor(), code, PROV, 2025, occurred_at=s.at(date(2025, 6, 20)))
    assert "A14.1" in refusal.value.codes
    assert app.get_unit(code).status(PROV) is None


def test_a_form_recorded_after_15_april_is_late_whatever_date_it_states(
    app: Greenlist, clock: SettableClock
) -> None:
    code = s.credit_code(42)
    s.list_provincially(app, code)
    clock.set(s.at(date(2026, 5, 3)))
    app.submit_dynamic_form(
        s.enterprise_actor(code),
        code,
        PROV,
        2025,
        {"energy_tce": 1200},
        occurred_at=s.at(date(2026, 4, 1)),
    )
    form = [e for e in app.unit_history(code) if e.type == "DynamicFormSubmitted"][-1]
    assert form.data["late"] is True


def test_an_accident_inside_a_listed_park_puts_the_park_up_for_removal(app: Greenlist) -> None:
    member = s.credit_code(43)
    park = s.credit_code(44)
    s.register_and_cultivate(app, member)
    s.list_provincially(app, park, kind=UnitKind.PARK, members=(member,))
    s.major_accident(app, member, date(2025, 10, 2), "园区内企业爆炸事故", s.at(date(2025, 10, 2)))
    standing = app.get_unit(park).standing[PROV.value]
    assert standing["status"] == "listed"
    assert "A19.1" in standing["pending_removal"] and "A17.2" in standing["pending_removal"]
    s.annual_publication(app, 2026)
    assert app.get_unit(park).status(PROV) == "removed"


def test_a_park_that_no_longer_declares_an_enterprise_is_not_affected_by_it(
    app: Greenlist,
) -> None:
    member = s.credit_code(45)
    park = s.credit_code(46)
    s.register_and_cultivate(app, member)
    s.list_provincially(app, park, kind=UnitKind.PARK, members=(member,))
    app.declare_park_members(s.city_actor(), park, [])
    s.record_ground(app, member, "A17.2", date(2025, 10, 1), date(2025, 10, 3))
    assert not app.get_unit(park).standing[PROV.value].get("pending_removal")


def test_every_disclosure_of_a_reporters_identity_is_recorded_with_its_reason(
    app: Greenlist,
) -> None:
    code = s.credit_code(47)
    s.list_provincially(app, code)
    filed = app.file_complaint(
        s.PUBLIC, "unit", code, "张三", "13800000000", ["监测报告.pdf"], "能耗数据造假"
    )
    complaint_id = filed.aggregate_id
    assert app.disclose_reporter(s.INSPECTOR, complaint_id, "监督核查")[0]["name"] == "张三"
    disclosed, _ = app.disclose_reporter(s.city_actor(), complaint_id, "核实需联系")
    assert disclosed["contact"] == "13800000000"
    reads = [e for e in app.events.get(complaint_id) if type(e).__name__ == "ReporterDisclosed"]
    assert [(e.actor_role, e.actor_id, e.reason) for e in reads] == [
        ("inspector", s.INSPECTOR.id, "监督核查"),
        ("city", s.city_actor().id, "核实需联系"),
    ]


def test_third_party_projects_count_in_the_year_they_are_submitted(
    app: Greenlist, clock: SettableClock
) -> None:
    """A22.3: a report declaring next year still counts toward this year's quota."""
    agency = s.register_agency(app, 500, "李四")
    code = s.credit_code(48)
    s.register_and_cultivate(app, code)
    clock.set(datetime(2025, 11, 1, tzinfo=UTC))
    app.submit_evaluation(
        s.agency_actor(agency), code, Level.NATIONAL, 2026, s.report_hash("r"), 90.0, True
    )
    assert app.quota_used(s.representative_id("李四"), 2025)["national"] == 1
    assert app.quota_used(s.representative_id("李四"), 2026)["national"] == 0
