"""Reads near the limit (issue 15, item 4): the hottest reads render their rows with functions
compiled from their response schemas, which must give what the schemas dump (the OpenAPI
document describes the answer with those schemas), and a list answers a conditional GET with
304 Not Modified until something recorded changes it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from marshmallow import Schema

from api.rendering import compile_schema
from api.schemas.oversight import AuditPage
from api.schemas.read_rows import ListPage
from projections.audit import audit_trail
from projections.lists import list_as_of
from simulation import scenarios as s
from tests.api.test_reads import catch_up, listed_then_removed, service

pytestmark = pytest.mark.stores("sqlite", "postgres")


def same_as_schema(schema: type[Schema], data: Any) -> None:
    assert compile_schema(schema())(data) == schema().dump(data)


def test_the_compiled_pages_are_what_the_schemas_dump(
    api_app: Flask, clock: Any, client: FlaskClient
) -> None:
    listed_then_removed(api_app, clock, s.credit_code(11))
    views = api_app.extensions["greenlist"].views
    log = {"position": 9, "tree_size": 9, "root": "cm9vdA=="}
    for month in (10, 12):
        instant = int(datetime(2025, month, 1, tzinfo=UTC).timestamp() * 1_000_000)
        rows = list_as_of(views, "provincial", instant, tracked=True)
        assert rows
        page = {"level": "provincial", "basis": "recorded", "as_of": "x", "kind": None}
        same_as_schema(ListPage, {**page, "city": None, "log": log, "items": rows})
    rows = audit_trail(views, limit=1000)
    assert len(rows) > 20
    same_as_schema(AuditPage, {"items": rows, "next_after": None})


def test_odd_values_are_converted_as_the_schemas_convert_them() -> None:
    """Values that are not yet JSON values (a year as text, a code as a number), absent keys
    (left out) and nulls go the schema's own way."""
    odd = {"credit_code": 91330100, "year": "2025", "listed_at": 1_700_000_000_000_000}
    same_as_schema(ListPage, {"items": [odd, {"pending_rules": "A19.1,A17.4"}], "log": None})
    same_as_schema(ListPage, {"items": [], "total": 0, "next_after": None, "kind": "park"})
    row = {"event_type": "Listed", "occurred": 1, "recorded": None, "rules": "", "version": 3}
    same_as_schema(AuditPage, {"items": [row, {**row, "aggregate_type": "round"}]})


def test_a_list_not_changed_since_its_etag_is_answered_304(
    api_app: Flask, clock: Any, client: FlaskClient
) -> None:
    s.list_provincially_together(service(api_app), s.credit_code(21), s.credit_code(22))
    catch_up(api_app)
    url = "/api/v1/lists/provincial?limit=10"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"lists-')
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    assert again.headers["ETag"] == first.headers["ETag"]
    other = client.get(f"{url}&city=330100", headers={"If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200 and other.headers["ETag"] != first.headers["ETag"]


def test_a_changed_list_has_a_new_etag_and_is_answered_whole(
    api_app: Flask, clock: Any, client: FlaskClient
) -> None:
    """A negative record recorded since marks the unit's removal as pending (A19.1)."""
    code = s.credit_code(31)
    s.list_provincially_together(service(api_app), code)
    catch_up(api_app)
    url = "/api/v1/lists/provincial"
    first = client.get(url)
    assert [i["pending_rules"] for i in first.json["items"]] == [None]
    clock.set(datetime(2025, 11, 1, tzinfo=UTC))
    service(api_app).record_negative_record(
        s.city_actor(), code, "A17.4", date(2025, 10, 20), "督查", "严重问题"
    )
    catch_up(api_app)
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert [i["pending_rules"] for i in changed.json["items"]] == [["A17.4", "A19.1"]]


def test_by_world_time_now_a_list_has_no_validator(
    api_app: Flask, clock: Any, client: FlaskClient
) -> None:
    s.list_provincially_together(service(api_app), s.credit_code(41))
    catch_up(api_app)
    assert "ETag" not in client.get("/api/v1/lists/provincial?basis=world").headers
    as_of = "/api/v1/lists/provincial?basis=world&as_of=2030-01-01"
    assert client.get(as_of).headers["ETag"].startswith('W/"lists-')


@pytest.mark.parametrize(
    "shown",
    [
        "1970-01-01T00:00:00+00:00",
        "1988-07-01T12:00:00+00:00",  # China's summer time (1986-1991): +09:00
        "1991-12-31T15:59:59.999999+00:00",
        "1991-12-31T16:00:00+00:00",
        "2025-06-30T15:59:59.999999+00:00",
        "2026-12-04T23:59:59.123456+00:00",
        "2100-02-28T16:00:00+00:00",
    ],
)
def test_a_local_instant_reads_as_asia_shanghai_on_either_side_of_1992(shown: str) -> None:
    """From 1992 the fixed +08:00 is used instead of the zone's rules: the same text."""
    from datetime import datetime, timedelta

    from api.schemas.reads import EPOCH, LocalInstant
    from domain.values import SHANGHAI

    instant = datetime.fromisoformat(shown)
    micros = (instant - EPOCH) // timedelta(microseconds=1)
    expected = instant.astimezone(SHANGHAI).isoformat()
    assert LocalInstant()._serialize(micros, None, None) == expected
