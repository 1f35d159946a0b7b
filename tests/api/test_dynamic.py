"""Dynamic management over HTTP (A17-A21): negative records, yearly forms, changes, removals,
major accidents and re-reviews; listed units are prepared through the service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import SHANGHAI
from simulation import scenarios as s
from tests.api.conftest import city, enterprise, event_count, province, token

INDICATORS = {"energy_per_output": 0.41, "water_reuse": 0.93}
AFTER_LISTING = "2025-10-02T10:00:00+08:00"


def service(api_app: Flask) -> Greenlist:
    app: Greenlist = api_app.extensions["greenlist"].service
    return app


@pytest.fixture
def listed(api_app: Flask) -> str:
    """A Hangzhou factory on the municipal and provincial lists of 2025."""
    code = s.credit_code(61)
    s.list_provincially(service(api_app), code)
    return code


def refused(response: Any, status: int, rules: list[str]) -> None:
    assert response.status_code == status, response.json
    assert response.content_type == "application/problem+json"
    assert response.json["rules"] == rules
    assert response.json["messages"]["zh"] and response.json["messages"]["en"]


def event_types(api_app: Flask, code: str) -> list[str]:
    return [e.type for e in service(api_app).unit_history(code)]


def negative(ground: str = "A17.2", **extra: Any) -> dict[str, Any]:
    return {
        "ground": ground,
        "occurred_on": "2025-10-01",
        "source": "信用中国",
        "description": "行政处罚",
        "occurred_at": AFTER_LISTING,
        **extra,
    }


# --- A17: negative records ----------------------------------------------------------------


def test_a_city_records_a_ground_and_the_removal_is_deferred(
    client: FlaskClient, listed: str
) -> None:
    response = client.post(
        f"/api/v1/units/{listed}/negative-records", json=negative(), headers=city()
    )
    assert response.status_code == 201, response.json
    assert response.json["details"]["record_id"]
    assert set(response.json["details"]["removal_pending"]) == {"municipal", "provincial"}
    assert response.headers["ETag"] == f'"{response.json["version"]}"'


def test_a_city_of_another_region_may_not_record_a_ground(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    before = event_count(api_app)
    response = client.post(
        f"/api/v1/units/{listed}/negative-records", json=negative(), headers=city("330200")
    )
    refused(response, 403, ["ID.3"])
    assert event_count(api_app) == before


@pytest.mark.parametrize("day", ["1999-12-31", "2101-01-01", "2025-02-30", "01/10/2025"])
def test_a_date_out_of_range_or_malformed_is_refused_naming_the_field(
    api_app: Flask, client: FlaskClient, listed: str, day: str
) -> None:
    before = event_count(api_app)
    response = client.post(
        f"/api/v1/units/{listed}/negative-records",
        json=negative(occurred_on=day),
        headers=city(),
    )
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["occurred_on"]
    assert "json.occurred_on" in response.json["detail"]
    assert event_count(api_app) == before


def test_a_stale_if_match_records_nothing(api_app: Flask, client: FlaskClient, listed: str) -> None:
    before = event_count(api_app)
    response = client.post(
        f"/api/v1/units/{listed}/negative-records",
        json=negative(),
        headers={**city(), "If-Match": '"1"'},
    )
    assert response.status_code == 412
    assert event_count(api_app) == before


def test_a_continuing_ground_is_ended(api_app: Flask, client: FlaskClient, listed: str) -> None:
    record = client.post(
        f"/api/v1/units/{listed}/negative-records", json=negative("A17.5"), headers=province()
    )
    record_id = record.json["details"]["record_id"]
    url = f"/api/v1/units/{listed}/negative-records/{record_id}/end"
    ended = client.put(url, json={"ended_on": "2025-11-30"}, headers=city())
    assert ended.status_code == 200, ended.json
    assert event_types(api_app, listed)[-1] == "NegativeRecordEnded"
    before = event_count(api_app)
    refused(client.put(url, json={"ended_on": "2025-12-01"}, headers=city()), 422, ["A17.1"])
    assert event_count(api_app) == before


# --- A18 / A19.2: yearly forms ----------------------------------------------------------------


def test_the_unit_submits_its_own_yearly_form(client: FlaskClient, listed: str) -> None:
    body = {"level": "provincial", "year": 2025, "indicators": INDICATORS}
    body["occurred_at"] = "2026-03-01T09:00:00+08:00"
    response = client.post(
        f"/api/v1/units/{listed}/dynamic-forms", json=body, headers=enterprise(listed)
    )
    assert response.status_code == 201, response.json
    unit = client.get(f"/api/v1/units/{listed}", headers=token("auditor")).json
    assert unit["forms"] == {"provincial/2025": "submitted"}


def test_another_enterprise_may_not_submit_the_form(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    before = event_count(api_app)
    body = {"level": "provincial", "year": 2025, "indicators": INDICATORS}
    other = enterprise(s.credit_code(62))
    refused(
        client.post(f"/api/v1/units/{listed}/dynamic-forms", json=body, headers=other),
        403,
        ["ID.3"],
    )
    assert event_count(api_app) == before


def test_a_form_for_a_year_that_has_not_begun_is_refused(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    """Issue 9 item 7: judged by the service's clock, whatever world time the body states."""
    clock = service(api_app).clock
    assert isinstance(clock, SettableClock)
    clock.set(datetime(2026, 3, 1, 9, tzinfo=SHANGHAI))
    before = event_count(api_app)
    url = f"/api/v1/units/{listed}/dynamic-forms"
    for year in (2027, 2100):
        body = {"level": "provincial", "year": year, "indicators": INDICATORS}
        refused(client.post(url, json=body, headers=enterprise(listed)), 422, ["A18"])
    assert event_count(api_app) == before
    body = {"level": "provincial", "year": 2026, "indicators": INDICATORS}
    assert client.post(url, json=body, headers=enterprise(listed)).status_code == 201


def test_a_form_is_overdue_only_after_15_april(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    url = f"/api/v1/units/{listed}/dynamic-forms/provincial/2025/overdue"
    before = event_count(api_app)
    early = client.post(url, json={"occurred_at": "2026-04-15T23:00:00+08:00"}, headers=province())
    refused(early, 422, ["A18"])
    assert event_count(api_app) == before
    late = client.post(url, json={"occurred_at": "2026-04-16T09:00:00+08:00"}, headers=province())
    assert late.status_code == 200, late.json
    assert "DynamicFormOverdue" in event_types(api_app, listed)
    assert client.post(url, json={}, headers=city()).status_code == 403


def test_an_unknown_level_or_year_in_the_path_is_not_found(
    client: FlaskClient, listed: str
) -> None:
    for path in ("regional/2025", "provincial/1999"):
        url = f"/api/v1/units/{listed}/dynamic-forms/{path}/overdue"
        assert client.post(url, json={}, headers=province()).status_code == 404


# --- A20: changes and re-checks ---------------------------------------------------------------


def test_a_declared_rename_is_confirmed_by_the_city(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    declared = client.post(
        f"/api/v1/units/{listed}/changes",
        json={"change_kind": "name", "description": "更名", "new_name": "绿能科技有限公司"},
        headers=enterprise(listed),
    )
    assert declared.status_code == 201, declared.json
    change_id = declared.json["details"]["change_id"]
    rechecked = client.put(
        f"/api/v1/units/{listed}/changes/{change_id}/recheck",
        json={"confirmed": True, "still_meets_standards": True},
        headers={**city(), "If-Match": declared.headers["ETag"]},
    )
    assert rechecked.status_code == 200, rechecked.json
    assert service(api_app).get_unit(listed).name == "绿能科技有限公司"


def test_a_recheck_of_no_declared_change_is_refused(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    before = event_count(api_app)
    url = f"/api/v1/units/{listed}/changes/7f0c1f3e-2d7b-4d59-9b8e-1f2a3b4c5d6e/recheck"
    body = {"confirmed": True, "still_meets_standards": True}
    refused(client.put(url, json=body, headers=city()), 422, ["A20.2"])
    assert client.put(url, json=body, headers=enterprise(listed)).status_code == 403
    assert event_count(api_app) == before


# --- A19: removals and major accidents ------------------------------------------------------


def test_the_province_decides_a_removal_and_a_city_only_for_its_municipal_list(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    url = f"/api/v1/units/{listed}/removals"
    body = {"level": "provincial", "ground": "A19.3", "reason": "材料造假"}
    before = event_count(api_app)
    refused(client.post(url, json=body, headers=city()), 403, ["ID.3"])
    assert event_count(api_app) == before
    response = client.post(url, json=body, headers=province())
    assert response.status_code == 201, response.json
    municipal = client.post(url, json={**body, "level": "municipal"}, headers=city())
    assert municipal.status_code == 201, municipal.json
    assert event_types(api_app, listed).count("RemovalDecided") == 2


def test_a_removal_cites_a_deferred_ground(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    before = event_count(api_app)
    body = {"level": "provincial", "ground": "A19.4", "reason": "x"}
    response = client.post(f"/api/v1/units/{listed}/removals", json=body, headers=province())
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["ground"]
    assert event_count(api_app) == before


# --- A21: re-reviews ---------------------------------------------------------------------------


def test_a_failed_rereview_defers_the_removal(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    url = f"/api/v1/units/{listed}/rereviews"
    body = {"level": "provincial", "passed": False, "occurred_at": "2030-09-20T10:00:00+08:00"}
    assert client.post(url, json=body, headers=province()).status_code == 403
    response = client.post(url, json=body, headers=city())
    assert response.status_code == 201, response.json
    history = service(api_app).unit_history(listed)
    rereview = next(e for e in history if e.type == "Rereviewed")
    assert rereview.occurred_at.year == 2030
    assert history[-1].type == "RemovalDecided" and "A21" in history[-1].rules


@pytest.mark.parametrize("instant", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+01:00"])
def test_an_extreme_occurred_at_is_refused_naming_the_field(
    api_app: Flask, client: FlaskClient, listed: str, instant: str
) -> None:
    before = event_count(api_app)
    body = {"level": "provincial", "passed": True, "occurred_at": instant}
    response = client.post(f"/api/v1/units/{listed}/rereviews", json=body, headers=city())
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["occurred_at"]
    assert event_count(api_app) == before
