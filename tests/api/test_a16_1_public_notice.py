"""The public notice is public (A16.1, issue 12 item 2), over HTTP: the proposed list under
notice, its dates, its status and its objections' outcomes are read without a token; anyone
objects without a token, under their real name with contact and evidence; the province
registers and decides the objection; the objector (name, contact, the account that filed) is in
no read but the objector read, which only the province and inspectors get, each one recorded."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.reporters import WITHHELD
from domain.service import Greenlist
from simulation import scenarios as s
from tests.api.conftest import city, enterprise, event_count, province, token
from tests.api.every_read import assert_no_read_names
from tests.application.rules_steps import under_notice
from tests.on_time import on_time

OBJECTED = s.credit_code(51)
CLEAN = s.credit_code(52, "330200")
NAME, CONTACT = "赵异议", "13912345678"
FILER = s.credit_code(53, "330300")
FILER_SUB = "objector-account-9c1e"
FILER_TOKEN = token("enterprise", "330300", uscc=FILER, sub=FILER_SUB)
NOTICES = "/api/v1/notices"
NOTICE = f"{NOTICES}/provincial/2025"
SECRETS = (NAME, CONTACT, FILER, FILER_SUB)


def service(app: Flask) -> Greenlist:
    greenlist: Greenlist = on_time(app.extensions["greenlist"].service)
    return greenlist


def objection(code: str = OBJECTED, when: str = "2025-09-05T10:00:00+08:00", **kw: Any) -> Any:
    body = {
        "credit_code": code,
        "objector_name": NAME,
        "objector_contact": CONTACT,
        "evidence": ["https://example.org/eia.pdf"],
        "grounds": "环评手续不全",
        "occurred_at": when,
    }
    return {**body, **kw}


@pytest.fixture
def noticed(api_app: Flask) -> str:
    under_notice(service(api_app), OBJECTED, CLEAN)
    return OBJECTED


def test_a16_1_the_notice_is_read_without_a_token(
    api_app: Flask, client: FlaskClient, noticed: str
) -> None:
    one = client.get(NOTICE)
    assert one.status_code == 200, one.json
    assert (one.json["opened_on"], one.json["last_day"]) == ("2025-09-01", "2025-09-15")
    assert [u["credit_code"] for u in one.json["units"]] == [OBJECTED, CLEAN]
    unit = one.json["units"][0]
    assert {unit["kind"], unit["city"], unit["stage"]} == {"factory", "330100", "under_notice"}
    assert unit["name"]
    assert unit["objections"] == {"raised": 0, "pending": 0, "upheld": 0, "not_upheld": 0}
    assert client.get("/api/v1/notices/provincial/2024").status_code == 404
    api_app.extensions["greenlist_runner"].catch_up()
    listed = client.get(NOTICES)
    assert listed.status_code == 200
    assert [(n["level"], n["year"]) for n in listed.json["items"]] == [("provincial", 2025)]


def test_a16_1_anyone_objects_without_a_token_under_real_name(
    api_app: Flask, client: FlaskClient, noticed: str
) -> None:
    before = event_count(api_app)
    for missing in ("objector_name", "objector_contact"):
        refused = client.post(f"{NOTICE}/objections", json=objection(**{missing: ""}))
        assert refused.status_code == 422
        assert {"A16.1", "A23.1"} <= set(refused.json["rules"])
        assert refused.json["messages"]["zh"] and refused.json["messages"]["en"]
    late = client.post(f"{NOTICE}/objections", json=objection(when="2025-09-16T00:00:00+08:00"))
    assert late.status_code == 422 and late.json["rules"] == ["A16.1"]
    assert event_count(api_app) == before
    filed = client.post(f"{NOTICE}/objections", json=objection(when="2025-09-15T20:00:00+08:00"))
    assert filed.status_code == 201, filed.json
    assert client.get(NOTICE).json["filed"] == 1


@pytest.mark.stores("sqlite", "postgres")
def test_a16_1_no_read_names_the_objector_but_the_recorded_objector_read(
    api_app: Flask, client: FlaskClient, noticed: str
) -> None:
    filed = client.post(f"{NOTICE}/objections", json=objection(), headers=FILER_TOKEN)
    assert filed.status_code == 201, filed.json
    oid = filed.json["id"]
    assert_no_read_names_the_objector(api_app, client)  # filed
    registration = client.put(
        f"/api/v1/objections/{oid}/registration",
        json={"occurred_at": "2025-09-06T10:00:00+08:00"},
        headers=province(),
    )
    assert registration.status_code == 200, registration.json
    decision = {
        "upheld": True,
        "reasons": "环评批复确未取得",
        "occurred_at": "2025-09-07T10:00:00+08:00",
    }
    decided = client.put(f"/api/v1/objections/{oid}/decision", json=decision, headers=province())
    assert decided.status_code == 200, decided.json
    disclose = f"/api/v1/objections/{oid}/disclosures"
    why = {"reason": "核实异议人身份"}
    for refused in (city(), enterprise(OBJECTED), FILER_TOKEN, token("auditor")):
        before = event_count(api_app)
        if refused is not FILER_TOKEN:  # a refused disclosure is kept, naming who tried
            answer = client.post(disclose, json=why, headers=refused)
            assert answer.status_code == 403 and "ID.3" in answer.json["rules"]
        case = client.get(f"/api/v1/objections/{oid}", headers=refused)
        assert case.status_code == 403 and "A16.1" in case.json["rules"]
        assert event_count(api_app) == before
    assert client.post(disclose, json=why).status_code == 401
    for reader in (province(), token("inspector")):
        before = event_count(api_app)
        shown = client.post(disclose, json=why, headers=reader)
        assert (shown.json["name"], shown.json["contact"]) == (NAME, CONTACT)
        assert shown.headers["Cache-Control"] == "no-store"
        assert event_count(api_app) == before + 1  # the disclosure is recorded
    assert_no_read_names_the_objector(api_app, client)  # registered, decided, disclosed
    unit = client.get(NOTICE).json["units"][0]
    assert unit["objections"] == {"raised": 1, "pending": 0, "upheld": 1, "not_upheld": 0}
    trail = client.get("/api/v1/audit-trail?type=ObjectionFiled", headers=token("auditor")).json
    assert [(r["actor_id"], r["actor_role"], r["actor_region"]) for r in trail["items"]] == [
        WITHHELD
    ]
    reads = client.get("/api/v1/audit-trail?type=ObjectorDisclosed", headers=token("auditor"))
    assert [r["actor_role"] for r in reads.json["items"]] == ["province", "inspector"]


def assert_no_read_names_the_objector(app: Flask, client: FlaskClient) -> None:
    """Every read, by every kind of reader and the public, shows neither the objector's name
    and contact nor the account that filed."""
    readers = (
        {},
        province(),
        token("inspector"),
        token("auditor"),
        city(),
        enterprise(OBJECTED),
        FILER_TOKEN,
    )
    assert_no_read_names(app, client, OBJECTED, SECRETS, (FILER, FILER_SUB), readers)
