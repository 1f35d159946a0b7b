"""Custody of reporters' and objectors' personal data (issue 14; A23.1, A16.1): sealed before it
is stored, bound to its report and version, disclosed only by an act with a reason, erased by
destroying its data key while the log stays as it was; an old report stored in clear still
reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import pytest
from cryptography.exceptions import InvalidTag
from eventsourcing.persistence import StoredEvent

from domain.errors import Erased, OutOfJurisdiction, RuleViolation
from domain.events import complaint as co
from domain.reporters import WITHHELD
from domain.service import Greenlist
from domain.values import Level, micros
from greenlist.vault import TABLE
from simulation import scenarios as s
from tests.refusals import refused

NAME, CONTACT = "举报人赵六", "13712345678"
STATEMENT = "夜间偷排未经处理的废水，赵六亲眼所见"
EVIDENCE = ["https://example.org/photo-zhaoliu.jpg"]
SECRETS = (NAME, CONTACT, STATEMENT, EVIDENCE[0])
WHY = "核实需联系举报人"
P = s.PROVINCE_ACTOR


def file(app: Greenlist, code: str, actor: Any = s.PUBLIC) -> UUID:
    receipt = app.file_complaint(actor, "unit", code, NAME, CONTACT, EVIDENCE, STATEMENT)
    return receipt.aggregate_id


def stored(app: Greenlist, aggregate_id: UUID) -> list[StoredEvent]:
    return list(app.recorder.select_events(aggregate_id))


def assert_sealed(rows: list[StoredEvent], *also: str) -> None:
    for row in rows:
        text = row.state.decode("utf-8", "replace")
        for secret in (*SECRETS, *also):
            assert secret not in text, (row.topic, secret)


def test_a_report_is_sealed_before_it_is_stored_and_filed_under_the_neutral_reporter(
    app: Greenlist,
) -> None:
    code = s.credit_code(70)
    s.list_provincially(app, code)
    filer = s.enterprise_actor(s.credit_code(71, "330200"))
    complaint = file(app, code, actor=filer)
    rows = stored(app, complaint)
    assert_sealed(rows, filer.id)
    (filed,) = app.events.get(complaint)
    assert isinstance(filed, co.ComplaintFiled)
    assert (filed.actor_id, filed.actor_role, filed.actor_region) == WITHHELD
    assert filed.sealed.startswith("v1.")
    identity, _ = app.disclose_reporter(s.city_actor(), complaint, WHY)
    assert (identity["name"], identity["contact"]) == (NAME, CONTACT)
    assert identity["filed_by"] == {"actor_id": filer.id, "role": "enterprise", "region": "330200"}
    case = app.read_complaint(s.city_actor(), complaint)
    assert (case["statement"], case["evidence"]) == (STATEMENT, EVIDENCE)


def test_a_sealed_record_opens_only_in_its_own_report_and_version(app: Greenlist) -> None:
    """The associated data binds the ciphertext to the report and the filing's version: copied
    into another report, or read as another version, its tag fails."""
    code = s.credit_code(72)
    s.list_provincially(app, code)
    first, second = file(app, code), file(app, code)
    sealed = next(iter(app.events.get(first))).sealed
    assert app.vault.open(first, 1, sealed)["name"] == NAME
    with pytest.raises(InvalidTag):
        app.vault.open(second, 1, sealed)
    with pytest.raises(InvalidTag):
        app.vault.open(first, 2, sealed)


@pytest.mark.parametrize("reason", ["", "   ", "查看"])
def test_a_disclosure_without_a_reason_is_refused_and_records_nothing(
    app: Greenlist, reason: str
) -> None:
    code = s.credit_code(73)
    s.list_provincially(app, code)
    complaint = file(app, code)
    with refused(app, "A23.1", code) as caught:
        app.disclose_reporter(s.city_actor(), complaint, reason)
    assert "理由" in caught.value.zh and "reason" in caught.value.en


def test_an_erased_report_stays_in_the_log_and_is_never_read_again(app: Greenlist) -> None:
    code = s.credit_code(74)
    s.list_provincially(app, code)
    complaint = file(app, code)
    app.accept_complaint(s.city_actor(), complaint, "受理")
    before = stored(app, complaint)
    for stranger in (s.city_actor("330200"), s.INSPECTOR, s.enterprise_actor(code)):
        with pytest.raises(OutOfJurisdiction):
            app.erase_reporter_data(stranger, complaint, "依申请删除个人信息")
    with refused(app, "A23.1", code):
        app.erase_reporter_data(s.city_actor(), complaint, "")
    app.erase_reporter_data(s.city_actor(), complaint, "举报人申请删除个人信息")

    after = stored(app, complaint)
    assert [(r.topic, r.state) for r in after[: len(before)]] == [
        (r.topic, r.state) for r in before
    ]  # the filing, byte for byte
    assert type(list(app.events.get(complaint))[-1]) is co.ReporterDataErased
    with pytest.raises(Erased) as caught:
        app.disclose_reporter(s.INSPECTOR, complaint, WHY)
    assert "举报人申请删除个人信息" in caught.value.zh and "erased on" in caught.value.en
    assert caught.value.codes == ("A23.1",)
    case = app.read_complaint(s.city_actor(), complaint)
    assert "statement" not in case and case["erased_because"] == "举报人申请删除个人信息"
    assert case["erased_on"] is not None
    sealed = next(iter(app.events.get(complaint))).sealed
    with pytest.raises(LookupError):  # the key is gone from the vault itself
        app.vault.open(complaint, 1, sealed)
    rows = app.vault.db.query(f"SELECT wrapped, shredded_at FROM {TABLE} WHERE subject = ?",  # type: ignore[attr-defined]
                              (str(complaint),))  # fmt: skip
    assert rows[0]["wrapped"] is None and rows[0]["shredded_at"]
    length = len(stored(app, complaint))
    with pytest.raises(Erased) as again:  # again: nothing new, and the caller is told
        app.erase_reporter_data(P, complaint, "再次删除以确保密钥销毁")
    assert "举报人申请删除个人信息" in again.value.zh
    assert len(stored(app, complaint)) == length
    # the report's own work goes on: it can still be verified
    app.verify_complaint(s.city_actor(), complaint, False, "unfounded", "不属实")


def test_an_objection_is_sealed_and_its_docket_names_no_filer(app: Greenlist) -> None:
    from tests.application.test_a16_1_public_objections import file as object_to
    from tests.application.test_a16_1_public_objections import under_notice

    code = s.credit_code(76)
    under_notice(app, code)
    filer = s.enterprise_actor(s.credit_code(77, "330200"))
    objection = object_to(app, code, actor=filer)
    from domain.aggregates.objection import docket_id
    from domain.aggregates.round import round_id

    docket = docket_id(round_id(Level.PROVINCIAL, 2025))
    for aggregate in (objection, docket):
        rows = stored(app, aggregate)
        for row in rows:
            assert filer.id not in row.state.decode(), row.topic
    identity, _ = app.disclose_objector(P, objection, "核实异议人身份")
    assert identity["filed_by"]["actor_id"] == filer.id
    with pytest.raises(OutOfJurisdiction):
        app.erase_objector_data(s.city_actor(), objection, "删除异议人个人信息")
    app.erase_objector_data(P, objection, "异议处理完毕，依令删除")
    with pytest.raises(Erased):
        app.disclose_objector(s.INSPECTOR, objection, "监督核查")
    assert app.read_objection(P, objection)["erased_because"] == "异议处理完毕，依令删除"


def write_old_filing(app: Greenlist, code: str, when: datetime) -> UUID:
    """A report as the service stored it before issue 14 (ComplaintFiled class_version 1): the
    reporter's name, contact, evidence and statement in clear, the filer its actor."""
    from uuid import uuid4

    unit = app._unit(code)
    complaint = uuid4()
    filer = s.enterprise_actor(s.credit_code(79, "330300"))
    state = {
        "originator_id": str(complaint),
        "originator_version": 1,
        "timestamp": when.isoformat(),
        "actor_id": filer.id,
        "actor_role": "enterprise",
        "actor_region": "330300",
        "occurred_at": when.isoformat(),
        "rules": ["A23.1"],
        "exceptions": [],
        "ruleset": "2024-06-26",
        "justification": "",
        "originator_topic": "domain.aggregates.complaint:Complaint",
        "target_type": "unit",
        "target_id": str(unit.id),
        "city": unit.city,
        "reporter_name": NAME,
        "reporter_contact": CONTACT,
        "evidence": EVIDENCE,
        "content": STATEMENT,
    }
    new = app.mapper.to_stored_event(
        co.ComplaintFiled(  # type: ignore[call-arg]
            originator_id=complaint,
            originator_version=1,
            timestamp=when,
            actor_id=filer.id,
            actor_role="enterprise",
            actor_region="330300",
            occurred_at=when,
            rules=["A23.1"],
            exceptions=[],
            ruleset="2024-06-26",
            justification="",
            originator_topic="domain.aggregates.complaint:Complaint",
            target_type="unit",
            target_id=unit.id,
            city=unit.city,
            sealed="",
        )
    )
    template = app.mapper.transcoder.decode(new.state)
    old = {**template, **{k: v for k, v in state.items() if k in template or k in (
        "reporter_name", "reporter_contact", "evidence", "content")}}  # fmt: skip
    for newer in ("sealed", "class_version"):
        old.pop(newer, None)
    encoded = app.mapper.transcoder.encode(old)
    app.recorder.insert_events(
        [StoredEvent(complaint, 1, new.topic, encoded)],
        timeline=[(complaint, 1, micros(when))],
    )
    return complaint


def test_a_report_stored_in_clear_before_sealing_still_reads(app: Greenlist, clock: Any) -> None:
    """Version 1 of ComplaintFiled held the reporter in clear: it upcasts to a legacy envelope,
    discloses as before (for a reason, recorded) and can be erased from every read."""
    code = s.credit_code(78)
    s.list_provincially(app, code)
    complaint = write_old_filing(app, code, clock.now())
    identity, _ = app.disclose_reporter(s.city_actor(), complaint, WHY)
    assert (identity["name"], identity["contact"]) == (NAME, CONTACT)
    assert identity["filed_by"]["actor_id"] == s.enterprise_actor(s.credit_code(79, "330300")).id
    assert app.read_complaint(s.INSPECTOR, complaint)["statement"] == STATEMENT
    app.erase_reporter_data(s.city_actor(), complaint, "举报人申请删除个人信息")
    with pytest.raises(Erased):
        app.disclose_reporter(s.INSPECTOR, complaint, WHY)


def test_retention_starts_when_the_report_closes(app: Greenlist) -> None:
    code = s.credit_code(80)
    s.list_provincially(app, code)
    complaint = file(app, code)
    assert app.read_complaint(s.city_actor(), complaint)["closed_on"] is None
    app.accept_complaint(s.city_actor(), complaint, "受理")
    app.verify_complaint(s.city_actor(), complaint, True, "rectification", "属实")
    assert app.read_complaint(s.city_actor(), complaint)["closed_on"] is None  # follow-up open
    app.record_rectification(s.city_actor(), complaint, True, "已整改")
    closed = app.read_complaint(s.city_actor(), complaint)["closed_on"]
    assert closed is not None and closed.date() >= date(2024, 1, 1)


def test_a_disclosure_refused_after_erasure_records_nothing(app: Greenlist) -> None:
    code = s.credit_code(81)
    s.list_provincially(app, code)
    complaint = file(app, code)
    app.erase_reporter_data(P, complaint, "依令删除举报人信息")
    length = len(stored(app, complaint))
    with pytest.raises(Erased):
        app.disclose_reporter(s.city_actor(), complaint, WHY)
    assert len(stored(app, complaint)) == length
    with pytest.raises(RuleViolation):
        app.disclose_reporter(s.city_actor(), complaint, "")


def test_an_erased_case_is_still_read_only_by_those_who_may_see_the_filer(app: Greenlist) -> None:
    """Erasure empties the case file; it does not open it to anyone else (403, as before)."""
    from tests.application.test_a16_1_public_objections import file as object_to
    from tests.application.test_a16_1_public_objections import under_notice

    code = s.credit_code(82)
    under_notice(app, code)
    objection = object_to(app, code)
    app.erase_objector_data(P, objection, "依令删除异议人信息")
    for stranger in (s.city_actor(), s.enterprise_actor(code), s.PUBLIC):
        with pytest.raises(OutOfJurisdiction):
            app.read_objection(stranger, objection)
    assert "statement" not in app.read_objection(s.INSPECTOR, objection)


def test_an_erased_report_is_still_read_only_by_the_handling_city_and_inspectors(
    app: Greenlist,
) -> None:
    listed = s.credit_code(84)
    s.list_provincially(app, listed)
    report = file(app, listed)
    app.erase_reporter_data(P, report, "依令删除举报人信息")
    for stranger in (s.city_actor("330200"), P, s.enterprise_actor(listed)):
        with pytest.raises(OutOfJurisdiction):
            app.read_complaint(stranger, report)
    assert "statement" not in app.read_complaint(s.city_actor(), report)
