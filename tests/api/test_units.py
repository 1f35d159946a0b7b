"""The unit resources over HTTP."""

from flask import Flask
from flask.testing import FlaskClient

from simulation import scenarios as s
from tests.api.conftest import city, enterprise, event_count, province, token


def register(client: FlaskClient, code: str, kind: str = "factory") -> dict:
    response = client.post(
        "/api/v1/units",
        json={"credit_code": code, "kind": kind, "name": "绿色工厂"},
        headers=city(),
    )
    assert response.status_code == 201, response.json
    return response.json


def test_a_city_registers_a_unit_and_reads_it_with_its_version(client: FlaskClient) -> None:
    code = s.credit_code(1)
    receipt = register(client, code)
    assert receipt["version"] == 1 and receipt["position"]
    response = client.get(f"/api/v1/units/{code}", headers=token("auditor"))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert response.json["credit_code"] == code and response.json["city"] == "330100"


def test_a_bad_credit_code_is_refused_with_its_rule(api_app: Flask, client: FlaskClient) -> None:
    before = event_count(api_app)
    response = client.post(
        "/api/v1/units",
        json={"credit_code": "91330100MA2H3K4P70", "kind": "factory", "name": "x"},
        headers=city(),
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.json["rules"] == ["ID.1"]
    assert response.json["messages"]["zh"] and response.json["messages"]["en"]
    assert event_count(api_app) == before


def test_unknown_fields_and_wrong_types_name_each_bad_field(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/units",
        json={"credit_code": 5, "kind": "factory", "name": "x", "colour": "green"},
        headers=city(),
    )
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"credit_code", "colour"}
    assert "json.credit_code" in response.json["detail"]


def test_malformed_json_is_a_problem(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/units", data="{nope", content_type="application/json", headers=city()
    )
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_without_a_token_a_command_is_unauthorized(client: FlaskClient) -> None:
    response = client.post("/api/v1/units", json={})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")


def test_a_city_may_not_register_a_unit_of_another_city(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/units",
        json={"credit_code": s.credit_code(2), "kind": "factory", "name": "x"},
        headers=city("330200"),
    )
    assert response.status_code == 403
    assert response.json["rules"] == ["ID.3"]


def test_if_match_guards_against_lost_updates(client: FlaskClient) -> None:
    code = s.credit_code(3)
    register(client, code)
    facts = {"facts": s.FACTORY_FACTS, "year": 2025}
    stale = client.post(
        f"/api/v1/units/{code}/cultivation", json=facts, headers={**city(), "If-Match": '"7"'}
    )
    assert stale.status_code == 412
    weak = client.post(  # RFC 9110: If-Match compares strongly, a weak tag never matches
        f"/api/v1/units/{code}/cultivation", json=facts, headers={**city(), "If-Match": 'W/"1"'}
    )
    assert weak.status_code == 412 and "weak" in weak.json["detail"]
    fresh = client.post(
        f"/api/v1/units/{code}/cultivation", json=facts, headers={**city(), "If-Match": '"1"'}
    )
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"2"'


def test_an_idempotent_replay_returns_the_first_response_and_records_nothing(
    api_app: Flask, client: FlaskClient
) -> None:
    code = s.credit_code(4)
    register(client, code)
    headers = {**city(), "Idempotency-Key": "k-1"}
    body = {"facts": s.FACTORY_FACTS, "year": 2025}
    first = client.post(f"/api/v1/units/{code}/cultivation", json=body, headers=headers)
    count = event_count(api_app)
    again = client.post(f"/api/v1/units/{code}/cultivation", json=body, headers=headers)
    assert again.status_code == first.status_code == 200
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert event_count(api_app) == count


def test_history_pages_are_stable(client: FlaskClient) -> None:
    code = s.credit_code(5)
    register(client, code)
    client.post(
        f"/api/v1/units/{code}/cultivation",
        json={"facts": s.FACTORY_FACTS, "year": 2025},
        headers=city(),
    )
    first = client.get(f"/api/v1/units/{code}/history?limit=1", headers=province())
    assert [e["type"] for e in first.json["items"]] == ["UnitRegistered"]
    after = first.json["next_after"]
    second = client.get(f"/api/v1/units/{code}/history?limit=1&after={after}", headers=province())
    assert [e["type"] for e in second.json["items"]] == ["Cultivated"]
    assert second.json["next_after"] is None
    assert enterprise(code)
