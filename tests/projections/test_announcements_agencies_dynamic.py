"""The announcements (公告), agency ledger (A22.2, A22.3) and dynamic management (A18, A21) read
models, driven through the service on both real stores."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import Level, UnitKind
from projections.agencies import Agencies, agency_performance, ledger
from projections.announcements import Announcements, announcements
from projections.dynamic import Dynamic, forms, rereviews_due
from projections.engine.db import Db
from projections.engine.projection import Projection
from projections.engine.runner import Runner
from simulation import scenarios as s
from simulation.scenarios import at

pytestmark = pytest.mark.stores("sqlite", "postgres")

M, P, N = Level.MUNICIPAL, Level.PROVINCIAL, Level.NATIONAL
HANGZHOU = s.city_actor("330100")
INDICATORS: dict[str, Any] = {"energy_per_output": 0.41, "water_reuse": 0.93}


@pytest.fixture
def runner(app: Greenlist, views: Db, clock: SettableClock) -> Runner:
    """These three models only, in small batches so that a scenario spans many of them; the
    clock records every act before the world dates the scenarios state."""
    clock.set(datetime(2025, 1, 2, tzinfo=UTC))
    return Runner(app, views, [Announcements(), Agencies(), Dynamic()], batch_size=7)


# --- scenarios ------------------------------------------------------------------------------


def remove_two(app: Greenlist, crash: str, falsified: str) -> None:
    """Of two listed factories, one has a major accident (A19.4: removed at once from every
    level); the other's falsified materials remove it at the annual publication (A19.3)."""
    s.major_accident(app, crash, date(2025, 10, 30), occurred_at=at(date(2025, 10, 30)))
    app.decide_removal(
        s.PROVINCE_ACTOR, falsified, P, "A19.3", "评价材料数据造假", at(date(2025, 11, 5))
    )


def rename(app: Greenlist, code: str) -> str:
    """A listed factory renamed (A20.2); the provincial list follows at the annual publication,
    with the city's opinion sent with its 2026 recommendations (A20.3). Returns the old name."""
    old = app.get_unit(code).name
    change = app.declare_change(
        s.enterprise_actor(code), code, "name", "更名", "浙江新名称有限公司", at(date(2025, 10, 1))
    )
    app.recheck_change(
        HANGZHOU, code, change.details["change_id"], True, True, at(date(2025, 10, 15))
    )
    s.send_opinion(app, code, change.details["change_id"])  # A20.3
    return old


def file_forms(app: Greenlist, on_time: str, late: str, overdue: str) -> None:
    """The 2025 forms of three listed factories: on time, late and overdue (A18, A19.2)."""

    def submit(code: str, when: date) -> None:
        app.submit_dynamic_form(
            s.enterprise_actor(code), code, P, 2025, INDICATORS, occurred_at=at(when)
        )

    submit(on_time, date(2026, 4, 10))
    app.mark_form_overdue(s.SYSTEM_ACTOR, overdue, P, 2025, occurred_at=at(date(2026, 4, 16)))
    submit(late, date(2026, 4, 20))


def report(
    app: Greenlist, agency: str, code: str, level: Level, passed: bool = True, year: int = 2025
) -> None:
    app.submit_evaluation(
        s.agency_actor(agency),
        code,
        level,
        year,
        s.report_hash(f"{agency}/{code}/{level.value}/{passed}/{year}"),
        80.0,
        passed,
        occurred_at=at(date(year, 2, 1)),
    )


def agencies_at_work(app: Greenlist) -> dict[str, str]:
    """张三's two agencies do 3 national projects, 1 provincial and 1 that does not count;
    李四's agency fails one report and is reported by a city; 张三's first agency is the subject
    of a confirmed real-name report (A23.2 -> A22.1)."""
    first, second = s.register_agency(app, 501, "张三"), s.register_agency(app, 502, "张三")
    other, idle = s.register_agency(app, 503, "李四"), s.register_agency(app, 504, "赵六")
    serials = {UnitKind.FACTORY: 11, UnitKind.PARK: 12, UnitKind.SUPPLY_CHAIN: 13}
    for kind, serial in serials.items():
        s.register_and_cultivate(app, s.credit_code(serial), kind)
    factory, park, chain = (s.credit_code(n) for n in serials.values())
    report(app, first, factory, N)
    report(app, first, park, N, passed=False)
    report(app, second, chain, N)
    report(app, second, factory, P)
    report(app, first, chain, P)  # a provincial supply chain does not count (A22.3)
    report(app, other, factory, N, passed=False)
    app.report_agency_misconduct(HANGZHOU, other, "评价报告数据造假", at(date(2025, 11, 1)))
    complaint = app.file_complaint(
        s.PUBLIC, "agency", first, "陈举报", "13800138000", ["截图.png"], "虚假报告", "330100"
    ).aggregate_id
    app.accept_complaint(HANGZHOU, complaint, occurred_at=at(date(2025, 11, 5)))
    app.verify_complaint(
        HANGZHOU, complaint, True, "agency_misconduct", "核实属实", at(date(2025, 11, 20))
    )
    report(app, first, factory, N, year=2026)  # February 2026, after 2025's reports
    return {"first": first, "second": second, "other": other, "idle": idle}


# --- announcements -------------------------------------------------------------------------


def test_an_immediate_and_a_deferred_removal_are_both_announced(
    app: Greenlist, runner: Runner, views: Db
) -> None:
    crash, falsified = s.credit_code(1), s.credit_code(2)
    s.list_provincially_together(app, crash, falsified)
    remove_two(app, crash, falsified)
    s.annual_publication(app, 2026)
    runner.catch_up()
    removals = announcements(views, kind="removal")
    assert [(r["credit_code"], r["level"], r["immediate"], r["on_date"]) for r in removals] == [
        (falsified, "provincial", 0, "2026-09-16"),
        (crash, "provincial", 1, "2025-10-30"),
        (crash, "municipal", 1, "2025-10-30"),
    ]
    deferred, immediate = removals[0], removals[1]
    assert {"A19.3", "A17.3"} <= set(deferred["rules"].split(","))
    assert deferred["reason"] == "评价材料数据造假"  # as decided, not "at the publication"
    assert (
        "评价材料数据造假" in deferred["text"] and "年度名单发布时移出省级名单" in deferred["text"]
    )
    assert "A19.4" in immediate["rules"].split(",")
    assert immediate["text"].startswith(app.get_unit(crash).name)
    assert "重大事故：重大生产安全事故" in immediate["text"] and "即日移出" in immediate["text"]
    assert immediate["recorded"] < deferred["recorded"]

    publications = announcements(views, kind="publication")
    assert [(p["year"], p["on_date"]) for p in publications] == [
        (2026, "2026-09-16"),
        (2025, "2025-09-16"),
    ]
    assert publications[0]["units"]["removed"] == [falsified]
    assert sorted(publications[1]["units"]["listed"]) == sorted([crash, falsified])
    assert "列入2家" in publications[1]["text"] and "移出1家" in publications[0]["text"]
    recent = announcements(views, since=date(2026, 1, 1))
    assert [r["kind"] for r in recent] == ["removal", "publication"]  # log order within a day
    assert [r["credit_code"] for r in announcements(views, level="municipal")] == [crash]


def test_a_rename_is_announced_for_the_municipal_list_then_for_the_provincial_one(
    app: Greenlist, runner: Runner, views: Db
) -> None:
    code = s.credit_code(3)
    s.list_provincially(app, code)
    old = rename(app, code)
    s.annual_publication(app, 2026)
    runner.catch_up()
    provincial, municipal = announcements(views, kind="rename")
    assert (municipal["level"], municipal["on_date"]) == ("municipal", "2025-10-15")
    assert (municipal["old_name"], municipal["name"]) == (old, "浙江新名称有限公司")
    assert (
        "市级名单即日更新" in municipal["text"]
        and "省级名单于年度名单发布时调整" in municipal["text"]
    )
    assert (provincial["level"], provincial["on_date"]) == ("provincial", "2026-09-16")
    assert (provincial["old_name"], provincial["name"]) == (old, "浙江新名称有限公司")
    assert provincial["rules"] == "A20.3"
    (publication, _) = announcements(views, kind="publication")
    assert publication["units"]["adjusted"] == [code]
    with pytest.raises(ValueError):
        announcements(views, kind="listing")


# --- agencies ------------------------------------------------------------------------------


def test_the_ledger_counts_projects_per_legal_representative_and_the_remaining_quota(
    app: Greenlist, runner: Runner, views: Db
) -> None:
    agencies = agencies_at_work(app)
    runner.catch_up()
    (zhang,) = ledger(views, "张三", 2025)
    assert (zhang["national"], zhang["national_remaining"]) == (3, 12)
    assert (zhang["provincial"], zhang["provincial_remaining"]) == (1, 9)
    assert zhang["uncounted"] == 1
    assert zhang["agencies"] == sorted([agencies["first"], agencies["second"]])
    assert app.quota_used(s.representative_id("张三"), 2025) == {
        "national": 3,
        "provincial": 1,
        "none": 1,
    }
    assert [(r["legal_representative"], r["national"]) for r in ledger(views, year=2026)] == [
        ("张三", 1)
    ]
    assert {r["legal_representative"] for r in ledger(views)} == {"张三", "李四"}
    assert ledger(views, "赵六") == []


def test_agency_performance_shows_reports_pass_rates_and_confirmed_problems(
    app: Greenlist, runner: Runner, views: Db
) -> None:
    agencies = agencies_at_work(app)
    runner.catch_up()
    by_code = {r["credit_code"]: r for r in agency_performance(views, 2025)}
    first, second = by_code[agencies["first"]], by_code[agencies["second"]]
    other, idle = by_code[agencies["other"]], by_code[agencies["idle"]]
    assert (first["reports"], first["passed"], first["failed"]) == (3, 2, 1)
    assert first["pass_rate"] == pytest.approx(2 / 3)
    assert (first["problems"], first["from_reports"]) == (1, 1)
    assert (second["reports"], second["pass_rate"], second["problems"]) == (2, 1.0, 0)
    assert (other["reports"], other["pass_rate"], other["problems"]) == (1, 0.0, 1)
    assert other["from_reports"] == 0
    assert (idle["reports"], idle["pass_rate"]) == (0, None)
    overall = {r["credit_code"]: r for r in agency_performance(views)}
    assert overall[agencies["first"]]["reports"] == 4
    assert agency_performance(views, 2026)[0]["reports"] == 1


# --- dynamic management --------------------------------------------------------------------


def statuses(rows: list[dict[str, Any]]) -> dict[str, str]:
    return {r["credit_code"]: r["status"] for r in rows}


def test_forms_are_due_then_submitted_late_or_overdue_and_removal_ends_them(
    app: Greenlist, runner: Runner, views: Db
) -> None:
    on_time, late, overdue = s.credit_code(40), s.credit_code(41), s.credit_code(42)
    s.list_provincially_together(app, on_time, late, overdue)
    runner.catch_up()
    assert statuses(forms(views, 2025)) == dict.fromkeys((on_time, late, overdue), "due")
    assert forms(views, 2025)[0]["deadline"] == "2026-04-15"
    assert forms(views, 2024) == []

    file_forms(app, on_time, late, overdue)
    runner.catch_up()
    rows = forms(views, 2025)
    assert statuses(rows) == {on_time: "submitted", late: "late", overdue: "overdue"}
    assert [r["credit_code"] for r in forms(views, 2025, "late")] == [late]
    assert [r["credit_code"] for r in forms(views, 2025, "overdue")] == [overdue]
    assert next(r for r in rows if r["status"] == "late")["indicators"] == INDICATORS
    assert next(r for r in rows if r["status"] == "late")["on_date"] == "2026-04-20"

    s.annual_publication(app, 2026)  # the overdue form removes its unit (A19.2)
    runner.catch_up()
    assert statuses(forms(views, 2026)) == {on_time: "due", late: "due"}
    assert statuses(forms(views, 2025, "overdue")) == {overdue: "overdue"}


def test_re_reviews_fall_due_five_years_after_listing_or_the_last_one_and_end_on_removal(
    app: Greenlist, runner: Runner, views: Db
) -> None:
    code, other = s.credit_code(70), s.credit_code(71)
    s.list_provincially_together(app, code, other)
    runner.catch_up()
    assert rereviews_due(views, date(2030, 3, 1)) == []  # due on 1 March: not before it
    due = rereviews_due(views, date(2030, 3, 2))
    assert [(r["credit_code"], r["level"], r["due_on"]) for r in due] == [
        (code, "municipal", "2030-03-01"),
        (other, "municipal", "2030-03-01"),
    ]
    assert len(rereviews_due(views, date(2031, 1, 1))) == 4

    app.record_rereview(HANGZHOU, code, P, True, occurred_at=at(date(2030, 7, 1)))
    s.major_accident(app, other, date(2030, 8, 1), "重大环境事件", at(date(2030, 8, 1)))
    runner.catch_up()
    left = rereviews_due(views, date(2036, 1, 1))
    assert [(r["credit_code"], r["level"], r["due_on"]) for r in left] == [
        (code, "municipal", "2030-03-01"),
        (code, "provincial", "2035-07-01"),
    ]
    assert (left[1]["last_rereview"], left[1]["last_passed"]) == ("2030-07-01", 1)


# --- rebuilds ------------------------------------------------------------------------------


def rows_of(views: Db, model: Projection) -> dict[str, list[str]]:
    return {
        table.name: sorted(
            repr(sorted(row.items())) for row in views.query(f"SELECT * FROM {table.name}")
        )
        for table in model.tables
    }


@pytest.mark.parametrize("model", [Announcements, Agencies, Dynamic], ids=lambda m: m.name)
def test_a_rebuild_from_zero_gives_identical_rows(
    app: Greenlist, runner: Runner, views: Db, model: type[Projection]
) -> None:
    codes = [s.credit_code(n) for n in range(1, 7)]
    crash, falsified, renamed, on_time, late, overdue = codes
    s.list_provincially_together(app, *codes)
    remove_two(app, crash, falsified)
    rename(app, renamed)
    file_forms(app, on_time, late, overdue)
    s.annual_publication(app, 2026)
    agencies_at_work(app)
    app.record_rereview(HANGZHOU, on_time, P, False, occurred_at=at(date(2030, 7, 1)))
    runner.catch_up()
    live = rows_of(views, model())
    assert all(live.values())  # every table has rows
    rebuilder = Runner(app, views, [model()])  # other batch boundaries
    assert rebuilder.rebuild([model.name]) == runner.head()
    assert rows_of(views, model()) == live
    rebuilder.rebuild([model.name])
    assert rows_of(views, model()) == live
