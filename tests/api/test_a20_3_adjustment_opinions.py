"""A20.3 over HTTP: the city's adjustment opinions travel with its annual recommendations
(POST /api/v1/rounds/{level}/{year}/adjustment-opinions): sent by 30 June (A14.1), applied at
the annual publication; another city's unit is out of reach (ID.3)."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from domain.values import Level
from simulation import scenarios as s
from tests.api.conftest import city, event_count
from tests.api.test_dynamic import refused, service

URL = "/api/v1/rounds/provincial/2026/adjustment-opinions"
NEW_NAME = "绿能科技有限公司"


def confirmed_rename(api_app: Flask) -> tuple[str, str]:
    """A Hangzhou provincial factory renamed in 2025, confirmed by its city; the 2026 round open."""
    app, code = service(api_app), s.credit_code(71)
    s.list_provincially(app, code)
    receipt = app.declare_change(
        s.enterprise_actor(code), code, "name", "更名", NEW_NAME, s.at(date(2025, 10, 1))
    )
    change_id = str(receipt.details["change_id"])
    app.recheck_change(s.city_actor(), code, change_id, True, True, s.at(date(2025, 10, 15)))
    s.ensure_round(app, Level.PROVINCIAL, 2026)
    return code, change_id


def test_a20_3_the_citys_opinion_is_sent_by_30_june_and_applied_at_the_publication(
    api_app: Flask, client: FlaskClient
) -> None:
    code, change_id = confirmed_rename(api_app)
    opinion = {
        "credit_code": code,
        "change_ids": [change_id],
        "action": "rename",
        "reasons": "更名",
    }
    late = {"opinions": [opinion], "occurred_at": "2026-07-01T09:00:00+08:00"}
    before = event_count(api_app)
    refused(client.post(URL, json=late, headers=city()), 422, ["A14.1", "A20.3"])
    body = {"opinions": [opinion], "occurred_at": "2026-06-01T09:00:00+08:00"}
    assert client.post(URL, json=body, headers=city("330200")).status_code == 403
    assert event_count(api_app) == before
    sent = client.post(URL, json=body, headers=city())
    assert sent.status_code == 200, sent.json
    refused(client.post(URL, json=body, headers=city()), 422, ["A20.3"])  # once per change
    s.annual_publication(service(api_app), 2026)
    (adjusted,) = [e for e in service(api_app).unit_history(code) if e.type == "ListingAdjusted"]
    assert adjusted.data == {"level": "provincial", "name": NEW_NAME}
