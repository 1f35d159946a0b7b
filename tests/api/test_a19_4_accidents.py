"""POST /api/v1/units/{code}/accidents and what follows (A19.4): the city's report with the
accident's kind and grade, the province's removal and report to MIIT; a city bureau's attempt
at the provincial list is a 403 naming ID.3 and A19.4. PUT /api/v1/complaints/{id}/rectification
(A23.2) records a rectification's result."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from simulation import scenarios as s
from tests.api.conftest import city, event_count, province
from tests.api.test_dynamic import service

WHEN = "2025-10-30T10:00:00+08:00"
REPORT = {
    "kind": "safety",
    "grade": "II",
    "occurred_on": "2025-10-30",
    "description": "重大生产安全事故",
    "occurred_at": WHEN,
}


@pytest.fixture
def listed(api_app: Flask) -> str:
    """A Hangzhou factory on the municipal and provincial lists of 2025."""
    code = s.credit_code(62)
    s.list_provincially(service(api_app), code)
    return code


def test_a19_4_a_major_accident_reported_by_the_city_then_removed_by_the_province(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    url = f"/api/v1/units/{listed}/accidents"
    headers = {**city(), "Idempotency-Key": "accident-1"}
    first = client.post(url, json=REPORT, headers=headers)
    assert first.status_code == 201, first.json
    details = first.json["details"]
    assert details["removed"] == ["municipal"] and details["awaiting_province"] == ["provincial"]
    count = event_count(api_app)
    again = client.post(url, json=REPORT, headers=headers)
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert event_count(api_app) == count
    assert client.post(url, json=REPORT, headers=province()).status_code == 403

    removal = f"{url}/{details['accident_id']}/removal"
    by_city = client.post(removal, json={"occurred_at": WHEN}, headers=city())
    assert by_city.status_code == 403, by_city.json
    assert {"ID.3", "A19.4"} <= set(by_city.json["rules"])
    assert event_count(api_app) == count
    done = client.post(removal, json={"occurred_at": WHEN}, headers=province())
    assert done.status_code == 201, done.json
    assert done.json["details"] == {"removed": ["provincial"], "reported_to_miit": False}
    assert service(api_app).get_unit(listed).status(s.Level.PROVINCIAL) == "removed"


def test_a19_4_an_accident_needs_a_known_kind_and_grade(client: FlaskClient, listed: str) -> None:
    url = f"/api/v1/units/{listed}/accidents"
    for bad in ({"grade": "V"}, {"kind": "traffic"}, {"grade": None}):
        body: dict[str, Any] = {**REPORT, **bad}
        response = client.post(url, json=body, headers=city())
        assert response.status_code == 422, response.json


def test_a23_2_the_city_records_a_rectification_s_result(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    app = service(api_app)
    filed = app.file_complaint(
        s.PUBLIC,
        "unit",
        listed,
        "张三",
        "138",
        ["a.pdf"],
        "超标",
        occurred_at=s.at(s.date(2025, 11, 1)),
    ).aggregate_id
    app.accept_complaint(s.city_actor(), filed, "受理", occurred_at=s.at(s.date(2025, 11, 2)))
    verify = {
        "confirmed": True,
        "outcome": "rectification",
        "rectify_by": "2025-12-31",
        "occurred_at": "2025-11-03T10:00:00+08:00",
    }
    verified = client.put(f"/api/v1/complaints/{filed}/verification", json=verify, headers=city())
    assert verified.status_code == 200, verified.json
    assert verified.json["details"]["rectify_by"] == "2025-12-31"
    api_app.extensions["greenlist_runner"].catch_up()
    rows = client.get("/api/v1/deadlines?kind=rectification", headers=city()).json
    assert [r["due_on"] for r in rows["items"]] == ["2026-01-01"]
    url = f"/api/v1/complaints/{filed}/rectification"
    assert client.put(url, json={"rectified": True}, headers=city("330200")).status_code == 403
    done = client.put(url, json={"rectified": True, "notes": "已整改"}, headers=city())
    assert done.status_code == 200, done.json
    api_app.extensions["greenlist_runner"].catch_up()
    rows = client.get("/api/v1/deadlines?kind=rectification&status=done", headers=city()).json
    assert [r["settled_by"] for r in rows["items"]] == ["RectificationChecked"]
    assert client.get("/api/v1/deadlines?status=overdue", headers=city()).status_code == 200
