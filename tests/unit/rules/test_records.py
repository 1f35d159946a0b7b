"""The rows of a published list's record (issue 15 item 1, domain.rules.records) as pure
functions: the kinds and cities as the lists name them, a park's value added (A10.1), MIIT's
document number on a national record (A16.3), a unit once per list and not on it already
(A13.1, A16.2, A16.3 by level), a registered unit's kind."""

from __future__ import annotations

from datetime import date

import pytest

from domain.rules import records as r
from domain.rules.calendar import first_form_year
from domain.rules.stages import Stage
from domain.values import Level, UnitKind
from simulation import scenarios as s
from tests.unit.rules.refusing import refused

CODE = s.credit_code(7, "330200")
PARK = s.credit_code(8, "330600", prefix="11")


LISTED_ON = date(2023, 12, 31)


def record(
    level: Level = Level.PROVINCIAL, city: str | None = None, document: str = ""
) -> r.HistoricalRecord:
    return r.HistoricalRecord("0" * 64, "f.csv", level, 2023, LISTED_ON, (), city, document)


def row(code: str = CODE, **cells: str) -> r.RecordRow:
    return r.RecordRow(2, code, cells.pop("name", "宁波示范工厂"), **{"kind": "绿色工厂", **cells})


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("绿色工厂", UnitKind.FACTORY),
        ("绿色低碳工厂", UnitKind.FACTORY),
        ("Factory", UnitKind.FACTORY),
        ("绿色低碳工业园区", UnitKind.PARK),
        ("绿色供应链管理企业", UnitKind.SUPPLY_CHAIN),
        ("supply_chain", UnitKind.SUPPLY_CHAIN),
    ],
)
def test_the_kinds_as_the_lists_and_our_exports_name_them(text: str, kind: UnitKind) -> None:
    assert r.check_kind(text) is kind


def test_a_kind_the_rules_do_not_know_is_refused() -> None:
    with refused("A9.1") as info:
        r.check_kind("绿色数据中心")
    assert info.value.codes == r.KIND_RULES


@pytest.mark.parametrize("named", ["宁波", "宁波市", "330200", ""])
def test_a_city_by_its_name_or_code_or_the_code_s_own(named: str) -> None:
    assert r.check_id2_named_city(named, "330200", None) == "330200"


@pytest.mark.parametrize(
    ("named", "record_city", "says"),
    [
        ("苏州市", None, "not one of Zhejiang's eleven cities"),
        ("杭州市", None, "not the code's registering city"),
        ("宁波市", "330100", "not of the record's city"),
    ],
)
def test_an_unknown_city_another_than_the_code_s_or_the_record_s_is_refused(
    named: str, record_city: str | None, says: str
) -> None:
    with refused("ID.2") as info:
        r.check_id2_named_city(named, "330200", record_city)
    assert says in info.value.en


def test_a_park_states_its_value_added_share_of_more_than_50_percent() -> None:
    assert r.check_a10_1_share_given(UnitKind.PARK, "62.5%") == 62.5
    assert r.check_a10_1_share_given(UnitKind.FACTORY, "") is None
    for bad in ("", "n/a", "50", "101", "nan"):
        with refused("A10.1"):
            r.check_a10_1_share_given(UnitKind.PARK, bad)


def test_a_row_is_judged_by_every_rule_it_can_be_judged_on_alone() -> None:
    listing = r.check_row(row(city="宁波市"), record())
    assert (listing.credit_code, listing.city, listing.kind) == (CODE, "330200", UnitKind.FACTORY)
    park = r.check_row(row(PARK, kind="绿色工业园区", value_added_share="70"), record())
    assert park.value_added_share == 70
    with refused("ID.1"):
        r.check_row(row(CODE[:-1]), record())
    with refused("ID.1"):
        r.check_row(row(name=" "), record())
    with refused("A9.1"):
        r.check_row(row(s.credit_code(7, "330200", prefix="92")), record())


def test_a_national_record_names_miit_s_document_number_row_or_file() -> None:
    with refused("A16.3"):
        r.check_row(row(), record(Level.NATIONAL))
    file_wide = r.check_row(row(), record(Level.NATIONAL, document="工信厅节函〔2023〕1号"))
    assert file_wide.document_number == "工信厅节函〔2023〕1号"
    own = r.check_row(row(document_number="〔2023〕2号"), record(Level.NATIONAL, document="x"))
    assert own.document_number == "〔2023〕2号"


@pytest.mark.parametrize(
    ("level", "code"),
    [(Level.MUNICIPAL, "A13.1"), (Level.PROVINCIAL, "A16.2"), (Level.NATIONAL, "A16.3")],
)
def test_a_unit_once_per_list_and_not_on_it_or_in_its_selection(level: Level, code: str) -> None:
    r.check_once_in_file(level, CODE, 3, None)
    with refused(code):
        r.check_once_in_file(level, CODE, 3, 2)
    for stage in (None, Stage.FAILED, Stage.WITHHELD, Stage.REMOVED, Stage.NOT_LISTED):
        r.check_not_on_list(level, stage, None)
    for stage in (Stage.LISTED, Stage.NOMINATED, Stage.UNDER_NOTICE, Stage.RECOMMENDED):
        with refused(code):
            r.check_not_on_list(level, stage, date(2022, 12, 1))


def test_a_registered_unit_keeps_its_kind() -> None:
    r.check_same_kind(UnitKind.PARK, UnitKind.PARK)
    with refused("A10.1"):
        r.check_same_kind(UnitKind.FACTORY, UnitKind.PARK)


@pytest.mark.parametrize(
    ("listed_on", "imported_on", "first"),
    [
        (date(2023, 12, 31), None, 2023),  # a listing recorded as it happens: its own year
        (date(2023, 12, 31), date(2025, 3, 3), 2024),  # 2024's form is due 15 April 2025
        (date(2023, 12, 31), date(2025, 4, 15), 2024),  # its last day
        (date(2023, 12, 31), date(2025, 4, 16), 2025),  # overdue already: kept elsewhere
        (date(2025, 1, 20), date(2025, 3, 3), 2025),  # never before the listing's year
    ],
)
def test_a_listing_from_a_record_owes_the_forms_whose_deadline_is_ahead_at_its_import(
    listed_on: date, imported_on: date | None, first: int
) -> None:
    assert first_form_year(listed_on, imported_on) == first
