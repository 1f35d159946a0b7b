"""No act dated in the future, over HTTP (issue 9, item 3): a command whose `occurred_at` is
later than the instant it is recorded (beyond a few seconds of clock skew) is a 422
problem+json naming the rules it would have dodged, with messages in Chinese and English, and
nothing is recorded. The story is set up through the service with the clock following each
act (tests/on_time.py); then the clock stays where the test puts it (`plain`), as a real
server's does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import Level, local_midnight
from simulation import scenarios as s
from tests.api.conftest import city, enterprise, event_count, province, token
from tests.api.selection import ROUNDS, under_notice

P = Level.PROVINCIAL


def plain(api_app: Flask) -> Greenlist:
    """From here on the app's service is the service itself: its clock moves only when the
    test moves it."""
    context = api_app.extensions["greenlist"]
    context.service = getattr(context.service, "unwrapped", context.service)
    service: Greenlist = context.service
    return service


def iso(instant: datetime) -> str:
    return instant.isoformat()


def refused_as_future(api_app: Flask, before: int, response: Any, *rules: str) -> None:
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    body = response.json
    assert body["status"] == 422 and body["rules"] == list(rules)
    assert "dated in the future" in body["messages"]["en"] == body["detail"]
    assert "不得记录尚未发生的事项" in body["messages"]["zh"]
    assert event_count(api_app) == before


def test_a_publication_before_the_notice_s_end_is_a_422(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    code = under_notice(api_app, 71)  # last day 15 September 2025
    service = plain(api_app)
    service.cosign_publication(s.NDRC, P, 2025, "ndrc")
    service.cosign_publication(s.ECO_ENV, P, 2025, "eco_env")
    clock.set(s.at(date(2025, 9, 12)))
    before = event_count(api_app)
    url = f"{ROUNDS}/publication"
    body = {"occurred_at": iso(s.at(date(2025, 9, 16)))}
    refused_as_future(
        api_app, before, client.post(url, json=body, headers=province()), "A16.1", "A16.2"
    )
    assert service.get_unit(code).status(P) == "under_notice"
    clock.set(s.at(date(2025, 9, 16)))
    done = client.post(url, json=body, headers=province())
    assert done.status_code == 200, done.json
    assert service.get_unit(code).status(P) == "listed"


def test_a_form_marked_overdue_before_16_april_is_a_422(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    code = s.credit_code(72)
    s.list_provincially(api_app.extensions["greenlist"].service, code)
    service = plain(api_app)
    clock.set(s.at(date(2026, 4, 10)))
    before = event_count(api_app)
    url = f"/api/v1/units/{code}/dynamic-forms/provincial/2025/overdue"
    body = {"occurred_at": iso(local_midnight(date(2026, 4, 16)))}
    refused_as_future(
        api_app, before, client.post(url, json=body, headers=province()), "A18", "A19.2"
    )
    assert service.get_unit(code).forms == {}
    form = {"indicators": {"energy_per_output": 0.41}}
    submitted = client.post(
        f"/api/v1/units/{code}/dynamic-forms", json={**form, "level": "provincial", "year": 2025},
        headers=enterprise(code),
    )  # fmt: skip
    assert submitted.status_code == 201, submitted.json
    assert service.get_unit(code).forms == {"provincial/2025": "submitted"}


def test_an_11th_provincial_report_dated_into_next_year_is_a_422(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    wrapped = api_app.extensions["greenlist"].service
    agency = s.register_agency(wrapped, 73, "郑十")
    codes = [s.credit_code(740 + i) for i in range(11)]
    for code in codes:
        s.register_and_cultivate(wrapped, code)

    def body(year: int, when: datetime) -> dict[str, Any]:
        digest = s.report_hash(f"{year}/{when.isoformat()}")
        return {"level": "provincial", "year": year, "content_hash": digest, "score": 88.0,
                "passed": True, "occurred_at": iso(when)}  # fmt: skip

    headers = token("agency", "330100", agency=agency)
    for code in codes[:10]:
        when = s.at(date(2025, 2, 1))
        answer = client.post(
            f"/api/v1/units/{code}/evaluations", json=body(2025, when), headers=headers
        )
        assert answer.status_code == 201, answer.json
    service = plain(api_app)
    clock.set(s.at(date(2025, 12, 31), 20))
    before = event_count(api_app)
    url, new_year = f"/api/v1/units/{codes[10]}/evaluations", s.at(date(2026, 1, 1), 9)
    refused_as_future(
        api_app,
        before,
        client.post(url, json=body(2026, new_year), headers=headers),
        "A12",
        "A22.3",
    )
    assert service.quota_used(s.representative_id("郑十"), 2026)["provincial"] == 0
    assert service.quota_used(s.representative_id("郑十"), 2025)["provincial"] == 10


def test_four_seconds_ahead_are_accepted_six_are_a_422(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    plain(api_app)
    now = datetime(2025, 1, 10, 2, 0, tzinfo=UTC)
    clock.set(now)
    before = event_count(api_app)

    def register(serial: int, ahead: int) -> Any:
        body = {"credit_code": s.credit_code(serial), "kind": "factory", "name": "钟表厂",
                "occurred_at": iso(now + timedelta(seconds=ahead))}  # fmt: skip
        return client.post("/api/v1/units", json=body, headers=city())

    refused_as_future(api_app, before, register(75, 6), "ID.1", "ID.2")
    accepted = register(76, 4)
    assert accepted.status_code == 201, accepted.json
    assert event_count(api_app) == before + 1
