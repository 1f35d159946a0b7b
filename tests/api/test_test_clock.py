"""PUT /api/v1/test/clock: only with GREENLIST_TEST_CLOCK=1, only forward."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.clock import SettableClock
from domain.values import Level
from greenlist.web import make_app
from simulation import scenarios as s
from tests.api.conftest import SECRET, city, event_count, province, token

CLOCK = "/api/v1/test/clock"


@pytest.fixture
def clocked_app(
    store_url: str, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    monkeypatch.setenv("GREENLIST_JWT_SECRET", SECRET)
    monkeypatch.setenv("GREENLIST_TEST_CLOCK", "1")
    app = make_app(store_url, clock, follow=False)
    yield app
    app.extensions["greenlist"].service.close()


@pytest.fixture
def clocked(clocked_app: Flask) -> FlaskClient:
    return clocked_app.test_client()


def test_without_the_setting_the_endpoint_does_not_exist(client: FlaskClient) -> None:
    response = client.put(CLOCK, json={"now": "2025-06-01T09:00:00+08:00"})
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert "/api/v1/test/clock" not in client.get("/api/openapi.json").json["paths"]


def test_the_province_sets_the_clock_and_acts_are_recorded_then(
    clocked_app: Flask, clocked: FlaskClient
) -> None:
    assert "/api/v1/test/clock" in clocked.get("/api/openapi.json").json["paths"]
    response = clocked.put(CLOCK, json={"now": "2025-06-01T09:00:00+08:00"}, headers=province())
    assert response.status_code == 200, response.json
    assert response.json["now"] == "2025-06-01T01:00:00+00:00"
    code = s.credit_code(7)
    registered = clocked.post(
        "/api/v1/units",
        json={"credit_code": code, "kind": "factory", "name": "钟表厂"},
        headers=city(),
    )
    assert registered.status_code == 201, registered.json
    history = clocked.get(f"/api/v1/units/{code}/history", headers=token("auditor")).json
    recorded_at = history["items"][0]["recorded_at"]
    assert recorded_at.startswith("2025-06-01T09:00:00") and recorded_at.endswith("+08:00")


def test_the_clock_does_not_move_backwards(clocked_app: Flask, clocked: FlaskClient) -> None:
    assert (
        clocked.put(
            CLOCK, json={"now": "2025-06-01T09:00:00+08:00"}, headers=province()
        ).status_code
        == 200
    )
    before = event_count(clocked_app)
    response = clocked.put(CLOCK, json={"now": "2025-05-31T09:00:00+08:00"}, headers=province())
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.json["messages"]["zh"] and "forward" in response.json["messages"]["en"]
    clock = clocked_app.extensions["greenlist"].service.clock
    assert clock.now().isoformat().startswith("2025-06-01T01:00:00")
    assert event_count(clocked_app) == before


def test_the_instant_is_required_with_its_offset(clocked: FlaskClient) -> None:
    for body in ({}, {"now": "2025-06-01T09:00:00"}, {"now": "soon"}, {"now": "x", "y": 1}):
        response = clocked.put(CLOCK, json=body, headers=province())
        assert response.status_code == 422, body
        assert response.content_type == "application/problem+json"
        assert "now" in response.json["errors"]["json"]


@pytest.mark.parametrize(
    "instant", ["9999-12-31T23:59:59-14:00", "2101-01-01T00:00:00+08:00", "1999-12-31T00:00:00Z"]
)
def test_an_instant_out_of_range_is_refused(
    clocked_app: Flask, clocked: FlaskClient, instant: str
) -> None:
    """Issue 9 item 7: the first parsed, then overflowed in UTC (a 500); the years of
    `occurred_at` (2000-2100) bound the clock too."""
    before = event_count(clocked_app)
    response = clocked.put(CLOCK, json={"now": instant}, headers=province())
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    assert "now" in response.json["errors"]["json"]
    assert event_count(clocked_app) == before


def test_moving_the_clock_runs_what_fell_due_before_it_returns(
    clocked_app: Flask, clocked: FlaskClient
) -> None:
    """The scheduler catches up with the test clock: the 2025 round's window (A14.1) closes
    with its logical date when the clock passes 1 July, within the clock call."""
    service = clocked_app.extensions["greenlist"].service
    march = clocked.put(CLOCK, json={"now": "2025-03-01T10:00:00+08:00"}, headers=province())
    assert march.json["handled"] == []
    s.ensure_round(service, Level.PROVINCIAL, 2025)  # stated 1 March 10:00, the clock's instant
    before = event_count(clocked_app)
    june = clocked.put(CLOCK, json={"now": "2025-06-30T23:59:59+08:00"}, headers=province())
    assert june.json["handled"] == [] and event_count(clocked_app) == before
    july = clocked.put(CLOCK, json={"now": "2025-07-01T00:00:01+08:00"}, headers=province())
    assert [(h["kind"], h["due_on"], h["result"]) for h in july.json["handled"]] == [
        ("window", "2025-07-01", "recorded")
    ]
    assert event_count(clocked_app) == before + 1
    again = clocked.put(CLOCK, json={"now": "2025-07-02T09:00:00+08:00"}, headers=province())
    assert again.json["handled"] == [] and event_count(clocked_app) == before + 1


def test_only_the_province_moves_the_clock(clocked_app: Flask, clocked: FlaskClient) -> None:
    """Moving the clock runs every act that falls due (issue 9, item 9): not for anyone."""
    clock = clocked_app.extensions["greenlist"].service.clock
    before = clock.now()
    body = {"now": "2030-01-01T00:00:00+08:00"}
    assert clocked.put(CLOCK, json=body).status_code == 401
    for headers in (city(), token("auditor"), token("inspector")):
        response = clocked.put(CLOCK, json=body, headers=headers)
        assert response.status_code == 403, response.json
        assert response.content_type == "application/problem+json"
    assert clock.now() - before < timedelta(seconds=1)
