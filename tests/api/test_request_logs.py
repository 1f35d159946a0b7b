"""Structured logs (issue 13 item 5): one JSON line per request and per command, Chinese as
written, a request id echoed back in X-Request-ID, and nothing of a reporter in any line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.request_log import log_json_lines
from simulation import scenarios as s
from tests.api.conftest import city, token
from tests.api.test_agencies_complaints import REPORTER, report, service

pytestmark = pytest.mark.stores("memory")


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """The JSON lines as `greenlist serve` writes them (its stderr handler), here to a buffer."""
    parent = logging.getLogger("greenlist.json")
    saved = (parent.handlers[:], parent.level, parent.propagate)
    parent.handlers = []
    buffer = io.StringIO()
    log_json_lines(buffer)
    log_json_lines(buffer)  # once per process, however often asked
    yield buffer
    parent.handlers, parent.level, parent.propagate = saved


def records(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_each_request_and_command_is_one_json_line_with_its_request_id(
    client: FlaskClient, lines: io.StringIO
) -> None:
    code = s.credit_code(5)
    body = {"credit_code": code, "kind": "factory", "name": "绿色工厂"}
    headers = {**city(), "X-Request-ID": "trace-42"}
    created = client.post("/api/v1/units", json=body, headers=headers)
    assert created.status_code == 201 and created.headers["X-Request-ID"] == "trace-42"
    command, request = records(lines)
    assert command == {
        "log": "command",
        "request_id": "trace-42",
        "act": "register_unit",
        "actor": "city-330100",
        "role": "city",
        "region": "330100",
        "aggregate": "Unit",
        "aggregate_id": created.json["id"],
        "version": 1,
        "position": created.json["position"],
        "rules": command["rules"],
    }
    assert command["rules"] and all(isinstance(c, str) for c in command["rules"])
    assert request["log"] == "request" and request["request_id"] == "trace-42"
    assert (request["method"], request["route"], request["status"]) == (
        "POST",
        "/api/v1/units",
        201,
    )
    assert request["actor"] == "city-330100" and request["duration_ms"] >= 0

    lines.truncate(0)
    lines.seek(0)
    refused = client.get("/api/v1/units/nope", headers={"X-Request-ID": "bad id;" + "x" * 200})
    generated = refused.headers["X-Request-ID"]
    assert len(generated) == 32 and generated.isalnum()
    (line,) = records(lines)
    assert line["request_id"] == generated and line["status"] == 401 and line["actor"] is None


def test_chinese_is_written_as_is_and_a_reporter_never_reaches_the_logs(
    api_app: Flask, client: FlaskClient, lines: io.StringIO
) -> None:
    code = s.credit_code(71)
    s.list_provincially(service(api_app), code)
    lines.truncate(0)
    lines.seek(0)
    filer = s.credit_code(72, "330200")
    headers = token("enterprise", "330200", uscc=filer, sub="filer-7")
    for sent in ({}, headers):  # as the public, and with an enterprise's token
        filed = client.post("/api/v1/complaints", json=report(code), headers=sent)
        assert filed.status_code == 201, filed.json
    text = lines.getvalue()
    assert [r["log"] for r in records(lines)] == ["command", "request"] * 2
    assert all(r["actor"] is None and r["region"] is None for r in records(lines))
    assert filer not in text and "filer-7" not in text and "127.0.0.1" not in text
    for value in REPORTER.values():
        assert str(value) not in text
    assert "夜间偷排废水" not in text
    client.get("/api/v1/lists/provincial?city=330100")
    assert "\\u" not in lines.getvalue()
    client.get("/api/v1/lists/%E7%BB%BF")  # a Chinese path: no route, as written in the line
    assert "/api/v1/lists/绿" in lines.getvalue()
