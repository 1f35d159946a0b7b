"""M21 over HTTP: `GET /api/v1/units/{code}` as of either time. `as_of` alone keeps its meaning
(what the system knew then); `basis=world` reads it as the lists do (what was true then);
`recorded_as_of` with `world_as_of` is what the system knew at the one about the other."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask.testing import FlaskClient

from domain.clock import SettableClock
from domain.service import Greenlist
from simulation import scenarios as s
from tests.api.conftest import city, event_count

PROBLEM = "application/problem+json"
CODE = s.credit_code(31)


def noon(year: int, month: int, day: int) -> str:
    return s.at(date(year, month, day), 12).isoformat()


def accident_entered_late(app: Flask, clock: SettableClock) -> None:
    """Listed in September 2025; a major accident of 10 March 2026 recorded on 10 May."""
    greenlist: Greenlist = app.extensions["greenlist"].service
    s.list_provincially(greenlist, CODE)
    clock.set(datetime.fromisoformat(noon(2026, 5, 10)))
    s.major_accident(greenlist, CODE, date(2026, 3, 10), occurred_at=s.at(date(2026, 3, 10)))


def provincial(client: FlaskClient, **query: str) -> str:
    response = client.get(f"/api/v1/units/{CODE}", query_string=query, headers=city())
    assert response.status_code == 200, response.json
    status: str = response.json["standing"]["provincial"]["status"]
    return status


def test_m21_the_unit_as_of_april_by_recorded_and_by_world_time(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    accident_entered_late(api_app, clock)
    april = noon(2026, 4, 1)
    assert provincial(client, as_of=april) == "listed"
    assert provincial(client, as_of=april, basis="recorded") == "listed"
    assert provincial(client, recorded_as_of=april) == "listed"
    assert provincial(client, as_of=april, basis="world") == "removed"
    assert provincial(client, world_as_of=april) == "removed"
    assert provincial(client, basis="world") == "removed"  # as of now
    assert provincial(client) == "removed"


def test_m21_what_the_system_knew_on_1_may_about_1_april_over_http(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    accident_entered_late(api_app, clock)
    about_april = {"world_as_of": noon(2026, 4, 1)}
    knew_on_1_may = client.get(
        f"/api/v1/units/{CODE}",
        query_string={"recorded_as_of": noon(2026, 5, 1), **about_april},
        headers=city(),
    )
    assert knew_on_1_may.json["standing"]["provincial"]["status"] == "listed"
    assert knew_on_1_may.headers["ETag"] == f'"{knew_on_1_may.json["version"]}"'
    assert provincial(client, recorded_as_of=noon(2026, 5, 11), **about_april) == "removed"


def test_m21_one_way_or_the_other_never_both(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    accident_entered_late(api_app, clock)
    before = event_count(api_app)
    mixed = client.get(
        f"/api/v1/units/{CODE}",
        query_string={"as_of": noon(2026, 4, 1), "basis": "world", "world_as_of": noon(2026, 4, 1)},
        headers=city(),
    )
    assert mixed.status_code == 422 and mixed.content_type == PROBLEM
    assert set(mixed.json["errors"]["query"]) == {"as_of", "basis"}
    assert mixed.json["messages"]["zh"] and mixed.json["messages"]["en"]
    unknown = client.get(f"/api/v1/units/{CODE}?basis=dream", headers=city())
    assert unknown.status_code == 422 and set(unknown.json["errors"]["query"]) == {"basis"}
    too_early = client.get(
        f"/api/v1/units/{CODE}", query_string={"world_as_of": noon(2024, 1, 1)}, headers=city()
    )
    assert too_early.status_code == 404 and too_early.content_type == PROBLEM
    assert event_count(api_app) == before
