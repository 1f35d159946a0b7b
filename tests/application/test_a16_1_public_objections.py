"""A16.1: the public notice is public (issue 12 item 2). Anyone may object during the notice,
under their real name with contact details and evidence (as A23.1 asks of reports); the
objection is registered and decided by the province, its outcome recorded on the objection
and on the unit; the objector is protected like a reporter: never in the unit's stream, shown
as the neutral filer in every read, disclosed only to the province and inspectors, each look
recorded. Through the service on every store."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from domain.errors import OutOfJurisdiction
from domain.service import Greenlist
from domain.values import Actor, Role
from simulation import scenarios as s
from tests.application.rules_steps import (
    PROV,
    YEAR,
    D,
    P,
    cosign_both,
    day,
    last_event,
    log_size,
    refused,
    under_notice,
    versions,
)

NAME, CONTACT = "王小明", "13800000000"
EVIDENCE = ["环评批复缺失的照片"]
NOTICE_VIEWER = Actor("zhang", Role.ENTERPRISE, "330100")


def file(app: Greenlist, code: str, when: int = 5, actor: Actor = s.PUBLIC, **kw: object) -> UUID:
    fields: dict[str, object] = {
        "objector_name": NAME,
        "objector_contact": CONTACT,
        "evidence": EVIDENCE,
        "grounds": "环评手续不全",
        **kw,
    }
    receipt = app.file_objection(
        actor,
        PROV,
        YEAR,
        code,
        occurred_at=day(9, when),
        **fields,  # type: ignore[arg-type]
    )
    return receipt.aggregate_id


def test_a16_1_anyone_may_object_under_real_name(app: Greenlist) -> None:
    objected, clean = s.credit_code(31), s.credit_code(32)
    under_notice(app, objected, clean)
    before = app.get_unit(objected).version
    objection = file(app, objected)
    assert app.get_unit(objected).version == before  # filing never writes the unit
    cosign_both(app)
    with refused(app, "A16.1", versions(app, objected)):
        app.publish_round(P, PROV, YEAR, occurred_at=day(9, 16))  # filed, not registered
    app.register_objection(P, objection, occurred_at=day(9, 17))
    raised = last_event(app.unit_history(objected), "ObjectionRaised")
    assert (raised.actor_id, raised.actor_role) == (P.id, "province")
    assert raised.data["objection_id"] == objection
    with refused(app, "A16.1", versions(app, objected)):
        app.publish_round(P, PROV, YEAR, occurred_at=day(9, 17))  # registered, not decided
    app.decide_filed_objection(P, objection, True, "环评批复确未取得", occurred_at=day(9, 18))
    assert last_event(app.unit_history(objected), "ObjectionDecided").data["upheld"] is True
    app.publish_round(P, PROV, YEAR, occurred_at=day(9, 20))
    assert app.get_unit(objected).status(PROV) == "withheld"
    assert app.get_unit(clean).status(PROV) == "listed"
    notice = app.public_notice(PROV, YEAR)
    assert notice["status"] == "published"
    row = next(u for u in notice["units"] if u["credit_code"] == objected)
    assert row["objections"] == {"raised": 1, "pending": 0, "upheld": 1, "not_upheld": 0}


def test_a16_1_the_notice_is_read_with_its_dates_and_status(app: Greenlist) -> None:
    code = s.credit_code(33)
    under_notice(app, code)
    notice = app.public_notice(PROV, YEAR)
    assert (notice["opened_on"], notice["status"]) == (D, "open")
    assert notice["last_day"] == D + timedelta(days=14)
    assert [(u["credit_code"], u["stage"]) for u in notice["units"]] == [(code, "under_notice")]


@pytest.mark.parametrize("missing", ["objector_name", "objector_contact", "evidence"])
def test_a16_1_an_objection_without_real_name_contact_or_evidence_is_refused(
    app: Greenlist, missing: str
) -> None:
    code = s.credit_code(34)
    under_notice(app, code)
    empty: object = [" "] if missing == "evidence" else " "
    with refused(app, "A23.1", versions(app, code)):
        file(app, code, **{missing: empty})
    with refused(app, "A16.1", versions(app, code)):
        file(app, code, **{missing: empty})


def test_a16_1_an_objection_outside_the_notice_or_its_list_is_refused(app: Greenlist) -> None:
    code, other = s.credit_code(35), s.credit_code(36)
    s.register_and_cultivate(app, other)
    under_notice(app, code)
    with refused(app, "A16.1", versions(app, code)):
        file(app, code, when=16)  # the day after the last day
    with refused(app, "A16.1", versions(app, code)):
        file(app, other)  # not on the proposed list


def test_a16_1_an_objection_before_the_notice_is_refused(app: Greenlist) -> None:
    code = s.credit_code(37)
    s.register_and_cultivate(app, code)
    s.ensure_round(app, PROV, YEAR)
    with refused(app, "A16.1", lambda: app.get_round(PROV, YEAR)["version"]):
        app.file_objection(
            s.PUBLIC, PROV, YEAR, code, NAME, CONTACT, EVIDENCE, "理由", occurred_at=day(7, 1)
        )


def test_a16_1_the_objector_is_withheld_and_disclosed_only_to_province_and_inspectors(
    app: Greenlist,
) -> None:
    code = s.credit_code(38)
    under_notice(app, code)
    objection = file(app, code, actor=NOTICE_VIEWER)  # a token's holder files: withheld too
    app.register_objection(P, objection, "材料存疑", occurred_at=day(9, 6))
    app.decide_filed_objection(P, objection, False, "经核查材料齐全", occurred_at=day(9, 7))
    for event in app.unit_history(code):
        assert NAME not in str(event) and CONTACT not in str(event)
        assert event.actor_id != NOTICE_VIEWER.id
    for refused_reader in (s.city_actor(), NOTICE_VIEWER, s.PUBLIC):
        before = log_size(app)
        with pytest.raises(OutOfJurisdiction) as info:
            app.disclose_objector(refused_reader, objection, "需核实异议人")
        assert "ID.3" in info.value.codes and log_size(app) == before
    identity, _ = app.disclose_objector(P, objection, "需核实异议人")
    assert (identity["name"], identity["contact"]) == (NAME, CONTACT)
    assert identity["filed_by"]["actor_id"] == NOTICE_VIEWER.id  # sealed with the filing
    assert app.disclose_objector(s.INSPECTOR, objection, "监督核查")[0]["name"] == NAME
    assert app.get_unit(code).status(PROV) == "under_notice"


def test_a16_1_a_filed_objection_is_registered_and_decided_once(app: Greenlist) -> None:
    code = s.credit_code(39)
    under_notice(app, code)
    objection = file(app, code, when=15)  # on the last day; registered after it
    with refused(app, "A16.1", versions(app, code)):
        app.decide_filed_objection(P, objection, True, "理由", occurred_at=day(9, 16))
    app.register_objection(P, objection, occurred_at=day(9, 16))
    with refused(app, "A16.1", versions(app, code)):
        app.register_objection(P, objection, occurred_at=day(9, 16))
    with refused(app, "A16.1", versions(app, code)):
        app.decide_filed_objection(P, objection, True, " ", occurred_at=day(9, 16))
    with refused(app, "A16.1", versions(app, code)):  # decided on the objection, not the unit
        app.decide_objection(P, code, PROV, objection, True, occurred_at=day(9, 16))
    app.decide_filed_objection(P, objection, False, "不成立", occurred_at=day(9, 17))
    with refused(app, "A16.1", versions(app, code)):
        app.decide_filed_objection(P, objection, True, "改判", occurred_at=day(9, 17))
    cosign_both(app)
    app.publish_round(P, PROV, YEAR, occurred_at=day(9, 20))
    assert app.get_unit(code).status(PROV) == "listed"


def test_a16_1_inspectors_and_auditors_file_no_objection(app: Greenlist) -> None:
    code = s.credit_code(40)
    under_notice(app, code)
    with refused(app, "ID.3", versions(app, code), OutOfJurisdiction):
        file(app, code, actor=s.INSPECTOR)
    with refused(app, "ID.3", versions(app, code), OutOfJurisdiction):
        app.register_objection(s.city_actor(), UUID(int=1), occurred_at=day(9, 6))
