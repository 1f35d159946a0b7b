"""GET /metrics: Prometheus text, public, one registry per app."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from api.metrics import reporting_year
from domain.values import Level
from greenlist.scheduling import sweeper_for
from simulation import scenarios as s
from tests.api.conftest import city, token


def samples(client: FlaskClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def test_requests_are_counted_and_timed_by_endpoint_and_status(client: FlaskClient) -> None:
    code = s.credit_code(3)
    body = {"credit_code": code, "kind": "factory", "name": "计量厂"}
    assert client.post("/api/v1/units", json=body, headers=city()).status_code == 201
    assert client.post("/api/v1/units", json=body, headers=city()).status_code == 409
    assert client.get(f"/api/v1/units/{code}").status_code == 401
    assert client.get("/nowhere", headers=token("auditor")).status_code == 404
    found = samples(client)
    rule = "/api/v1/units/<string:code>"
    post = (("endpoint", "/api/v1/units"), ("method", "POST"))
    assert found[("greenlist_http_requests_total", (*post, ("status", "201")))] == 1
    assert found[("greenlist_http_requests_total", (*post, ("status", "409")))] == 1
    unauthorised = (("endpoint", rule), ("method", "GET"), ("status", "401"))
    assert found[("greenlist_http_requests_total", unauthorised)] == 1
    assert found[("greenlist_http_request_duration_seconds_count", unauthorised)] == 1
    unmatched = (("endpoint", "unmatched"), ("method", "GET"), ("status", "404"))
    assert found[("greenlist_http_requests_total", unmatched)] == 1
    created = ("greenlist_http_request_duration_seconds_count", (*post, ("status", "201")))
    assert found[created] == 1


def test_projection_lag_follows_the_log(api_app: Flask, client: FlaskClient) -> None:
    s.register_and_cultivate(api_app.extensions["greenlist"].service, s.credit_code(4))
    runner = api_app.extensions["greenlist_runner"]
    names = [p.name for p in runner.projections]
    behind = samples(client)
    assert {behind[("greenlist_projection_lag_events", (("projection", n),))] for n in names} == {
        2.0
    }
    runner.catch_up()
    caught_up = samples(client)
    assert all(
        caught_up[("greenlist_projection_lag_events", (("projection", n),))] == 0 for n in names
    )
    assert ("greenlist_deadlines_due", (("kind", "dynamic_form"),)) in caught_up
    assert ("greenlist_deadlines_due", (("kind", "rereview"),)) in caught_up


def test_metrics_are_public_and_each_app_has_its_own_registry(
    api_app: Flask, client: FlaskClient
) -> None:
    assert client.get("/health", headers=token("auditor")).status_code == 200
    first = samples(client)
    health = (("endpoint", "/health"), ("method", "GET"), ("status", "200"))
    assert first[("greenlist_http_requests_total", health)] == 1
    # a second app in the same process starts from zero (no shared default registry)
    other = Flask("other")
    from api.metrics import install_metrics

    install_metrics(other)
    fresh = other.test_client().get("/metrics").get_data(as_text=True)
    assert 'endpoint="/health"' not in fresh


def test_the_reporting_year_is_that_of_the_next_15_april() -> None:
    assert reporting_year(date(2026, 4, 15)) == 2025
    assert reporting_year(date(2026, 4, 16)) == 2026
    assert reporting_year(date(2026, 1, 1)) == 2025


def test_deadlines_no_scheduler_has_acted_on_are_exposed(
    api_app: Flask, client: FlaskClient
) -> None:
    """A round's window (A14.1) past 1 July with no scheduler running shows as waiting; once a
    scheduler acted and the read model caught up, it no longer does."""
    context = api_app.extensions["greenlist"]
    s.ensure_round(context.service, Level.PROVINCIAL, 2025)
    context.service.clock.set(s.at(date(2025, 7, 2)))
    api_app.extensions["greenlist_runner"].catch_up()
    window = ("greenlist_scheduler_waiting_deadlines", (("kind", "window"),))
    assert samples(client)[window] == 1
    sweeper_for(context.service, context.views).run_today()
    api_app.extensions["greenlist_runner"].catch_up()
    assert samples(client)[window] == 0
