"""A16.3 in the read models: the national list follows MIIT's outcomes. A recommended unit is
on no list; MIIT's "listed" puts it on the national list from MIIT's date, "not listed" never
does; the announcements show each outcome with MIIT's document number. A legacy national
listing stays on the list, and its back-entered outcome opens no second membership."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import Level
from projections.announcements import announcements
from projections.engine.db import Db
from projections.engine.runner import Runner
from projections.lists import list_as_of
from projections.values import at
from simulation import scenarios as s
from tests.national_v1 import write_old_national_listing

YEAR, NYEAR = 2025, 2026
N = Level.NATIONAL


def reviewed(app: Greenlist, *serials: int) -> list[str]:
    codes = [s.credit_code(n) for n in serials]
    s.list_provincially_together(app, *codes, year=YEAR)
    for code in codes:
        s.evaluate(app, code, N, NYEAR)
    s.ensure_round(app, N, NYEAR)
    for code in codes:
        s.nominate(app, code, N, NYEAR)
    for code in codes:
        s.review(app, code, N, NYEAR)
    return codes


def test_a16_3_the_national_list_follows_miit_outcomes_and_announces_them(
    app: Greenlist, clock: SettableClock, runner: Runner, views: Db
) -> None:
    clock.set(datetime(2025, 1, 2, tzinfo=UTC))
    listed, not_listed = reviewed(app, 71, 72)
    s.recommend_to_miit(app, NYEAR)
    runner.catch_up()
    assert list_as_of(views, "national") == []  # recommended is not listed
    s.miit_outcome(app, listed, NYEAR)
    s.miit_outcome(app, not_listed, NYEAR, listed=False)
    runner.catch_up()
    rows = list_as_of(views, "national")
    assert [(r["credit_code"], r["listed_on"]) for r in rows] == [(listed, f"{NYEAR}-11-20")]
    before = at(s.at(date(NYEAR, 11, 19)))
    assert list_as_of(views, "national", before, basis="world") == []
    outcomes = announcements(views, kind="miit_outcome")
    assert sorted(r["credit_code"] for r in outcomes) == sorted([listed, not_listed])
    assert all(s.miit_document(NYEAR) in r["text"] for r in outcomes)
    assert {"A16.3"} <= {code for r in outcomes for code in r["rules"].split(",")}


def test_a16_3_a_legacy_national_listing_keeps_its_one_membership_after_migration(
    app: Greenlist, clock: SettableClock, runner: Runner, views: Db
) -> None:
    clock.set(datetime(2025, 1, 2, tzinfo=UTC))
    (code,) = reviewed(app, 73)
    write_old_national_listing(app, code, NYEAR, s.at(date(NYEAR, 9, 20)))
    runner.catch_up()
    assert [r["credit_code"] for r in list_as_of(views, "national")] == [code]
    app.migrate_national_outcome(s.PROVINCE_ACTOR, code, s.miit_document(NYEAR, 9))
    runner.catch_up()
    rows = list_as_of(views, "national")
    assert [(r["credit_code"], r["listed_on"]) for r in rows] == [(code, f"{NYEAR}-09-20")]
