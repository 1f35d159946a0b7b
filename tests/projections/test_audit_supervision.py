"""The audit trail and the supervision views (纪委), driven through the service on both real
stores: filters of the trail, exceptions with their justification (A14.2, A15.2), late and
back-entered acts, reads of a reporter's identity, activity per actor, and the reporter's name
never leaving the complaint (A23)."""

from __future__ import annotations

import json
import types
import typing
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from domain.aggregates.complaint import Complaint
from domain.clock import SettableClock
from domain.events import unit as un
from domain.reporters import WITHHELD
from domain.rules import RULESET_VERSION
from domain.service import Greenlist
from domain.values import Level, UnitKind
from projections.audit import Audit, audit_trail
from projections.audit_summaries import TEMPLATES, summary
from projections.engine.db import Db
from projections.engine.projection import Projection
from projections.engine.runner import Runner
from projections.subjects import EVENT_CLASSES, who
from projections.supervision import (
    Supervision,
    actor_activity,
    exceptions,
    late_acts,
    overridden_rules,
    reporter_reads,
)
from projections.values import at as micros
from simulation import scenarios as s
from simulation.scenarios import at

pytestmark = pytest.mark.stores("sqlite", "postgres")

P = Level.PROVINCIAL
LISTED = s.credit_code(1)
OFF_LIST = s.credit_code(2, "330200")
LATE_COMER = s.credit_code(3, "330300")
NINGBO = s.city_actor("330200")
WHY = "市级名单另行发布，该企业为行业龙头 / the municipal list is published separately"
REDRAW = "专家回避后重抽 / a drawn expert declared a conflict"
REPORTER, CONTACT, CONTENT = "举报人王五", "13912345678", "能耗数据造假，联系人王五"
DISCLOSURE_REASON = "核查举报处理是否合规"


def instant(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=UTC)


def story(app: Greenlist, clock: SettableClock) -> None:
    """A listed factory; a real-name report against it whose reporter an inspector reads; a
    Ningbo factory nominated off the municipal list with a justification (A14.2) whose panel is
    redrawn (A15.2); a dynamic form recorded after 15 April (A18) and a back-entered
    registration."""
    clock.set(instant(2025, 1, 2))
    s.list_provincially(app, LISTED)
    rest_of_story(app, clock)


def rest_of_story(app: Greenlist, clock: SettableClock) -> None:
    """In the order it happens: the report in December; the Ningbo candidate prepared from
    January 2026; on 3 May a form of 1 April and a registration of 20 April entered late; the
    nomination on 2 June and the panel drawn twice in July."""
    clock.set(instant(2025, 12, 1))
    filed = app.file_complaint(s.PUBLIC, "unit", LISTED, REPORTER, CONTACT, ["a.pdf"], CONTENT)
    app.disclose_reporter(s.INSPECTOR, filed.aggregate_id, DISCLOSURE_REASON)
    clock.set(instant(2026, 1, 2))
    s.prepare_candidate(app, OFF_LIST, year=2026)
    clock.set(instant(2026, 5, 3))
    app.submit_dynamic_form(
        s.enterprise_actor(LISTED), LISTED, P, 2025, {"energy_tce": 1200}, at(date(2026, 4, 1))
    )
    app.register_unit(
        s.city_actor("330300"),
        LATE_COMER,
        UnitKind.FACTORY,
        "温州补录工厂",
        occurred_at=at(date(2026, 4, 20)),
    )
    app.nominate(NINGBO, OFF_LIST, P, 2026, justification=WHY, occurred_at=at(date(2026, 6, 2)))
    app.record_preliminary_review(
        s.PROVINCE_ACTOR, OFF_LIST, P, True, occurred_at=at(date(2026, 7, 5))
    )
    draw = app.draw_expert_panel
    draw(s.PROVINCE_ACTOR, OFF_LIST, P, 2026, 3, occurred_at=at(date(2026, 7, 6)))
    draw(s.PROVINCE_ACTOR, OFF_LIST, P, 2026, 3, REDRAW, at(date(2026, 7, 7)))


@pytest.fixture
def runner(app: Greenlist, views: Db, clock: SettableClock) -> Runner:
    """Both models, in small batches so that the story spans many of them."""
    story(app, clock)
    built = Runner(app, views, [Audit(), Supervision()], batch_size=7)
    built.catch_up()
    return built


# --- the audit trail ------------------------------------------------------------------------


def test_every_event_has_one_row_in_log_order(app: Greenlist, runner: Runner, views: Db) -> None:
    rows = audit_trail(views, limit=10_000)
    assert [r["position"] for r in rows] == list(range(1, runner.head() + 1))
    unit_rows = [r for r in rows if r["aggregate_type"] == "unit" and r["credit_code"] == LISTED]
    history = app.unit_history(LISTED)
    assert [(r["event_type"], r["version"]) for r in unit_rows] == [
        (e.type, e.version) for e in history
    ]
    assert {r["aggregate_type"] for r in rows} == {
        "unit",
        "round",
        "complaint",
        "expert_pool",
        "adjustment_queue",
    }


def test_the_trail_filters_by_unit_actor_region_rule_type_and_time(
    runner: Runner, views: Db
) -> None:
    mine = audit_trail(views, unit=LISTED.lower(), limit=1000)
    assert mine and all(r["credit_code"] == LISTED for r in mine)
    types = {r["event_type"] for r in mine}  # the round's and the complaint's rows about it too
    assert {"Nominated", "NominationAccepted", "ExpertPanelDrawn", "ComplaintFiled"} <= types
    assert {"ReporterDisclosed", "DynamicFormSubmitted"} <= types

    inspector = audit_trail(views, actor=s.INSPECTOR.id)
    assert [r["event_type"] for r in inspector] == ["ReporterDisclosed"]
    ningbo = audit_trail(views, region="330200", limit=1000)
    assert ningbo and all(r["actor_region"] == "330200" for r in ningbo)
    assert {r["credit_code"] for r in ningbo} == {OFF_LIST}

    a14_2 = audit_trail(views, rule="A14.2")
    assert [(r["event_type"], r["credit_code"]) for r in a14_2] == [
        ("Nominated", LISTED),
        ("Nominated", OFF_LIST),
    ]
    assert all("A14.2" in r["rules"].split(",") for r in a14_2)
    assert audit_trail(views, rule="A14") == []  # a code, not a prefix
    assert [r["event_type"] for r in audit_trail(views, type="ReporterDisclosed")] == [
        "ReporterDisclosed"
    ]

    december = audit_trail(
        views, since=micros(instant(2025, 12, 1)), until=micros(instant(2026, 1, 1))
    )
    assert [r["event_type"] for r in december] == ["ComplaintFiled", "ReporterDisclosed"]
    both = audit_trail(views, unit=OFF_LIST, type="Nominated", region="330200")
    assert len(both) == 1


def test_pages_follow_the_position(runner: Runner, views: Db) -> None:
    pages: list[dict[str, Any]] = []
    after = None
    while page := audit_trail(views, limit=10, after=after):
        pages.extend(page)
        after = page[-1]["position"]
    assert pages == audit_trail(views, limit=10_000)


def test_a_row_says_who_when_why_and_what_in_chinese(runner: Runner, views: Db) -> None:
    (row,) = audit_trail(views, unit=OFF_LIST, type="Nominated")
    assert row["summary"] == "宁波市经信局推荐该单位参加2026年省级遴选（例外：A14.2，附书面说明）"
    assert (row["actor_id"], row["actor_role"], row["actor_region"]) == (
        NINGBO.id,
        "city",
        "330200",
    )
    assert row["exceptions"] == "A14.2" and row["justification"] == WHY
    assert row["ruleset"] == RULESET_VERSION
    assert row["occurred"] == micros(at(date(2026, 6, 2)))
    assert instant(2026, 1, 2) < datetime.fromtimestamp(row["recorded"] / 1e6, UTC)
    (listed,) = audit_trail(views, unit=LISTED, type="Nominated")
    assert listed["summary"] == "杭州市经信局推荐该单位参加2025年省级遴选"
    assert listed["exceptions"] == "" and listed["justification"] == ""


def test_the_reporter_never_reaches_the_audit_trail_or_the_supervision_views(
    runner: Runner, views: Db
) -> None:
    """A23: the reporter's identity lives only in the complaint."""
    everything = json.dumps(
        [
            audit_trail(views, limit=10_000),
            exceptions(views),
            late_acts(views),
            reporter_reads(views),
            actor_activity(views),
            overridden_rules(views),
        ],
        ensure_ascii=False,
    )
    for secret in (REPORTER, CONTACT, CONTENT, "王五", s.PUBLIC.id):
        assert secret not in everything
    (filed,) = audit_trail(views, type="ComplaintFiled")
    assert filed["actor_id"] == "reporter" and filed["credit_code"] == LISTED
    assert filed["summary"] == "向杭州市提交针对名单单位的实名举报"


def test_a_filer_with_a_token_is_withheld_from_the_trail_and_the_supervision_views(
    app: Greenlist, views: Db, clock: SettableClock
) -> None:
    """Issue 9 item 4: an enterprise that files with its token (and one whose filing the
    earlier code recorded in the unit's stream, as the retired `ComplaintReceived`) is never
    named, nor its role or region told: every filing row shows the same neutral reporter.
    The unit's "complained against" comes with the city's acceptance, the city its actor."""
    clock.set(instant(2025, 1, 2))
    s.list_provincially(app, LISTED)
    clock.set(instant(2025, 12, 1))
    filer, old_filer = s.credit_code(7, "330200"), s.credit_code(8, "330300")
    filed = app.file_complaint(
        s.enterprise_actor(filer), "unit", LISTED, REPORTER, CONTACT, ["a.pdf"], CONTENT
    )
    act = app._act(s.enterprise_actor(old_filer), rules=("A23.1",))
    unit = app._unit(LISTED)
    old = Complaint.file(
        act, "unit", unit.id, unit.city, REPORTER, CONTACT, ["b.pdf"], CONTENT, app.vault
    )
    unit.record(un.ComplaintReceived, act, ["A23.1"], complaint_id=old.id)
    app._save(old, unit)
    runner = Runner(app, views, [Audit(), Supervision()])
    runner.catch_up()
    assert_no_row_names(views, filer, old_filer)
    app.accept_complaint(s.city_actor(), filed.aggregate_id, "受理")
    runner.catch_up()
    assert_no_row_names(views, filer, old_filer)

    filings = [
        *audit_trail(views, type="ComplaintFiled"),
        *audit_trail(views, type="ComplaintReceived"),
    ]
    assert len(filings) == 3
    for row in filings:
        assert (row["actor_id"], row["actor_role"], row["actor_region"]) == WITHHELD
        assert row["credit_code"] == LISTED
    (against,) = audit_trail(views, type="ComplainedAgainst")
    assert (against["actor_role"], against["actor_region"]) == ("city", "330100")
    assert against["summary"] == "杭州市经信局受理针对该单位的实名举报，进行核实"
    assert against["credit_code"] == LISTED and against["justification"] == "受理"
    (accepted,) = audit_trail(views, type="ComplaintAccepted")
    assert accepted["summary"] == "杭州市经信局受理举报，进行核实"
    reporters = [a for a in actor_activity(views) if a["actor_id"] == WITHHELD[0]]
    assert [(a["actor_role"], a["actor_region"], a["events"]) for a in reporters] == [
        ("public", "330000", 3)
    ]
    assert {a["actor_region"] for a in actor_activity(views)} == {"330000", "330100"}


def assert_no_row_names(views: Db, *filers: str) -> None:
    """No row of the audit trail or of supervision names a filer (nor the reporter)."""
    everything = json.dumps(
        [
            audit_trail(views, limit=10_000),
            exceptions(views),
            late_acts(views),
            reporter_reads(views),
            actor_activity(views),
            overridden_rules(views),
        ],
        ensure_ascii=False,
    )
    for secret in (*filers, REPORTER, CONTACT):
        assert secret not in everything
    for filer in filers:
        assert audit_trail(views, actor=filer) == []


SAMPLES: dict[Any, Any] = {
    str: "x",
    int: 2025,
    bool: True,
    float: 1.5,
    date: date(2025, 1, 1),
    datetime: instant(2025, 1, 1),
    uuid.UUID: uuid.uuid4(),
}


def sample_event(cls: type) -> Any:
    """An event of `cls` with a plain value in every field (no aggregate needed)."""
    event = object.__new__(cls)
    for name, hint in typing.get_type_hints(cls).items():
        origin = typing.get_origin(hint)
        if origin in (typing.Union, types.UnionType):
            hint = typing.get_args(hint)[0]
        value = {list: [], dict: {}}.get(origin, SAMPLES.get(hint, "x"))
        object.__setattr__(event, name, value)
    object.__setattr__(event, "level", "provincial")
    object.__setattr__(event, "reporter_name", REPORTER)
    object.__setattr__(event, "reporter_contact", CONTACT)
    object.__setattr__(event, "content", CONTENT)
    return event


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda c: c.__name__)
def test_every_event_type_has_a_line_in_chinese(cls: type) -> None:
    assert cls in TEMPLATES
    line = summary(sample_event(cls), who("city", "330100"), "2025年省级遴选")
    assert line and not any(secret in line for secret in (REPORTER, CONTACT, CONTENT))


# --- supervision ----------------------------------------------------------------------------


def test_every_exception_is_shown_with_its_justification_and_actor(
    runner: Runner, views: Db
) -> None:
    rows = [r for r in exceptions(views) if r["event_type"] != "RoundOpened"]  # A13.2: apart
    assert [(r["event_type"], r["exceptions"], r["credit_code"]) for r in rows] == [
        ("Nominated", "A14.2", OFF_LIST),
        ("ExpertPanelDrawn", "A15.2", OFF_LIST),
    ]
    assert [(r["justification"], r["actor_id"]) for r in rows] == [
        (WHY, NINGBO.id),
        (REDRAW, s.PROVINCE_ACTOR.id),
    ]
    assert rows[1]["aggregate_type"] == "round" and "A15.2" in rows[1]["rules"]
    assert exceptions(views, since=rows[1]["recorded"]) == rows[1:]
    by_rule = {r["rule"]: r for r in overridden_rules(views)}
    assert by_rule["A14.2"]["times"] == 1 and by_rule["A14.2"]["article"] == "第十四条"
    assert by_rule["A14.2"]["by"] == [
        {"actor_id": NINGBO.id, "actor_role": "city", "actor_region": "330200", "times": 1}
    ]
    assert by_rule["A15.2"]["by"][0]["actor_id"] == s.PROVINCE_ACTOR.id


def test_late_forms_and_back_entered_acts_are_shown_with_both_instants(
    runner: Runner, views: Db
) -> None:
    form, registration = late_acts(views)
    assert (form["event_type"], form["credit_code"]) == ("DynamicFormSubmitted", LISTED)
    assert (form["late_form"], form["back_entered"], form["detail"]) == (1, 1, "provincial/2025")
    assert form["occurred"] == micros(at(date(2026, 4, 1)))
    assert form["recorded"] > micros(instant(2026, 5, 3))
    assert form["delay"] == form["recorded"] - form["occurred"]
    assert (registration["event_type"], registration["credit_code"]) == (
        "UnitRegistered",
        LATE_COMER,
    )
    assert (registration["late_form"], registration["back_entered"]) == (0, 1)


def test_disclosures_of_a_reporters_identity_are_listed_with_their_reason(
    runner: Runner, views: Db
) -> None:
    (read,) = reporter_reads(views)
    assert (read["actor_id"], read["actor_role"], read["credit_code"]) == (
        s.INSPECTOR.id,
        "inspector",
        LISTED,
    )
    assert (read["act"], read["reason"]) == ("disclosure", DISCLOSURE_REASON)
    assert read["aggregate_type"] == "complaint"
    assert read["recorded"] > micros(instant(2025, 12, 1))


def test_activity_per_actor_matches_the_audit_trail(runner: Runner, views: Db) -> None:
    activity = actor_activity(views)
    assert sum(a["events"] for a in activity) == runner.head()
    for a in activity:
        rows = audit_trail(views, actor=a["actor_id"], limit=10_000)
        assert a["events"] == len(rows) == sum(a["by_type"].values())
    ningbo = actor_activity(views, region="330200")
    assert [(a["actor_id"], a["actor_role"]) for a in ningbo] == [
        (NINGBO.id, "city"),
        (OFF_LIST, "enterprise"),
    ]
    assert ningbo[0]["by_type"] == {
        "UnitRegistered": 1,
        "Cultivated": 1,
        "Nominated": 1,
        "NominationAccepted": 1,
    }


# --- rebuilds -------------------------------------------------------------------------------


def rows_of(views: Db, model: Projection) -> dict[str, list[str]]:
    return {
        t.name: sorted(
            json.dumps(r, sort_keys=True, ensure_ascii=False)
            for r in views.query(f"SELECT * FROM {t.name}")
        )
        for t in model.tables
    }


@pytest.mark.parametrize("model", [Audit, Supervision])
def test_a_rebuild_and_a_restarted_runner_give_identical_rows(
    app: Greenlist, clock: SettableClock, views: Db, model: type[Projection]
) -> None:
    """A runner restarted halfway (a new instance, nothing in memory) ends with the rows a
    rebuild from zero gives, with other batch boundaries."""
    clock.set(instant(2025, 1, 2))
    s.list_provincially(app, LISTED)
    Runner(app, views, [model()], batch_size=5).catch_up()
    rest_of_story(app, clock)
    Runner(app, views, [model()], batch_size=3).catch_up()
    before = rows_of(views, model())
    assert before[next(iter(before))]
    rebuilder = Runner(app, views, [model()])
    assert rebuilder.rebuild([model.name]) == rebuilder.head()
    assert rows_of(views, model()) == before
