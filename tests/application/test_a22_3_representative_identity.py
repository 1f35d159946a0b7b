"""A22.3 follows the person: the legal representative is identified by the resident ID number
(kept only as a keyed hash), not by the name typed at registration. Agencies registered with
one person share the yearly cap whatever their names say; two people who share a name do not;
a change of representative is an event after which the agency counts to the new person. The
number itself is stored nowhere. On every store."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from domain.aggregates.agency import Agency, EvaluationQuota, agency_id, quota_id
from domain.errors import OutOfJurisdiction
from domain.events import agency as ev
from domain.service import Greenlist
from domain.values import Level
from simulation import scenarios as s
from simulation.scenarios import at
from tests.refusals import refused

N = Level.NATIONAL
ZHANG = s.representative_id("张三")
LI = s.representative_id("李四")
NAMESAKE = s.representative_id("另一个张三")


def register(app: Greenlist, serial: int, name: str, id_number: str) -> str:
    code = s.credit_code(serial)
    app.register_agency(s.PROVINCE_ACTOR, code, f"第三方评价机构{serial}", name, id_number)
    return code


def units(app: Greenlist, n: int) -> list[str]:
    codes = [s.credit_code(700 + i) for i in range(n)]
    for code in codes:
        s.register_and_cultivate(app, code)
    return codes


def report(app: Greenlist, agency: str, code: str, year: int = 2025) -> None:
    app.submit_evaluation(
        s.agency_actor(agency),
        code,
        N,
        year,
        s.report_hash(f"{agency}/{code}/{year}"),
        86.0,
        True,
        occurred_at=at(date(year, 2, 1)),
    )


def test_a22_3_two_agencies_of_one_person_under_two_spellings_share_15_national_projects(
    app: Greenlist,
) -> None:
    """On main the quota was keyed by the typed name: "张三" and "张 三" were two people."""
    first, second = register(app, 601, "张三", ZHANG), register(app, 602, "张 三", ZHANG)
    (code,) = units(app, 1)
    for i in range(15):
        report(app, (first, second)[i % 2], code)
    assert app.quota_used(ZHANG, 2025)["national"] == 15
    for agency in (first, second):
        with refused(app, "A22.3", code):
            report(app, agency, code)


def test_a22_3_two_people_who_share_a_name_do_not_share_a_cap(app: Greenlist) -> None:
    mine, theirs = register(app, 611, "张三", ZHANG), register(app, 612, "张三", NAMESAKE)
    (code,) = units(app, 1)
    for _ in range(15):
        report(app, mine, code)
    report(app, theirs, code)  # the other 张三's first national project of the year
    assert app.quota_used(ZHANG, 2025)["national"] == 15
    assert app.quota_used(NAMESAKE, 2025)["national"] == 1


def test_a22_3_a_change_of_representative_moves_the_agencys_next_projects_to_the_new_person(
    app: Greenlist,
) -> None:
    moving, lis_own = register(app, 621, "张三", ZHANG), register(app, 622, "李四", LI)
    (code,) = units(app, 1)
    for _ in range(15):
        report(app, moving, code)
    with refused(app, "A22.3", code):
        report(app, moving, code)

    receipt = app.change_legal_representative(
        s.PROVINCE_ACTOR, moving, "李四", LI, occurred_at=at(date(2025, 3, 1))
    )
    assert receipt.version == 2
    for _ in range(10):
        report(app, moving, code)  # now 李四's projects
    for _ in range(5):
        report(app, lis_own, code)
    assert app.quota_used(ZHANG, 2025)["national"] == 15  # what was counted stays counted
    assert app.quota_used(LI, 2025)["national"] == 15
    for agency in (moving, lis_own):  # the two agencies of 李四 now share his cap
        with refused(app, "A22.3", code):
            report(app, agency, code)
    assert app.get_agency(moving)["legal_representative"] == "李四"
    (changed,) = [
        e for e in app.events.get(agency_id(moving)) if isinstance(e, ev.LegalRepresentativeChanged)
    ]
    assert changed.actor_role == "province" and changed.rules == ["A22.3"]
    assert changed.representative != LI and len(changed.representative) == 64  # the keyed hash


def test_a22_3_a_change_naming_the_same_person_or_an_invalid_number_is_refused(
    app: Greenlist,
) -> None:
    agency = register(app, 631, "张三", ZHANG)
    with refused(app, "A22.3"):
        app.change_legal_representative(s.PROVINCE_ACTOR, agency, "张三丰", ZHANG)
    with refused(app, "A22.3"):
        app.change_legal_representative(s.PROVINCE_ACTOR, agency, "李四", LI[:-1] + "0")
    with pytest.raises(OutOfJurisdiction):
        app.change_legal_representative(s.city_actor("330100"), agency, "李四", LI)


@pytest.mark.parametrize(
    "id_number",
    [
        "",
        "330122196312151190",  # wrong check digit
        "330122196313151199",  # no 13th month
        "33012219631215119",  # too short
        "000000196312151190",  # no such place
    ],
)
def test_a22_3_an_agency_is_registered_only_with_a_valid_resident_id_number(
    app: Greenlist, id_number: str
) -> None:
    with refused(app, "A22.3") as caught:
        register(app, 641, "张三", id_number)
    if id_number:
        assert id_number not in str(caught.value)


@pytest.mark.stores("sqlite")
def test_a22_3_the_id_number_is_in_no_stored_byte(app: Greenlist, store_url: str) -> None:
    agency = register(app, 651, "张三", ZHANG)
    (code,) = units(app, 1)
    report(app, agency, code)
    app.change_legal_representative(s.PROVINCE_ACTOR, agency, "李四", LI)
    report(app, agency, code)
    app.close()
    stored = b"".join(p.read_bytes() for p in Path(store_url[len("sqlite:///") :]).parent.iterdir())
    assert b"\xe6\x9d\x8e\xe5\x9b\x9b" in stored  # the name, 李四, is there: the search works
    for number in (ZHANG, LI):
        assert number.encode() not in stored
        assert number[:-1].encode() not in stored  # nor without its check digit


def old_agency(app: Greenlist, code: str, name: str) -> None:
    """An agency as the code before this change registered it: a version 1 AgencyRegistered,
    a name and no identity (what a store written then holds)."""
    act = app._act(s.PROVINCE_ACTOR, rules=("A12", "A22.3"))
    agency = Agency.register(act, code, "老机构", name, "unused")
    (stored,) = [app.mapper.to_stored_event(e) for e in agency.collect_events()]
    state = app.mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 2
    del state["representative"]
    app.recorder.insert_events([replace(stored, state=app.mapper.transcoder.encode(state))])


def test_a22_3_an_agency_registered_by_name_before_keeps_its_names_ledger_until_changed(
    app: Greenlist,
) -> None:
    old = s.credit_code(661)
    old_agency(app, old, "钱老")
    assert app.get_agency(old)["legal_representative"] == "钱老"
    (code,) = units(app, 1)
    report(app, old, code)
    by_name = app.repository.get(quota_id("钱老", 2025))
    assert isinstance(by_name, EvaluationQuota) and by_name.representative is None
    assert by_name.used["national"] == 1

    app.change_legal_representative(s.PROVINCE_ACTOR, old, "钱老", ZHANG)
    report(app, old, code)
    assert app.quota_used(ZHANG, 2025)["national"] == 1
    assert app.repository.get(quota_id("钱老", 2025)).used["national"] == 1
    first = next(iter(app.events.get(agency_id(old))))
    assert isinstance(first, ev.AgencyRegistered) and first.representative is None
    assert json.dumps(app.get_agency(old), default=str).count(ZHANG) == 0
