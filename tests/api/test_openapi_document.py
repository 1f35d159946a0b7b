"""The OpenAPI document and the answers schemathesis found outside it (test_openapi_contract.py):
errors documented as RFC 9457 problems, bearer auth but on the public routes, a body that is not
JSON named as such, a `wait_for` beyond the log refused at once, and a method no route has
answered 405 (not 401) without a token."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from simulation import scenarios as s
from tests.api.conftest import city, event_count, province

PROBLEM = "application/problem+json"


@pytest.mark.stores("memory")
def test_every_error_is_documented_as_a_problem_and_every_operation_but_the_public_needs_a_token(
    client: FlaskClient,
) -> None:
    spec = client.get("/api/openapi.json").json
    assert spec is not None
    responses = spec["components"]["responses"]
    for name in ("DEFAULT_ERROR", "UNPROCESSABLE_ENTITY"):
        assert list(responses[name]["content"]) == [PROBLEM]
        assert responses[name]["content"][PROBLEM]["schema"]["$ref"].endswith("/Problem")
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "rules", "messages"}
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    public = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert "default" in operation["responses"]
            if operation["security"] == []:
                public.add(f"{method.upper()} {path}")
            else:
                assert operation["security"] == [{"bearer": []}]
    assert public == {
        "GET /api/v1/lists/{level}",
        "GET /api/v1/lists/{level}/changes",
        "GET /api/v1/announcements",
        "GET /api/v1/agencies/performance",
        "GET /api/v1/log/checkpoint",
        "GET /api/v1/log/proof/consistency",
        "POST /api/v1/complaints",
        "GET /api/v1/notices",
        "GET /api/v1/notices/{level}/{year}",
        "POST /api/v1/notices/{level}/{year}/objections",
        "GET /api/v1/rules",
        "GET /api/v1/rules/{code}",
    }


def test_a_body_that_is_not_json_is_named_as_the_body_not_as_a_field(
    api_app: Flask, client: FlaskClient
) -> None:
    before = event_count(api_app)
    response = client.post(
        "/api/v1/units", data="\x00", headers=province(), content_type="application/json"
    )
    assert response.status_code == 400 and response.content_type == PROBLEM
    assert response.json is not None
    assert response.json["errors"] == {"json": {"_schema": ["Invalid JSON body."]}}
    assert response.json["detail"] == "invalid input: json"
    assert response.json["messages"]["zh"] == "输入无效：json"
    assert event_count(api_app) == before


def test_a_wait_for_beyond_the_log_is_refused_at_once_not_waited_for(
    api_app: Flask, client: FlaskClient
) -> None:
    api_app.extensions["greenlist"].wait_timeout = 5.0
    head = event_count(api_app)
    started = time.monotonic()
    response = client.get(f"/api/v1/lists/provincial?wait_for={head + 1}")
    assert time.monotonic() - started < 2.0
    assert response.status_code == 422 and response.content_type == PROBLEM
    assert response.json is not None and list(response.json["errors"]["query"]) == ["wait_for"]
    assert response.json["messages"]["zh"] and response.json["messages"]["en"]


@pytest.mark.stores("memory")
def test_a_method_or_path_that_routes_nowhere_is_405_or_404_with_or_without_a_token(
    client: FlaskClient,
) -> None:
    for headers in ({}, province()):
        wrong = client.delete("/api/v1/lists/provincial", headers=headers)
        assert wrong.status_code == 405 and wrong.content_type == PROBLEM
        assert set(wrong.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
        assert client.get("/api/v1/nowhere", headers=headers).status_code == 404
    unauthorized = client.get("/api/v1/units/91330100MA2H3K4P79")
    assert unauthorized.status_code == 401
    assert unauthorized.headers["WWW-Authenticate"] == "Bearer"


CREATES = {
    "/api/v1/units",
    "/api/v1/rounds",
    "/api/v1/agencies",
    "/api/v1/complaints",
    "/api/v1/notices/{level}/{year}/objections",
}
"""The commands that create a record of their own (POST to a collection): nothing to If-Match."""
LOCATED = {"/api/v1/units", "/api/v1/rounds", "/api/v1/agencies"}
"""The creations answered with the Location of the record created."""


@pytest.mark.stores("memory")
def test_every_command_documents_its_request_and_response_headers(client: FlaskClient) -> None:
    """Idempotency-Key on every command, If-Match on every command acting on a record that
    exists, ETag on every command's answer and Location where the command sets one; ETag on the
    reads of one unit and one round."""
    spec = client.get("/api/openapi.json").json
    assert spec is not None
    commands = {
        (method, path): operation
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put") and path != "/api/v1/test/clock"
    }
    assert len(commands) > 30
    disclosures = {k for k in commands if k[1].endswith("/disclosures")}
    assert len(disclosures) == 2
    for method, path in disclosures:  # issue 14: never replayed, never cached (no key, no ETag)
        operation = commands.pop((method, path))
        assert not [p for p in operation.get("parameters", []) if p["in"] == "header"]
    for (method, path), operation in commands.items():
        sent = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert set(sent) == {"Idempotency-Key"} | (set() if path in CREATES else {"If-Match"})
        assert not any(p["required"] for p in sent.values())
        assert all(p["schema"] == {"type": "string"} and p["description"] for p in sent.values())
        (success,) = [status for status in operation["responses"] if status.startswith("2")]
        answered = operation["responses"][success]["headers"]
        assert answered["ETag"]["required"] is True
        assert answered["Idempotent-Replayed"]["required"] is False
        assert ("Location" in answered) == (path in LOCATED), (method, path)
    for read in ("/api/v1/units/{code}", "/api/v1/rounds/{level}/{year}"):
        assert spec["paths"][read]["get"]["responses"]["200"]["headers"]["ETag"]["required"]


def test_the_documented_headers_are_the_ones_answered(api_app: Flask, client: FlaskClient) -> None:
    code = s.credit_code(71)
    key = {"Idempotency-Key": f"doc-{code}"}
    body = {"credit_code": code, "kind": "factory", "name": "文档工厂"}
    registered = client.post("/api/v1/units", json=body, headers={**province(), **key})
    assert registered.status_code == 201, registered.json
    assert registered.headers["ETag"] == '"1"'
    assert registered.headers["Location"] == f"/api/v1/units/{code}"
    replayed = client.post("/api/v1/units", json=body, headers={**province(), **key})
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert (replayed.headers["ETag"], replayed.headers["Location"]) == (
        '"1"',
        f"/api/v1/units/{code}",
    )
    read = client.get(f"/api/v1/units/{code}", headers=province())
    assert read.headers["ETag"] == '"1"'
    cultivated = client.post(
        f"/api/v1/units/{code}/cultivation",
        json={"year": 2025, "facts": s.FACTORY_FACTS},
        headers={**city(), "If-Match": read.headers["ETag"]},
    )
    assert cultivated.status_code == 200, cultivated.json
    assert cultivated.headers["ETag"] == '"2"' and "Location" not in cultivated.headers
