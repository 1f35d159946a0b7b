"""GET /api/v1/deadlines: what falls due and how it was settled, for authenticated readers."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from domain.values import Level
from greenlist.scheduling import sweeper_for
from simulation import scenarios as s
from tests.api.conftest import token


def test_deadlines_show_what_is_due_and_who_settled_it(api_app: Flask, client: FlaskClient) -> None:
    context = api_app.extensions["greenlist"]
    s.ensure_round(context.service, Level.PROVINCIAL, 2025)
    api_app.extensions["greenlist_runner"].catch_up()
    assert client.get("/api/v1/deadlines").status_code == 401
    open_rows = client.get("/api/v1/deadlines", headers=token("inspector")).json
    assert [(r["kind"], r["rule"], r["due_on"]) for r in open_rows["items"]] == [
        ("window", "A14.1", "2025-07-01")
    ]
    context.service.clock.set(s.at(date(2025, 7, 1)))
    sweeper_for(context.service, context.views).run_today()
    api_app.extensions["greenlist_runner"].catch_up()
    done = client.get("/api/v1/deadlines?status=done", headers=token("auditor")).json
    assert [(r["kind"], r["settled_by"]) for r in done["items"]] == [
        ("window", "NominationWindowClosed")
    ]
    assert client.get("/api/v1/deadlines?status=open", headers=token("auditor")).json["items"] == []
    bad = client.get("/api/v1/deadlines?kind=weekly", headers=token("auditor"))
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"
