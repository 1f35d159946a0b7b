"""A16.3 / A15.4, migration (issue 12 item 1): a national listing the province recorded by its
own publication before MIIT outcomes were kept still loads, never edited, and reads honestly as
such ("province (recorded before MIIT outcomes were kept)", no MIIT document); the migration
act back-enters MIIT's outcome for it, dated the listing's date, after which the unit reads as
the new shape. On every store."""

from __future__ import annotations

from datetime import date

from domain.events.unit import LEGACY_NATIONAL_LISTING
from domain.service import Greenlist
from domain.values import local_date
from simulation import scenarios as s
from tests.application.rules_steps import NAT, YEAR, P, last_event, refused, versions
from tests.national_v1 import write_old_national_listing

NYEAR = YEAR + 1
LISTED_ON = date(NYEAR, 9, 20)


def legacy(app: Greenlist, serial: int) -> str:
    code = s.credit_code(serial)
    s.list_provincially(app, code, YEAR)
    s.evaluate(app, code, NAT, NYEAR)
    s.ensure_round(app, NAT, NYEAR)
    s.ensure_experts(app)
    s.nominate_and_review(app, code, NAT, NYEAR)
    write_old_national_listing(app, code, NYEAR, s.at(LISTED_ON))
    return code


def test_a16_3_a_legacy_national_listing_loads_and_reads_as_the_province_s(
    app: Greenlist,
) -> None:
    code = legacy(app, 51)
    unit = app.get_unit(code)
    national = unit.standing["national"]
    assert (unit.status(NAT), national["listed_on"]) == ("listed", LISTED_ON)
    assert national["decided_by"] == LEGACY_NATIONAL_LISTING and "miit_document" not in national
    listed = last_event(app.unit_history(code), "Listed")
    assert listed.data["decided_by"] == LEGACY_NATIONAL_LISTING


def test_a16_3_the_migration_act_back_enters_miit_s_outcome_for_a_legacy_listing(
    app: Greenlist,
) -> None:
    code = legacy(app, 52)
    history = [e.type for e in app.unit_history(code)]
    document = s.miit_document(NYEAR, 7)
    app.migrate_national_outcome(P, code, document, "迁移旧国家级列入记录")
    unit = app.get_unit(code)
    national = unit.standing["national"]
    assert (unit.status(NAT), national["listed_on"]) == ("listed", LISTED_ON)
    assert national["miit_document"] == document and "decided_by" not in national
    after = app.unit_history(code)
    assert [e.type for e in after][: len(history)] == history  # nothing edited
    migrated = last_event(after, "MiitOutcomeRecorded")
    assert migrated.data["migrated"] and local_date(migrated.occurred_at) == LISTED_ON
    with refused(app, "A16.3", versions(app, code, level=NAT, year=NYEAR)):
        app.migrate_national_outcome(P, code, document)  # once


def test_a16_3_the_migration_act_refuses_a_unit_without_a_legacy_national_listing(
    app: Greenlist,
) -> None:
    code = s.credit_code(53)
    s.list_provincially(app, code, YEAR)
    with refused(app, "A16.3", versions(app, code)):
        app.migrate_national_outcome(P, code, s.miit_document(YEAR))
