"""Set-up for the selection tests: units driven to a stage through the service (the endpoint
under test is then exercised over HTTP), dates of the 2025 round, and the refusal check."""

from __future__ import annotations

from datetime import date

from flask import Flask
from werkzeug.test import TestResponse

from domain.service import Greenlist
from domain.values import Level
from simulation import scenarios as s
from tests.api.conftest import event_count

ROUNDS = "/api/v1/rounds/provincial/2025"
PROVINCIAL = Level.PROVINCIAL


def on(month: int, day: int, hour: int = 10) -> str:
    """An instant of 2025 in Asia/Shanghai, as `occurred_at`."""
    return s.at(date(2025, month, day), hour).isoformat()


def service(api_app: Flask) -> Greenlist:
    svc: Greenlist = api_app.extensions["greenlist"].service
    return svc


def candidate(api_app: Flask, serial: int, city: str = "330100", municipal: bool = True) -> str:
    """Registered, cultivated, evaluated and (unless told) on the municipal list (A13.1), with
    the provincial round of 2025 open (quota 10 a city): ready to be nominated."""
    svc = service(api_app)
    code = s.credit_code(serial, city)
    s.prepare_candidate(svc, code)
    if municipal:
        s.list_municipally(svc, code)
    return code


def nominated(api_app: Flask, serial: int) -> str:
    code = candidate(api_app, serial)
    service(api_app).nominate(
        s.city_actor(), code, PROVINCIAL, 2025, occurred_at=s.at(date(2025, 6, 1))
    )
    return code


def reviewed(api_app: Flask, serial: int) -> str:
    """Past the preliminary and expert reviews (A15.1, A15.2)."""
    code = candidate(api_app, serial)
    s.ensure_experts(service(api_app), 3)
    s.nominate_and_review(service(api_app), code, PROVINCIAL, 2025)
    return code


def under_notice(api_app: Flask, serial: int) -> str:
    """Reviewed, no site sample, and under the notice opened on 1 September (last day the
    15th, A16.1)."""
    code = reviewed(api_app, serial)
    svc = service(api_app)
    svc.draw_site_sample(s.PROVINCE_ACTOR, PROVINCIAL, 2025, 0, occurred_at=s.at(date(2025, 8, 1)))
    svc.open_public_notice(s.PROVINCE_ACTOR, PROVINCIAL, 2025, occurred_at=s.at(date(2025, 9, 1)))
    return code


def refused(api_app: Flask, before: int, response: TestResponse, status: int, *rules: str) -> None:
    """A refusal: problem+json with its rule codes and both messages, and nothing recorded."""
    assert response.status_code == status, response.json
    assert response.content_type == "application/problem+json"
    assert response.json is not None
    if rules:
        assert response.json["rules"] == list(rules)
    assert response.json["messages"]["zh"] and response.json["messages"]["en"]
    assert event_count(api_app) == before
