"""A stranger's first hour (issue 13 item 6): a misspelt or invented query parameter is a 422
naming it, never silently ignored; a plain date stands for a day in Asia/Shanghai wherever an
instant is asked (`as_of` the end of that day, `since` its start, `until` the whole day)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask.testing import FlaskClient

from domain.clock import SettableClock
from domain.values import SHANGHAI
from simulation import scenarios as s
from tests.api.conftest import city, token
from tests.api.test_reads import catch_up, codes, listed_then_removed, service

PROBLEM = "application/problem+json"


def test_an_unknown_filter_on_the_audit_trail_is_refused_naming_it(client: FlaskClient) -> None:
    refused = client.get("/api/v1/audit-trail?role=inspector", headers=token("auditor"))
    assert refused.status_code == 422 and refused.content_type == PROBLEM
    assert refused.json["errors"] == {"query": {"role": ["Unknown field."]}}
    assert "role" in refused.json["messages"]["en"] and "role" in refused.json["messages"]["zh"]
    assert "actor" in refused.json["detail"]  # what the read does take
    assert client.get("/api/v1/audit-trail?actor=x", headers=token("auditor")).status_code == 200


def test_every_read_refuses_parameters_it_does_not_take(client: FlaskClient) -> None:
    lists = client.get("/api/v1/lists/provincial?as_of=2025-12-31&colour=green&level=x")
    assert lists.status_code == 422
    assert set(lists.json["errors"]["query"]) == {"colour", "level"}
    rules = client.get("/api/v1/announcements?since=2025-01-01&sort=asc")
    assert rules.status_code == 422 and list(rules.json["errors"]["query"]) == ["sort"]
    unit = client.get("/api/v1/units/91330100MA2H3K4P79?asof=2025-01-01", headers=token("province"))
    assert unit.status_code == 422 and list(unit.json["errors"]["query"]) == ["asof"]


def test_a_plain_date_as_of_means_the_end_of_that_day_in_shanghai(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    code = s.credit_code(1)
    listed_then_removed(api_app, clock, code)  # listed by the publication of 16 September 2025
    day_before = client.get("/api/v1/lists/provincial?as_of=2025-09-15")
    assert day_before.status_code == 200 and day_before.json["items"] == []
    assert day_before.json["as_of"] == "2025-09-15T23:59:59.999999+08:00"
    assert codes(client.get("/api/v1/lists/provincial?as_of=2025-09-16")) == [code]
    unit = client.get(f"/api/v1/units/{code}?as_of=2025-09-16", headers=token("province"))
    assert unit.status_code == 200 and unit.json["credit_code"] == code
    bad = client.get("/api/v1/lists/provincial?as_of=2025-02-30")
    assert bad.status_code == 422 and list(bad.json["errors"]["query"]) == ["as_of"]


def test_since_and_until_dates_take_whole_days(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    code = s.credit_code(2)
    listed_then_removed(api_app, clock, code)  # registered 10 January 2025, 10:00 +08:00
    auditor = token("auditor")
    trail = "/api/v1/audit-trail?unit=" + code
    on_the_day = client.get(f"{trail}&since=2025-01-10&until=2025-01-10", headers=auditor)
    assert on_the_day.status_code == 200 and on_the_day.json["items"]
    assert all(
        datetime.fromisoformat(row["recorded"]).astimezone(SHANGHAI).date() == date(2025, 1, 10)
        for row in on_the_day.json["items"]
    )
    before = client.get(f"{trail}&until=2025-01-09", headers=auditor)
    assert before.status_code == 200 and before.json["items"] == []
    after = client.get(f"{trail}&since=2025-01-11&until=2025-06-01", headers=auditor)
    assert (
        after.status_code == 200
        and after.json["items"]
        and not any(row in on_the_day.json["items"] for row in after.json["items"])
    )


def test_a_unit_is_found_by_part_of_its_name_or_code(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    hangzhou, ningbo = s.credit_code(3), s.credit_code(4, "330200")
    for code in (hangzhou, ningbo):
        s.register_and_cultivate(service(api_app), code, year=2025)
    catch_up(api_app)
    province = token("province")
    by_code = client.get(f"/api/v1/units?q={hangzhou.lower()}", headers=province)
    assert by_code.status_code == 200
    assert [u["credit_code"] for u in by_code.json["items"]] == [hangzhou]
    assert by_code.json["items"][0]["url"] == f"/api/v1/units/{hangzhou}"
    name = by_code.json["items"][0]["name"]
    by_name = client.get(f"/api/v1/units?q={name[2:]}", headers=province).json["items"]
    assert [u["credit_code"] for u in by_name] == [hangzhou]
    both = client.get("/api/v1/units?q=9133&limit=1", headers=province).json
    assert len(both["items"]) == 1 and both["more"] is True
    assert client.get("/api/v1/units?q=%25", headers=province).json["items"] == []  # % is literal
    own_city = client.get("/api/v1/units?q=9133", headers=city()).json["items"]
    assert [u["credit_code"] for u in own_city] == [hangzhou]  # a city bureau: its own city
    assert client.get("/api/v1/units?q=9133").status_code == 401
    assert client.get("/api/v1/units", headers=province).status_code == 422  # q is required


def test_announcements_take_since_and_until_as_whole_days(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    """One since/until convention: `until` with a plain date includes that day, here too."""
    code = s.credit_code(3)
    listed_then_removed(api_app, clock, code)
    catch_up(api_app)
    every = client.get("/api/v1/announcements?limit=100").json["items"]
    days = sorted({row["on_date"] for row in every})
    assert len(days) >= 2
    first = client.get(f"/api/v1/announcements?until={days[0]}&limit=100").json["items"]
    assert first and {row["on_date"] for row in first} == {days[0]}
    later = client.get(f"/api/v1/announcements?since={days[1]}&until={days[-1]}&limit=100")
    assert {row["on_date"] for row in later.json["items"]} == set(days[1:])
