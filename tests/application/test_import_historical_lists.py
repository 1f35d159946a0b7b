"""Issue 15 item 1: historical lists imported from their published record. Every row goes
through the domain as an act of its own ("listed from the record of 2023", ListedFromRecord)
naming the file's SHA-256, the row and the importing actor; a record with a bad row records
nothing unless partial; a dry run records nothing; the same file again records nothing new; the
lists read as of the import instant show the imported units. On every store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.clock import SettableClock
from domain.errors import OutOfJurisdiction, RuleViolation
from domain.rules.catalogue import PRIOR_RULESET
from domain.service import Greenlist
from domain.service.records import ImportReport
from domain.values import Level, UnitKind, local_midnight
from projections.catalogue import all_projections
from projections.deadlines import upcoming
from projections.dynamic import forms as dynamic_forms
from projections.engine.db import Db
from projections.engine.runner import Runner
from projections.lists import list_as_of
from projections.values import at
from simulation import scenarios as s
from tests.record_files import BAD, BAD_ROWS, CLEAN, LISTED_ON, codes_of, record

P = s.PROVINCE_ACTOR
IMPORTED_AT = datetime(2025, 3, 3, 2, tzinfo=UTC)


@pytest.fixture
def runner(app: Greenlist, views: Db) -> Iterator[Runner]:
    yield Runner(app, views, all_projections())


def importing(
    app: Greenlist,
    clock: SettableClock,
    path: Path = CLEAN,
    *,
    partial: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """The province imports the record file at IMPORTED_AT."""
    clock.set(IMPORTED_AT)
    return app.import_historical_list(P, record(path), partial=partial, dry_run=dry_run)


def test_a_clean_record_lists_every_row_as_an_act_naming_the_file_the_row_and_the_importer(
    app: Greenlist, clock: SettableClock
) -> None:
    report = importing(app, clock)
    codes = codes_of(CLEAN)
    assert report.recorded and report.refused == () and report.already == ()
    assert [code for _, code in report.listed] == codes
    assert sorted(report.registered) == sorted(codes)
    sha = record().sha256
    for row, code in enumerate(codes, start=2):
        unit = app.get_unit(code)
        assert unit.standing["provincial"]["status"] == "listed"
        assert unit.standing["provincial"]["listed_on"] == LISTED_ON
        registered, listed = app.unit_history(code)
        assert (registered.type, listed.type) == ("UnitRegistered", "ListedFromRecord")
        assert listed.data["source_sha256"] == sha and listed.data["source_row"] == row
        assert listed.data["source_file"] == "provincial_2023.csv"
        assert (listed.data["level"], listed.data["year"]) == ("provincial", 2023)
        assert (listed.actor_id, listed.actor_role, listed.actor_region) == (
            P.id,
            "province",
            "330000",
        )
        assert "2023年省级名单记录" in listed.justification and sha in listed.justification
        assert listed.occurred_at == local_midnight(LISTED_ON)  # world time: the record's date
        assert listed.recorded_at == registered.recorded_at >= IMPORTED_AT  # one act, now
        assert listed.ruleset == PRIOR_RULESET  # listed under the rules in force in 2023 (A29)
        assert "A16.2" in listed.rules
    park = app.get_unit(codes[4])
    assert park.kind == "park"


def test_each_kind_of_bad_row_is_reported_with_its_row_codes_and_messages_and_nothing_recorded(
    app: Greenlist, clock: SettableClock
) -> None:
    before = s.log_size(app)
    report = importing(app, clock, BAD_ROWS)
    refused = {r.row: r.codes for r in report.refused}
    assert refused == BAD
    assert all(r.zh.strip() and r.en.strip() for r in report.refused)
    assert [row for row, _ in report.listed] == [2, 8]
    assert not report.recorded and s.log_size(app) == before


def test_with_partial_the_valid_rows_are_recorded_and_the_bad_ones_reported(
    app: Greenlist, clock: SettableClock
) -> None:
    report = importing(app, clock, BAD_ROWS, partial=True)
    assert {r.row for r in report.refused} == set(BAD)
    assert report.recorded
    valid = [codes_of(BAD_ROWS)[0], codes_of(BAD_ROWS)[-1]]
    assert [app.get_unit(c).status(Level.PROVINCIAL) for c in valid] == ["listed", "listed"]
    again = importing(app, clock, BAD_ROWS, partial=True)
    assert again.already == (2, 8) and not again.recorded


def test_importing_the_same_file_again_records_nothing_new(
    app: Greenlist, clock: SettableClock
) -> None:
    importing(app, clock)
    before = s.log_size(app)
    again = importing(app, clock)
    assert again.already == tuple(range(2, 9))
    assert (again.listed, again.refused, again.recorded) == ((), (), False)
    assert s.log_size(app) == before


def test_a_dry_run_reports_what_it_would_list_and_records_nothing(
    app: Greenlist, clock: SettableClock
) -> None:
    before = s.log_size(app)
    report = importing(app, clock, dry_run=True)
    assert len(report.listed) == 7 and not report.recorded
    assert s.log_size(app) == before
    bad = importing(app, clock, BAD_ROWS, dry_run=True, partial=True)
    assert {r.row for r in bad.refused} == set(BAD) and s.log_size(app) == before


def test_a_unit_already_on_the_list_or_in_its_selection_is_reported(
    app: Greenlist, clock: SettableClock
) -> None:
    on_list, in_selection = codes_of(CLEAN)[0], codes_of(CLEAN)[1]
    s.list_provincially(app, on_list, 2025)
    s.register_and_cultivate(app, in_selection, year=2026)
    s.evaluate(app, in_selection, Level.PROVINCIAL, 2026)
    s.list_municipally(app, in_selection, 2026)
    s.ensure_round(app, Level.PROVINCIAL, 2026)
    s.nominate(app, in_selection, Level.PROVINCIAL, 2026)
    before = s.log_size(app)
    report = app.import_historical_list(P, record())
    refused = {r.row: (r.codes, r.en) for r in report.refused}
    assert set(refused) == {2, 3} and not report.recorded and s.log_size(app) == before
    assert refused[2][0] == ("A16.2",) and "already on the provincial list" in refused[2][1]
    assert refused[3][0] == ("A16.2",) and "selection" in refused[3][1]
    assert app.get_unit(on_list).standing["provincial"]["year"] == 2025  # as it was


def test_the_lists_as_of_the_import_instant_show_the_imported_units(
    app: Greenlist, clock: SettableClock, runner: Runner, views: Db
) -> None:
    report = importing(app, clock)
    runner.catch_up()
    imported = at(IMPORTED_AT)
    just_before = at(IMPORTED_AT - timedelta(microseconds=1))
    rows = list_as_of(views, "provincial", imported + 10_000)
    assert sorted(r["credit_code"] for r in rows) == sorted(codes_of(CLEAN))
    assert {(r["year"], r["listed_on"]) for r in rows} == {(2023, "2023-12-31")}
    assert list_as_of(views, "provincial", just_before) == []  # the system knew from the import
    end_2023 = at(local_midnight(LISTED_ON) + timedelta(days=1)) - 1
    assert len(list_as_of(views, "provincial", end_2023, basis="world")) == 7  # in force then
    day_before = at(local_midnight(LISTED_ON)) - 1
    assert list_as_of(views, "provincial", day_before, basis="world") == []
    parks = list_as_of(views, "provincial", kind="park")
    park = ("绍兴柯桥经济技术开发区管理委员会", "330600")
    assert [(r["name"], r["city"]) for r in parks] == [park]
    assert report.position is not None


def test_imported_units_owe_the_forms_still_ahead_and_their_re_review_five_years_on(
    app: Greenlist, clock: SettableClock, runner: Runner, views: Db
) -> None:
    """A18: imported on 3 March 2025, a unit listed in 2023 owes the form of 2024 (due 15 April
    2025), not that of 2023 (kept outside the system); A21: its re-review is due five years
    after the record's date."""
    importing(app, clock)
    runner.catch_up()
    forms = upcoming(views, kind="form")
    assert {(r["year"], r["due_on"]) for r in forms} == {(2024, "2025-04-16")}
    assert sorted(r["credit_code"] for r in forms) == sorted(codes_of(CLEAN))
    rereviews = upcoming(views, kind="rereview")
    assert {r["due_on"] for r in rereviews} == {"2028-12-31"} and len(rereviews) == 7
    assert dynamic_forms(views, 2023) == [] and len(dynamic_forms(views, 2024)) == 7


def test_only_the_province_imports_a_historical_list(app: Greenlist, clock: SettableClock) -> None:
    before = s.log_size(app)
    with pytest.raises(OutOfJurisdiction) as refused:
        app.import_historical_list(s.city_actor("330100"), record())
    assert refused.value.codes == ("ID.3",) and s.log_size(app) == before


def test_a_national_record_names_miit_s_document_number(
    app: Greenlist, clock: SettableClock
) -> None:
    assert app.import_historical_list(P, record()).recorded  # provincial first
    without = app.import_historical_list(P, record(level=Level.NATIONAL))
    assert {r.codes for r in without.refused} == {("A16.3",)} and not without.recorded
    document = "工信厅节函〔2023〕380号"
    report = app.import_historical_list(P, record(level=Level.NATIONAL, document_number=document))
    assert report.recorded and report.already == ()  # the same file, another list
    national = app.get_unit(codes_of(CLEAN)[0]).standing["national"]
    assert national["miit_document"] == document and "decided_by" not in national


def test_a_city_s_municipal_record_lists_only_that_city_s_units(
    app: Greenlist, clock: SettableClock
) -> None:
    report = app.import_historical_list(
        P, record(level=Level.MUNICIPAL, city="330100"), partial=True
    )
    assert [code for _, code in report.listed] == [codes_of(CLEAN)[0]]
    assert {r.codes for r in report.refused} == {("ID.2",)} and len(report.refused) == 6
    assert app.get_unit(codes_of(CLEAN)[0]).status(Level.MUNICIPAL) == "listed"


def test_a_record_naming_a_registered_unit_as_another_kind_is_refused(
    app: Greenlist, clock: SettableClock
) -> None:
    factory = codes_of(CLEAN)[0]
    s.register_and_cultivate(app, factory, kind=UnitKind.SUPPLY_CHAIN)
    report = app.import_historical_list(P, record())
    assert [(r.row, r.codes) for r in report.refused] == [(2, ("A9.1",))]
    assert "registered as a supply_chain" in report.refused[0].en


def test_a_record_dated_in_the_future_is_refused_whole(
    app: Greenlist, clock: SettableClock
) -> None:
    before = s.log_size(app)
    future = (clock.now() + timedelta(days=2)).date()
    with pytest.raises(RuleViolation) as refused:
        app.import_historical_list(P, record(listed_on=future))
    assert "A16.2" in refused.value.codes and s.log_size(app) == before
