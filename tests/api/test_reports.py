"""The authenticated reads over HTTP: pools, round reports, selection rates, dynamic forms and
re-reviews, the agencies' ledger and performance, the audit trail, supervision and the
explanation of a decision; each with its content and its refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import Level, UnitKind
from projections.audit import Audit
from projections.engine.runner import Runner
from projections.supervision import Supervision
from simulation import scenarios as s
from tests.api.conftest import city, enterprise, event_count, province, token

PROBLEM = "application/problem+json"
P = Level.PROVINCIAL
LISTED = s.credit_code(1)
OFF_LIST = s.credit_code(2, "330200")
LATE_COMER = s.credit_code(3, "330300")
WHY = "市级名单另行发布，该企业为行业龙头 / the municipal list is published separately"


def service(app: Flask) -> Greenlist:
    greenlist: Greenlist = app.extensions["greenlist"].service
    return greenlist


def catch_up(app: Flask) -> None:
    """Catch the read models up; the audit and supervision models too, with a runner of their
    own while `projections.catalogue` does not list them."""
    runner: Runner = app.extensions["greenlist_runner"]
    runner.catch_up()
    context = app.extensions["greenlist"]
    extra = [m for m in (Audit(), Supervision()) if m.name not in context.read_models]
    if extra:
        Runner(context.service, context.views, extra).catch_up()
        context.read_models.extend(m.name for m in extra)


def instant(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


@pytest.fixture
def story(api_app: Flask, clock: SettableClock) -> Flask:
    """A Hangzhou factory listed provincially in 2025 (each step recorded as it happens, from
    its registration on 10 January); a real-name report against it whose reporter the
    inspector reads (A23); a Wenzhou factory registered on 3 May 2026, two weeks after the fact
    (back-entered); a Ningbo factory nominated on 2 June 2026 off the municipal list with a
    justification (A14.2)."""
    app = service(api_app)
    clock.set(instant(2025, 1, 2))
    s.list_provincially(app, LISTED)
    clock.set(instant(2025, 12, 1))
    filed = app.file_complaint(s.PUBLIC, "unit", LISTED, "王五", "13912345678", ["a.pdf"], "造假")
    app.disclose_reporter(s.INSPECTOR, filed.aggregate_id, "监督检查举报处理")
    clock.set(instant(2026, 1, 2))
    s.prepare_candidate(app, OFF_LIST, year=2026)
    clock.set(instant(2026, 5, 3))
    app.register_unit(
        s.city_actor("330300"), LATE_COMER, UnitKind.FACTORY, "温州补录工厂",
        occurred_at=s.at(date(2026, 4, 20)),
    )  # fmt: skip
    ningbo = s.city_actor("330200")
    app.nominate(ningbo, OFF_LIST, P, 2026, justification=WHY, occurred_at=s.at(date(2026, 6, 2)))
    catch_up(api_app)
    return api_app


def refused(response: object, status: int) -> None:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.content_type == PROBLEM  # type: ignore[attr-defined]
    body = response.json  # type: ignore[attr-defined]
    assert body["status"] == status and body["messages"]["zh"] and body["messages"]["en"]


def test_a_city_pool_and_the_pool_sizes(story: Flask, client: FlaskClient) -> None:
    response = client.get("/api/v1/pools/330100/2025", headers=city())
    assert response.status_code == 200 and response.json["total"] == 1
    (entry,) = response.json["items"]
    assert entry["credit_code"] == LISTED and entry["priority"] is False
    assert entry["cultivated_at"].startswith("2025-01-11") and isinstance(entry["rules"], list)
    assert client.get("/api/v1/pools/330100/2025?priority=true", headers=city()).json["items"] == []
    counts = client.get("/api/v1/pools?year=2026", headers=token("auditor")).json["items"]
    assert counts == [{"city": "330200", "year": 2026, "units": 1, "priority": 0}]
    refused(client.get("/api/v1/pools/330100/2025"), 401)
    refused(client.get("/api/v1/pools/339900/2025", headers=city()), 404)


def test_the_round_reports(story: Flask, client: FlaskClient) -> None:
    summary = client.get("/api/v1/rounds/provincial/2025/summary", headers=province())
    assert summary.status_code == 200
    body = summary.json
    assert body["published_on"] == "2025-09-16" and body["listed"] == 1
    assert body["nominated"] == 1 and body["objections"] == [] and len(body["quotas"]) == 11
    assert sorted(body["cosigned"]) == ["eco_env", "ndrc"]
    nominations = client.get("/api/v1/rounds/provincial/2026/nominations", headers=city("330200"))
    (nominated,) = nominations.json["items"]
    assert nominated["credit_code"] == OFF_LIST and nominated["exceptions"] == ["A14.2"]
    assert nominated["justification"] == WHY and nominated["stage"] == "nominated"
    hangzhou = client.get("/api/v1/rounds/provincial/2026/nominations?city=330100", headers=city())
    assert hangzhou.json["items"] == [] and hangzhou.json["total"] == 0
    usage = client.get("/api/v1/rounds/provincial/2025/quota-usage", headers=city())
    assert usage.json["items"] == [{"city": "330100", "quota": 10, "used": 1, "remaining": 9}]
    objections = client.get("/api/v1/rounds/provincial/2025/objections", headers=province())
    assert objections.status_code == 200 and objections.json["items"] == []
    missing = client.get("/api/v1/rounds/national/2025/summary", headers=province())
    refused(missing, 404)
    assert "2025" in missing.json["messages"]["zh"]
    refused(client.get("/api/v1/rounds/municipal/2025/summary", headers=province()), 404)
    refused(client.get("/api/v1/rounds/provincial/2025/summary"), 401)


def test_selection_rates(story: Flask, client: FlaskClient) -> None:
    response = client.get("/api/v1/selection-rates?level=provincial", headers=province())
    assert response.status_code == 200
    rates = {(r["year"], r["city"]): r for r in response.json["items"]}
    assert rates[(2025, "330100")]["rate"] == 1.0 and rates[(2025, "330100")]["final"] is True
    assert rates[(2026, "330200")]["rate"] == 0.0 and rates[(2026, "330200")]["final"] is False
    own = client.get("/api/v1/selection-rates?level=provincial", headers=city()).json["items"]
    assert own == [rates[(2025, "330100")]]
    refused(client.get("/api/v1/selection-rates?level=county", headers=city()), 422)
    refused(client.get("/api/v1/selection-rates"), 401)


def test_dynamic_forms_and_rereviews_due(story: Flask, client: FlaskClient) -> None:
    forms = client.get("/api/v1/dynamic-forms/2025", headers=enterprise(LISTED))
    assert forms.status_code == 200
    (form,) = forms.json["items"]
    assert form["credit_code"] == LISTED and form["status"] == "due"
    assert form["deadline"] == "2026-04-15" and form["late"] is False
    late = client.get("/api/v1/dynamic-forms/2025?status=late", headers=province())
    assert late.json["items"] == []
    refused(client.get("/api/v1/dynamic-forms/2025?status=lost", headers=province()), 422)
    due = client.get("/api/v1/rereviews-due?before=2031-01-01", headers=province())
    assert [(r["credit_code"], r["level"]) for r in due.json["items"]] == [
        (LISTED, "municipal"),
        (LISTED, "provincial"),
    ]
    soon = client.get("/api/v1/rereviews-due?before=2026-01-01", headers=province())
    assert soon.json["items"] == []
    refused(client.get("/api/v1/rereviews-due", headers=province()), 422)
    refused(client.get("/api/v1/dynamic-forms/2025"), 401)


def test_the_agency_ledger_and_performance(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    app = service(api_app)
    clock.set(instant(2025, 1, 2))
    agency = s.register_agency(app, 501, "张三")
    code = s.credit_code(11)
    s.register_and_cultivate(app, code)
    app.submit_evaluation(
        s.agency_actor(agency), code, Level.NATIONAL, 2025, s.report_hash("n"), 80.0, True,
        occurred_at=s.at(date(2025, 2, 1)),
    )  # fmt: skip
    catch_up(api_app)
    url = "/api/v1/agency-ledger?legal_representative=张三&year=2025"
    ledger = client.get(url, headers=province())
    assert ledger.status_code == 200
    (row,) = ledger.json["items"]
    assert row["national"] == 1 and row["agencies"] == [agency]
    assert row["national_remaining"] == row["national_limit"] - 1
    assert client.get(url, headers=token("agency", "330100", agency=agency)).json == ledger.json
    nobody = client.get("/api/v1/agency-ledger?legal_representative=赵六", headers=province())
    assert nobody.json["items"] == []
    refused(client.get(url, headers=city()), 403)
    performance = client.get("/api/v1/agency-performance?year=2025", headers=token("auditor"))
    (mine,) = performance.json["items"]
    assert mine["credit_code"] == agency and mine["reports"] == mine["passed"] == 1
    assert mine["pass_rate"] == 1.0 and mine["year"] == 2025
    refused(client.get("/api/v1/agency-performance?year=1999", headers=province()), 422)
    refused(client.get("/api/v1/agency-ledger"), 401)


def test_the_audit_trail_for_auditors_inspectors_and_the_province(
    story: Flask, client: FlaskClient
) -> None:
    before = event_count(story)
    first = client.get(f"/api/v1/audit-trail?unit={LISTED}&limit=2", headers=token("auditor"))
    assert first.status_code == 200
    assert [r["event_type"] for r in first.json["items"]] == ["UnitRegistered", "Cultivated"]
    assert first.json["items"][0]["recorded"].startswith("2025-01-10")
    after = first.json["next_after"]
    assert after == first.json["items"][-1]["position"]
    rest = client.get(f"/api/v1/audit-trail?unit={LISTED}&after={after}", headers=province())
    assert rest.json["items"][0]["position"] > after
    assert all(r["credit_code"] == LISTED for r in rest.json["items"])
    exceptions = client.get("/api/v1/audit-trail?rule=A14.2", headers=token("inspector"))
    assert exceptions.json["items"]
    assert all("A14.2" in r["rules"] + r["exceptions"] for r in exceptions.json["items"])
    (taken,) = [r for r in exceptions.json["items"] if r["exceptions"]]
    assert taken["exceptions"] == ["A14.2"] and taken["justification"] == WHY
    window = "since=2026-05-01T00:00:00Z&until=2026-06-01T00:00:00Z"
    late = client.get(f"/api/v1/audit-trail?{window}", headers=token("auditor"))
    assert [r["credit_code"] for r in late.json["items"]] == [LATE_COMER]
    for headers in (city(), enterprise(LISTED), token("codept"), token("expert")):
        refused(client.get("/api/v1/audit-trail", headers=headers), 403)
    refused(client.get("/api/v1/audit-trail"), 401)
    refused(client.get("/api/v1/audit-trail?since=yesterday", headers=province()), 422)
    assert event_count(story) == before


def test_supervision_for_inspectors_and_auditors(story: Flask, client: FlaskClient) -> None:
    response = client.get("/api/v1/supervision", headers=token("inspector"))
    assert response.status_code == 200
    body = response.json
    (exception,) = [e for e in body["exceptions"] if e["event_type"] != "RoundOpened"]
    assert exception["credit_code"] == OFF_LIST and exception["justification"] == WHY
    overridden = {r["rule"]: r for r in body["overridden_rules"]}
    assert set(overridden) == {"A13.2", "A14.2"}  # A13.2: the round's opening quotas
    assert overridden["A14.2"]["by"][0]["actor_region"] == "330200"
    late = next(r for r in body["late_acts"] if r["credit_code"] == LATE_COMER)
    assert late["back_entered"] is True and late["delay_seconds"] > 86400
    (read,) = body["reporter_reads"]
    assert read["actor_role"] == "inspector" and read["event_type"] == "ReporterDisclosed"
    assert (read["act"], read["reason"]) == ("disclosure", "监督检查举报处理")
    assert "王五" not in response.get_data(as_text=True)
    assert body["actor_activity"][0]["events"] >= body["actor_activity"][-1]["events"]
    since = client.get("/api/v1/supervision?since=2027-01-01T00:00:00Z", headers=token("auditor"))
    assert since.status_code == 200 and since.json["exceptions"] == []
    region = client.get("/api/v1/supervision?region=330300", headers=token("auditor")).json
    assert {a["actor_region"] for a in region["actor_activity"]} == {"330300"}
    for headers in (province(), city(), enterprise(LISTED)):
        refused(client.get("/api/v1/supervision", headers=headers), 403)
    refused(client.get("/api/v1/supervision"), 401)


def test_the_explanation_of_a_decision(story: Flask, client: FlaskClient) -> None:
    registered = client.get(f"/api/v1/units/{LISTED}/decisions/1", headers=city())
    assert registered.status_code == 200
    assert registered.json["event"]["type"] == "UnitRegistered"
    assert registered.json["before"] is None and registered.json["ruleset"]
    history = service(story).unit_history(OFF_LIST)
    version = next(e.version for e in history if e.type == "Nominated")
    nominated = client.get(f"/api/v1/units/{OFF_LIST}/decisions/{version}", headers=province())
    body = nominated.json
    assert body["version"] == version and body["before"]["version"] == version - 1
    assert body["justification"] == WHY
    outcomes = {r["code"]: r["outcome"] for r in body["rules"]}
    assert outcomes["A14.2"] == "waived"  # A29: was "overridden with justification"
    assert all(r["article"] and r["zh"] and r["en"] for r in body["rules"])
    refused(client.get(f"/api/v1/units/{LISTED}/decisions/999", headers=city()), 404)
    refused(client.get(f"/api/v1/units/{LISTED}/decisions/1"), 401)


AUTHENTICATED = (
    "/api/v1/pools",
    "/api/v1/pools/330100/2025",
    "/api/v1/rounds/provincial/2025/summary",
    "/api/v1/rounds/provincial/2025/nominations",
    "/api/v1/rounds/provincial/2025/quota-usage",
    "/api/v1/rounds/provincial/2025/objections",
    "/api/v1/selection-rates",
    "/api/v1/dynamic-forms/2025",
    "/api/v1/rereviews-due?before=2030-01-01",
    "/api/v1/agency-ledger",
    "/api/v1/agency-performance",
    "/api/v1/audit-trail",
    "/api/v1/supervision",
    f"/api/v1/units/{LISTED}/decisions/1",
)


@pytest.mark.stores("sqlite")
def test_every_non_public_read_needs_a_valid_token(client: FlaskClient) -> None:
    forged = {"Authorization": "Bearer not-a-token"}
    for path in AUTHENTICATED:
        for headers in ({}, forged):
            response = client.get(path, headers=headers)
            refused(response, 401)
            assert response.headers["WWW-Authenticate"].lower().startswith("bearer"), path
    for public in ("/api/v1/lists/national", "/api/v1/announcements"):
        assert client.get(public).status_code == 200
        refused(client.get(public, headers=forged), 401)
