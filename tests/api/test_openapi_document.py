"""The OpenAPI document and the answers schemathesis found outside it (test_openapi_contract.py):
errors documented as RFC 9457 problems, bearer auth but on the public routes, a body that is not
JSON named as such, a `wait_for` beyond the log refused at once, and a method no route has
answered 405 (not 401) without a token."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.conftest import event_count, province

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
        "GET /api/v1/announcements",
        "POST /api/v1/complaints",
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
