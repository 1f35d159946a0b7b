"""A22.2 (第二十二条第二款: 省经济和信息化厅适时公布第三方机构开展评价工作的有关情况): the province
publishes how the third-party agencies performed, readable by anyone without a token:
`GET /api/v1/agencies/performance[?year]`, each agency's reports per level and year, passed and
failed, the misconduct found (A22.1) and its projects counted toward the A22.3 limits; never
its legal representative (nor the keyed ID number) nor who reported it (issue 12 item 7)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask
from flask.testing import FlaskClient

from domain.clock import SettableClock
from domain.values import Level
from simulation import scenarios as s
from tests.api.test_reports import catch_up, refused, service

URL = "/api/v1/agencies/performance"


def test_a22_2_agency_performance_is_published_without_a_token(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    app = service(api_app)
    clock.set(datetime(2025, 1, 2, tzinfo=UTC))
    agency = s.register_agency(app, 522, "李四")
    idle = s.register_agency(app, 523, "王五")
    units = [s.credit_code(n) for n in (221, 222, 223)]
    for code in units:
        s.register_and_cultivate(app, code)
    for code, level, passed in zip(
        units,
        (Level.NATIONAL, Level.PROVINCIAL, Level.PROVINCIAL),
        (True, True, False),
        strict=True,
    ):
        app.submit_evaluation(
            s.agency_actor(agency), code, level, 2025, s.report_hash(code), 80.0, passed,
            occurred_at=s.at(date(2025, 2, 1)),
        )  # fmt: skip
    app.report_agency_misconduct(
        s.city_actor("330100"), agency, "隐瞒评价对象问题", occurred_at=s.at(date(2025, 3, 1))
    )
    catch_up(api_app)

    published = client.get(f"{URL}?year=2025")  # no token
    assert published.status_code == 200, published.json
    rows = {r["credit_code"]: r for r in published.json["items"]}
    assert set(rows) == {agency, idle}
    mine = rows[agency]
    assert (mine["national"], mine["provincial"], mine["municipal"]) == (1, 2, 0)
    assert (mine["reports"], mine["passed"], mine["failed"]) == (3, 2, 1)
    assert mine["problems"] == 1 and mine["year"] == 2025
    assert (mine["counted_national"], mine["counted_provincial"]) == (1, 2)
    assert (mine["national_limit"], mine["provincial_limit"]) == (15, 10)
    assert rows[idle]["reports"] == 0 and rows[idle]["pass_rate"] is None
    text = published.get_data(as_text=True)
    assert "李四" not in text and "legal_representative" not in text
    assert s.representative_id("李四") not in text and "from_reports" not in text

    every_year = client.get(URL).json["items"]
    assert [(r["credit_code"], r["year"]) for r in every_year] == [(agency, 2025)]
    refused(client.get(f"{URL}?year=1999"), 422)
