"""A13.2 over HTTP: PUT /rounds/{level}/{year}/quotas/{city} takes either the formula's
`inputs` (the quota is derived, the inputs recorded) or a `quota` with a `justification` (set
by hand); without the justification, with both or neither, or with inputs the formula cannot
weigh, the answer is 422 problem+json in Chinese and English and nothing is recorded. The
OpenAPI document describes both ways."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from domain.aggregates.round import round_id
from domain.events import round as ro
from tests.api.conftest import event_count, province
from tests.api.selection import PROVINCIAL, ROUNDS, on, refused, service

QUOTAS = {"330100": 2, "330200": 1}
URL = f"{ROUNDS}/quotas/330200"
INPUTS = {"previous_rate": 0.5, "pool_size": 31, "base": 3}
WHY = "宁波市梯度培育体系扩充 / Ningbo's cultivation system grew"


def open_round(client: FlaskClient) -> None:
    body = {"level": "provincial", "year": 2025, "quotas": QUOTAS, "occurred_at": on(3, 1)}
    assert client.post("/api/v1/rounds", json=body, headers=province()).status_code == 201


def test_a13_2_the_province_derives_a_quota_from_its_inputs(
    api_app: Flask, client: FlaskClient
) -> None:
    open_round(client)
    done = client.put(URL, json={"inputs": INPUTS, "occurred_at": on(3, 2)}, headers=province())
    assert done.status_code == 200, done.json
    assert done.json["details"] == {"basis": "derived", "quota": 6}  # 3 × 1 + 31 // 10
    assert client.get(ROUNDS, headers=province()).json["quotas"]["330200"] == 6
    events = service(api_app).events.get(round_id(PROVINCIAL, 2025))
    (event,) = [e for e in events if isinstance(e, ro.QuotaSet)]
    assert event.basis == "derived" and {**event.inputs, "formula": None} == {
        **INPUTS,
        "formula": None,
    }


def test_a13_2_a_quota_set_by_hand_needs_a_justification(
    api_app: Flask, client: FlaskClient
) -> None:
    open_round(client)
    before = event_count(api_app)
    refused(api_app, before, client.put(URL, json={"quota": 5}, headers=province()), 422, "A13.2")
    done = client.put(URL, json={"quota": 5, "justification": WHY}, headers=province())
    assert done.status_code == 200 and done.json["details"] == {"basis": "manual", "quota": 5}
    events = service(api_app).events.get(round_id(PROVINCIAL, 2025))
    (event,) = [e for e in events if isinstance(e, ro.QuotaSet)]
    assert (event.basis, event.justification, event.exceptions) == ("manual", WHY, ["A13.2"])


def test_a13_2_one_basis_and_inputs_the_formula_can_weigh(
    api_app: Flask, client: FlaskClient
) -> None:
    open_round(client)
    before = event_count(api_app)
    bodies = [
        {},
        {"quota": 5, "justification": WHY, "inputs": INPUTS},
        {"inputs": {**INPUTS, "previous_rate": 1.2}},
        {"inputs": {**INPUTS, "previous_rate": "0.5"}},
        {"inputs": {"previous_rate": 0.5}},
        {"inputs": {**INPUTS, "base": -1}},
    ]
    for body in bodies:
        answer = client.put(URL, json=body, headers=province())
        refused(api_app, before, answer, 422)
        assert answer.json is not None and "errors" in answer.json, body
    zero = client.put(
        URL, json={"inputs": {**INPUTS, "base": 0, "pool_size": 0}}, headers=province()
    )
    assert zero.status_code == 200 and zero.json["details"]["quota"] == 0


def test_a13_2_the_openapi_document_describes_both_bases(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").json
    schema = spec["components"]["schemas"]["SetQuota"]
    assert {"inputs", "quota", "justification"} <= set(schema["properties"])
    described = {name: str(field) for name, field in schema["properties"].items()}
    assert "A13.2" in described["inputs"] and "A13.2" in described["justification"]
    inputs = spec["components"]["schemas"]["QuotaInputs"]
    assert set(inputs["required"]) == {"previous_rate", "pool_size", "base"}
    assert inputs["properties"]["previous_rate"]["maximum"] == 1
    operation = spec["paths"]["/api/v1/rounds/{level}/{year}/quotas/{city}"]["put"]
    words = operation.get("summary", "") + operation["description"]
    assert "derived" in words and "by hand" in words and "justification" in words
