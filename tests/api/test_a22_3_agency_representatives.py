"""A22.3 over HTTP: an agency is registered with its legal representative's name and resident
ID number; agencies of one person share the yearly cap (the 16th national project refused, 422
naming A22.3); the province records a change of representative, after which the agency counts
to the new person. The ID number never comes back: not in an answer, a log line, the store or
the read models."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.service import Greenlist
from projections.engine.runner import Runner
from simulation import scenarios as s
from tests.api.conftest import city, event_count, province, token

ZHANG = s.representative_id("张三")
LI = s.representative_id("李四")


def service(api_app: Flask) -> Greenlist:
    app: Greenlist = api_app.extensions["greenlist"].service
    return app


def refused(response: Any, status: int, rules: list[str]) -> None:
    assert response.status_code == status, response.json
    assert response.content_type == "application/problem+json"
    assert response.json["rules"] == rules
    assert response.json["messages"]["zh"] and response.json["messages"]["en"]


def register(client: FlaskClient, serial: int, name: str, id_number: str) -> Any:
    body = {
        "credit_code": s.credit_code(serial),
        "name": f"第三方评价机构{serial}",
        "legal_representative": name,
        "representative_id": id_number,
    }
    return client.post("/api/v1/agencies", json=body, headers=province())


def evaluate(client: FlaskClient, agency: str, code: str, n: int) -> Any:
    body = {
        "level": "national",
        "year": 2025,
        "content_hash": s.report_hash(f"{agency}/{n}"),
        "score": 88.0,
        "passed": True,
        "occurred_at": s.at(date(2025, 2, 1)).isoformat(),
    }
    headers = token("agency", "330100", agency=agency)
    return client.post(f"/api/v1/units/{code}/evaluations", json=body, headers=headers)


def change(client: FlaskClient, agency: str, name: str, id_number: str, **headers: Any) -> Any:
    body = {"legal_representative": name, "representative_id": id_number}
    return client.post(
        f"/api/v1/agencies/{agency}/legal-representative",
        json=body,
        headers=headers or province(),
    )


@pytest.mark.stores("sqlite", "postgres")
def test_a22_3_two_agencies_of_one_representative_share_15_national_projects_over_http(
    api_app: Flask, client: FlaskClient
) -> None:
    first, second = s.credit_code(801), s.credit_code(802)
    assert register(client, 801, "张三", ZHANG).status_code == 201
    assert register(client, 802, "张 三", ZHANG).status_code == 201
    code = s.credit_code(810)
    s.register_and_cultivate(service(api_app), code)
    for n in range(15):
        answer = evaluate(client, (first, second)[n % 2], code, n)
        assert answer.status_code == 201, answer.json
    before = event_count(api_app)
    refused(evaluate(client, second, code, 15), 422, ["A22.3"])
    assert event_count(api_app) == before

    # the province records that 李四 now represents the second agency: its cap moves with him
    moved = change(client, second, "李四", LI)
    assert moved.status_code == 201, moved.json
    assert evaluate(client, second, code, 16).status_code == 201
    refused(evaluate(client, first, code, 17), 422, ["A22.3"])
    agency = client.get(f"/api/v1/agencies/{second}", headers=province())
    assert agency.json["legal_representative"] == "李四"
    assert "representative_id" not in agency.json


def test_a22_3_an_invalid_id_number_is_refused_and_only_the_province_changes_a_representative(
    api_app: Flask, client: FlaskClient
) -> None:
    before = event_count(api_app)
    wrong = ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")
    answer = register(client, 821, "张三", wrong)
    refused(answer, 422, ["A22.3"])
    assert "身份证" in answer.json["messages"]["zh"] and "ID number" in answer.json["detail"]
    assert wrong not in answer.get_data(as_text=True)
    missing = client.post(
        "/api/v1/agencies",
        json={"credit_code": s.credit_code(822), "name": "机构", "legal_representative": "张三"},
        headers=province(),
    )
    assert missing.status_code == 422 and "representative_id" in missing.json["errors"]["json"]
    assert event_count(api_app) == before

    agency = s.credit_code(823)
    assert register(client, 823, "张三", ZHANG).status_code == 201
    refused(change(client, agency, "李四", LI, **city()), 403, ["ID.3"])
    refused(change(client, agency, "李四", wrong), 422, ["A22.3"])
    refused(change(client, agency, "张三", ZHANG), 422, ["A22.3"])


@pytest.mark.stores("sqlite")
def test_a22_3_the_id_number_is_in_no_answer_log_line_event_or_read_model(
    api_app: Flask, client: FlaskClient, store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    agency = s.credit_code(831)
    answers = [register(client, 831, "张三", ZHANG), change(client, agency, "李四", LI)]
    code = s.credit_code(840)
    s.register_and_cultivate(service(api_app), code)
    answers.append(evaluate(client, agency, code, 0))
    runner: Runner = api_app.extensions["greenlist_runner"]
    runner.catch_up()
    answers += [
        client.get(f"/api/v1/agencies/{agency}", headers=province()),
        client.get("/api/v1/agency-ledger?year=2025", headers=province()),
        client.get("/api/v1/agency-performance?year=2025", headers=province()),
        client.get(f"/api/v1/units/{code}/history", headers=province()),
    ]
    assert all(a.status_code in (200, 201) for a in answers), [a.json for a in answers]
    ledger = answers[4].json["items"]
    assert [(r["legal_representative"], r["national"]) for r in ledger] == [("李四", 1)]
    service(api_app).close()
    folder = Path(store_url[len("sqlite:///") :]).parent
    stored = b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())
    assert "李四".encode() in stored  # the search sees the stored names
    said = b"".join(a.get_data() for a in answers) + caplog.text.encode()
    for number in (ZHANG, LI):
        assert number.encode() not in stored and number.encode() not in said
        assert number[:-1].encode() not in stored
