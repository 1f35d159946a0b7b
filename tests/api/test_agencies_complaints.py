"""Agencies (A12, A22) and real-name reports (A23) over HTTP: filing needs no token and never
echoes the reporter; the handling city accepts a report for verification before it verifies it;
only the handling city and inspectors see who reported, and each look is recorded."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.service import Greenlist
from simulation import scenarios as s
from tests.api.conftest import city, enterprise, event_count, province, token

REPORTER = {"reporter_name": "王举报", "reporter_contact": "13800000000"}
CITY = "330100"


def service(api_app: Flask) -> Greenlist:
    app: Greenlist = api_app.extensions["greenlist"].service
    return app


def refused(response: Any, status: int, rules: list[str]) -> None:
    assert response.status_code == status, response.json
    assert response.content_type == "application/problem+json"
    assert response.json["rules"] == rules
    assert response.json["messages"]["zh"] and response.json["messages"]["en"]


def stream(api_app: Flask, aggregate_id: str) -> list[str]:
    return [type(e).__name__ for e in service(api_app).events.get(UUID(aggregate_id))]


@pytest.fixture
def listed(api_app: Flask) -> str:
    code = s.credit_code(71)
    s.list_provincially(service(api_app), code)
    return code


def report(code: str, **extra: Any) -> dict[str, Any]:
    return {
        "target_type": "unit",
        "target_code": code,
        **REPORTER,
        "evidence": ["https://example.org/photo-1.jpg"],
        "content": "夜间偷排废水",
        **extra,
    }


def file(client: FlaskClient, body: dict[str, Any]) -> str:
    response = client.post("/api/v1/complaints", json=body)
    assert response.status_code == 201, response.json
    complaint_id: str = response.json["id"]
    return complaint_id


# --- agencies ---------------------------------------------------------------------------------


def test_the_province_registers_an_agency_and_the_city_bureaus_read_it(
    client: FlaskClient,
) -> None:
    code = s.credit_code(72)
    body = {
        "credit_code": code,
        "name": "浙江绿评",
        "legal_representative": "李四",
        "representative_id": s.representative_id("李四"),
    }
    response = client.post("/api/v1/agencies", json=body, headers=province())
    assert response.status_code == 201, response.json
    assert response.headers["Location"] == f"/api/v1/agencies/{code}"
    again = client.post("/api/v1/agencies", json=body, headers=province())
    assert again.status_code == 409
    agency = client.get(f"/api/v1/agencies/{code}", headers=city("330300"))
    assert agency.status_code == 200
    assert agency.json["legal_representative"] == "李四" and agency.json["misconduct"] == 0
    assert client.get(f"/api/v1/agencies/{code}").status_code == 401
    refused(
        client.get(f"/api/v1/agencies/{code}", headers=enterprise(s.credit_code(73))), 403, ["ID.3"]
    )
    assert (
        client.get(f"/api/v1/agencies/{s.credit_code(74)}", headers=province()).status_code == 404
    )


def test_an_agency_registers_only_itself(api_app: Flask, client: FlaskClient) -> None:
    own, other = s.credit_code(75), s.credit_code(76)
    headers = token("agency", "330100", agency=own)
    body = {
        "name": "第三方机构",
        "legal_representative": "赵六",
        "representative_id": s.representative_id("赵六"),
    }
    before = event_count(api_app)
    refused(
        client.post("/api/v1/agencies", json={**body, "credit_code": other}, headers=headers),
        403,
        ["ID.3"],
    )
    assert event_count(api_app) == before
    response = client.post("/api/v1/agencies", json={**body, "credit_code": own}, headers=headers)
    assert response.status_code == 201, response.json
    assert (
        client.post(
            "/api/v1/agencies", json=body | {"credit_code": own}, headers=city()
        ).status_code
        == 403
    )


def test_any_city_reports_an_agency_s_misconduct(api_app: Flask, client: FlaskClient) -> None:
    code = s.register_agency(service(api_app), 77, "孙七")
    url = f"/api/v1/agencies/{code}/misconduct"
    response = client.post(url, json={"description": "报告数据造假"}, headers=city("330500"))
    assert response.status_code == 201, response.json
    assert client.get(f"/api/v1/agencies/{code}", headers=token("auditor")).json["misconduct"] == 1
    before = event_count(api_app)
    assert client.post(url, json={"description": "x"}, headers=token("auditor")).status_code == 403
    unknown = client.post(
        f"/api/v1/agencies/{s.credit_code(78)}/misconduct",
        json={"description": "x"},
        headers=city(),
    )
    assert unknown.status_code == 404
    assert event_count(api_app) == before


# --- A23.1: filing ----------------------------------------------------------------------------


def test_anyone_files_a_report_and_the_answer_does_not_name_the_reporter(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    response = client.post("/api/v1/complaints", json=report(listed))
    assert response.status_code == 201, response.json
    text = response.get_data(as_text=True)
    assert REPORTER["reporter_name"] not in text and REPORTER["reporter_contact"] not in text
    assert stream(api_app, response.json["id"]) == ["ComplaintFiled"]
    history = [e.type for e in service(api_app).unit_history(listed)]
    assert "ComplaintFiled" not in history and "ComplainedAgainst" not in history
    unit = client.get(f"/api/v1/units/{listed}/history", headers=token("auditor"))
    assert REPORTER["reporter_name"] not in unit.get_data(as_text=True)


@pytest.mark.parametrize("missing", ["evidence", "reporter_name", "reporter_contact"])
def test_a_report_without_evidence_name_or_contact_is_refused(
    api_app: Flask, client: FlaskClient, listed: str, missing: str
) -> None:
    before = event_count(api_app)
    body = report(listed)
    body[missing] = [] if missing == "evidence" else "  "
    refused(client.post("/api/v1/complaints", json=body), 422, ["A23.1"])
    assert event_count(api_app) == before


def test_a_report_against_an_agency_names_the_handling_city(
    api_app: Flask, client: FlaskClient
) -> None:
    code = s.register_agency(service(api_app), 79, "周八")
    before = event_count(api_app)
    body = report(code, target_type="agency")
    refused(client.post("/api/v1/complaints", json=body), 422, ["A23.1"])
    bad_city = client.post("/api/v1/complaints", json={**body, "city": "330000"})
    assert bad_city.status_code == 422 and list(bad_city.json["errors"]["json"]) == ["city"]
    assert event_count(api_app) == before
    file(client, {**body, "city": "330200"})


# --- A23.2: acceptance and verification -------------------------------------------------------


def test_the_handling_city_accepts_a_report_and_only_then_the_unit_s_history_tells(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    complaint = file(client, report(listed))
    url = f"/api/v1/complaints/{complaint}/acceptance"
    verification = f"/api/v1/complaints/{complaint}/verification"
    length = len(service(api_app).unit_history(listed))
    before = event_count(api_app)
    refused(client.put(url, json={}, headers=city("330200")), 403, ["ID.3"])
    for headers in (province(), enterprise(listed), token("inspector")):
        assert client.put(url, json={}, headers=headers).status_code == 403
    assert client.put(url, json={}).status_code == 401
    verify_first = {"confirmed": False, "outcome": "unfounded"}
    refused(client.put(verification, json=verify_first, headers=city()), 422, ["A23.2"])
    assert client.put(url, json={}, headers={**city(), "If-Match": '"2"'}).status_code == 412
    assert event_count(api_app) == before
    response = client.put(url, json={"notes": "转核实"}, headers={**city(), "If-Match": '"1"'})
    assert response.status_code == 200, response.json
    assert response.headers["ETag"] == '"2"' and response.json["id"] == complaint
    assert stream(api_app, complaint) == ["ComplaintFiled", "ComplaintAccepted"]
    history = service(api_app).unit_history(listed)
    assert len(history) == length + 1
    last = history[-1]
    assert (last.type, last.actor_role, last.actor_region) == ("ComplainedAgainst", "city", CITY)
    assert last.data["complaint_id"] == UUID(complaint)
    refused(client.put(url, json={}, headers=city()), 422, ["A23.2"])


def test_the_handling_city_verifies_and_a_removal_follows(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    complaint = file(client, report(listed))
    url = f"/api/v1/complaints/{complaint}/verification"
    body = {"confirmed": True, "outcome": "removal", "notes": "现场核实属实"}
    acceptance = f"/api/v1/complaints/{complaint}/acceptance"
    assert client.put(acceptance, json={}, headers=city()).status_code == 200
    before = event_count(api_app)
    other = client.put(url, json=body, headers=city("330200"))
    # the domain refuses another city with RuleViolation("ID.3"), hence 422 (see the report)
    assert other.status_code in (403, 422) and other.json["rules"] == ["ID.3"]
    assert client.put(url, json=body, headers=province()).status_code == 403
    assert event_count(api_app) == before
    response = client.put(url, json=body, headers={**city(), "If-Match": '"2"'})
    assert response.status_code == 200, response.json
    assert stream(api_app, complaint) == [
        "ComplaintFiled",
        "ComplaintAccepted",
        "ComplaintVerified",
    ]
    assert service(api_app).unit_history(listed)[-1].type == "RemovalDecided"
    refused(client.put(url, json=body, headers=city()), 422, ["A23.2"])


def test_a_confirmed_report_against_an_agency_is_its_misconduct(
    api_app: Flask, client: FlaskClient
) -> None:
    code = s.register_agency(service(api_app), 80, "吴九")
    complaint = file(client, report(code, target_type="agency", city="330300"))
    acceptance = f"/api/v1/complaints/{complaint}/acceptance"
    accepted = client.put(acceptance, json={}, headers=city("330300"))
    assert accepted.status_code == 200, accepted.json
    assert stream(api_app, complaint) == ["ComplaintFiled", "ComplaintAccepted"]
    url = f"/api/v1/complaints/{complaint}/verification"
    refused(
        client.put(url, json={"confirmed": True, "outcome": "removal"}, headers=city("330300")),
        422,
        ["A22.1"],
    )
    body = {"confirmed": True, "outcome": "agency_misconduct"}
    assert client.put(url, json=body, headers=city("330300")).status_code == 200
    assert client.get(f"/api/v1/agencies/{code}", headers=province()).json["misconduct"] == 1


# --- A23.1: who sees the reporter -------------------------------------------------------------


def test_only_the_handling_city_and_inspectors_see_the_reporter_and_each_look_is_recorded(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    complaint = file(client, report(listed))
    url = f"/api/v1/complaints/{complaint}/disclosures"
    why = {"reason": "核实需联系举报人"}
    before = event_count(api_app)
    for headers in (token("auditor"), city("330200"), province(), enterprise(listed)):
        refused(client.post(url, json=why, headers=headers), 403, ["ID.3"])
        case = client.get(f"/api/v1/complaints/{complaint}", headers=headers)
        refused(case, 403, ["A23.1"])
    assert client.post(url, json=why).status_code == 401
    assert event_count(api_app) == before
    response = client.post(url, json=why, headers=city())
    assert response.status_code == 200
    assert (response.json["name"], response.json["contact"]) == ("王举报", "13800000000")
    assert response.json["filed_by"]["role"] == "public"
    assert response.headers["Cache-Control"] == "no-store"
    assert event_count(api_app) == before + 1
    assert client.post(url, json=why, headers=token("inspector")).status_code == 200
    assert stream(api_app, complaint)[-2:] == ["ReporterDisclosed"] * 2
    missing = "/api/v1/complaints/7f0c1f3e-2d7b-4d59-9b8e-1f2a3b4c5d6e/disclosures"
    assert client.post(missing, json=why, headers=city()).status_code == 404
