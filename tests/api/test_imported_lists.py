"""Issue 15 item 1, as the API shows it: a unit imported from a published list's record has in
its history the act "listed from the record" naming the file's SHA-256, the row and the
importer, with its explanation (why: the rules it was judged on); the audit trail says it in
one line; the public list as of the import instant holds the imported units, and as of just
before it none (recorded time), while in world time they are on it from the record's date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.clock import SettableClock
from simulation import scenarios as s
from tests.api.conftest import province, token
from tests.record_files import CLEAN, codes_of, record

pytestmark = pytest.mark.stores("sqlite", "postgres")
IMPORTED_AT = datetime(2025, 3, 3, 2, tzinfo=UTC)


def test_an_imported_unit_s_history_names_the_record_and_the_list_shows_it_from_the_import(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    clock.set(IMPORTED_AT)
    service = api_app.extensions["greenlist"].service
    service.import_historical_list(s.PROVINCE_ACTOR, record())
    api_app.extensions["greenlist_runner"].catch_up()
    code = codes_of(CLEAN)[1]
    history = client.get(f"/api/v1/units/{code}/history", headers=province()).json["items"]
    listed = history[-1]
    assert listed["type"] == "ListedFromRecord" and listed["actor_id"] == s.PROVINCE_ACTOR.id
    assert listed["data"]["source_row"] == 3 and listed["data"]["source_sha256"] == record().sha256
    why = client.get(listed["why"], headers=province()).json
    assert {"A16.2", "A9.1"} <= {r["code"] for r in why["rules"]}
    trail = client.get(
        "/api/v1/audit-trail", query_string={"unit": code}, headers=token("auditor")
    ).json["items"]
    assert any("据2023年省级名单记录" in row["summary"] for row in trail)
    instant = (IMPORTED_AT + timedelta(seconds=1)).isoformat()  # recorded just after it
    now = client.get("/api/v1/lists/provincial", query_string={"as_of": instant}).json
    assert sorted(r["credit_code"] for r in now["items"]) == sorted(codes_of(CLEAN))
    before = (IMPORTED_AT - timedelta(seconds=1)).isoformat()
    assert (
        client.get("/api/v1/lists/provincial", query_string={"as_of": before}).json["items"] == []
    )
    world = {"as_of": "2023-12-31", "basis": "world"}
    assert len(client.get("/api/v1/lists/provincial", query_string=world).json["items"]) == 7
