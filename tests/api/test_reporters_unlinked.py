"""Reporters are never linked (issue 9 item 4), over HTTP: a report filed with a token leaves the
filer's credit code and `sub` in no read but the recorded reporter read; filing writes only the
complaint, so a flood of filings never contends with the reported enterprise's own writes;
filing is limited per client (429 problem+json with Retry-After); Idempotency-Key is scoped by
(role, region, sub), and anonymous filers never share a key space."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.aggregates.complaint import Complaint
from domain.events import unit as un
from domain.reporters import WITHHELD
from domain.service import Greenlist
from domain.values import Actor, Role
from greenlist.web import make_app
from simulation import scenarios as s
from tests.api.conftest import SECRET, city, enterprise, event_count, province, token
from tests.api.every_read import assert_no_read_names
from tests.on_time import on_time

LISTED = s.credit_code(41)
FILER = s.credit_code(42, "330200")
"""An enterprise that files with its own token and appears nowhere else in the store."""
FILER_SUB = "filer-account-7f3a"
OLD_FILER = s.credit_code(43, "330300")
"""An enterprise whose filing the earlier code recorded in the unit's stream."""
FILER_TOKEN = token("enterprise", "330200", uscc=FILER, sub=FILER_SUB)


def service(app: Flask) -> Greenlist:
    """The app's service, its clock moving to each scenario act's date (tests/on_time.py)."""
    greenlist: Greenlist = on_time(app.extensions["greenlist"].service)
    return greenlist


def report(code: str = LISTED, content: str = "夜间偷排废水") -> dict[str, Any]:
    return {
        "target_type": "unit",
        "target_code": code,
        "reporter_name": "王举报",
        "reporter_contact": "13800000000",
        "evidence": ["https://example.org/photo-1.jpg"],
        "content": content,
    }


@pytest.fixture
def listed(api_app: Flask) -> str:
    s.list_provincially(service(api_app), LISTED)
    return LISTED


def old_style_filing(app: Greenlist, filer: Actor, code: str) -> None:
    """What `file_complaint` recorded before issue 9 item 4: the complaint and the retired
    `ComplaintReceived` in the unit's stream, the filer its actor."""
    act = app._act(filer, rules=("A23.1",))
    unit = app._unit(code)
    complaint = Complaint.file(
        act, "unit", unit.id, unit.city, "李举报", "139", ["x"], "偷排", app.vault
    )
    unit.record(un.ComplaintReceived, act, ["A23.1"], complaint_id=complaint.id)
    app._save(complaint, unit)


def assert_no_read_names_the_filers(app: Flask, client: FlaskClient) -> None:
    """Every read, by every kind of reader, with the read models caught up."""
    filers = (FILER, FILER_SUB, OLD_FILER)
    readers = (province(), token("inspector"), token("auditor"), city(), enterprise(LISTED))
    assert_no_read_names(app, client, LISTED, filers, filers, readers)


@pytest.mark.stores("sqlite", "postgres")
def test_a_filing_with_a_token_leaves_the_filer_in_no_read(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    filed = client.post("/api/v1/complaints", json=report(), headers=FILER_TOKEN)
    assert filed.status_code == 201, filed.json
    complaint = filed.json["id"]
    old_style_filing(service(api_app), Actor(OLD_FILER, Role.ENTERPRISE, "330300"), LISTED)
    assert_no_read_names_the_filers(api_app, client)  # filed

    acceptance = f"/api/v1/complaints/{complaint}/acceptance"
    assert client.put(acceptance, json={}, headers=city()).status_code == 200
    verdict = {"confirmed": True, "outcome": "rectification", "notes": "属实，责令整改"}
    verification = f"/api/v1/complaints/{complaint}/verification"
    assert client.put(verification, json=verdict, headers=city()).status_code == 200
    disclosed = client.post(
        f"/api/v1/complaints/{complaint}/disclosures",
        json={"reason": "监督检查举报处理"},
        headers=token("inspector"),
    )
    assert disclosed.status_code == 200  # the one act that names the reporter, itself recorded
    assert disclosed.json["filed_by"]["actor_id"] == FILER  # sealed with the filing
    assert_no_read_names_the_filers(api_app, client)  # accepted, verified, its reporter read

    history = client.get(f"/api/v1/units/{LISTED}/history?limit=500", headers=province()).json
    events = {e["type"]: e for e in history["items"]}
    assert "ComplaintFiled" not in events
    old = events["ComplaintReceived"]
    assert (old["actor_id"], old["actor_role"], old["actor_region"]) == WITHHELD
    assert events["ComplainedAgainst"]["actor_role"] == "city"
    trail = client.get("/api/v1/audit-trail?type=ComplaintFiled", headers=token("auditor")).json
    assert [(r["actor_id"], r["actor_role"], r["actor_region"]) for r in trail["items"]] == [
        WITHHELD,
        WITHHELD,
    ]


def test_a_flood_of_filings_never_writes_the_unit_nor_contends_with_its_own_writes(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    read = client.get(f"/api/v1/units/{LISTED}", headers=enterprise(LISTED))
    tag = read.headers["ETag"]
    for i in range(20):
        filed = client.post("/api/v1/complaints", json=report(content=f"第{i}次举报"))
        assert filed.status_code == 201, filed.json
    assert client.get(f"/api/v1/units/{LISTED}", headers=province()).headers["ETag"] == tag
    change = {"change_kind": "address", "description": "新增生产基地"}
    response = client.post(
        f"/api/v1/units/{LISTED}/changes",
        json=change,
        headers={**enterprise(LISTED), "If-Match": tag},
    )
    assert response.status_code == 201, response.json


@pytest.fixture
def limited_app(store_url: str, clock: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The API with a low filing limit: 3 reports per client and minute."""
    monkeypatch.setenv("GREENLIST_JWT_SECRET", SECRET)
    monkeypatch.setenv("GREENLIST_FILING_LIMIT", "3 per minute")
    app = make_app(store_url, clock, follow=False)
    yield app
    app.extensions["greenlist"].service.close()


@pytest.mark.stores("sqlite")
def test_filing_is_limited_per_client_with_a_429_problem_and_retry_after(
    limited_app: Flask,
) -> None:
    s.list_provincially(service(limited_app), LISTED)
    client = limited_app.test_client()
    for i in range(3):
        assert client.post("/api/v1/complaints", json=report(content=f"{i}")).status_code == 201
    before = event_count(limited_app)
    for headers in ({}, FILER_TOKEN):  # a token does not lift the client's limit
        response = client.post("/api/v1/complaints", json=report(), headers=headers)
        assert response.status_code == 429
        assert response.content_type == "application/problem+json"
        problem = response.json
        assert problem["status"] == 429 and problem["title"] == "Too Many Requests"
        assert problem["messages"]["zh"] and problem["messages"]["en"]
        assert 1 <= int(response.headers["Retry-After"]) <= 61  # the minute, in whole seconds
    assert event_count(limited_app) == before
    elsewhere = limited_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert elsewhere.post("/api/v1/complaints", json=report()).status_code == 201
    assert client.get(f"/api/v1/units/{LISTED}", headers=province()).status_code == 200


@pytest.mark.stores("sqlite")
def test_the_filing_limit_never_holds_up_an_officials_disclosure_or_erasure(
    limited_app: Flask,
) -> None:
    """Issue 14: the limit counts filings only. An anonymous client spending requests on the
    report's disclosure and erasure routes (refused, 401) cannot make the inspector's or the
    city's own acts from the same address wait (they were refused 429 before)."""
    s.list_provincially(service(limited_app), LISTED)
    client = limited_app.test_client()
    filed = client.post("/api/v1/complaints", json=report())
    complaint = filed.json["id"]
    for _ in range(5):
        assert (
            client.post(f"/api/v1/complaints/{complaint}/disclosures", json={}).status_code == 401
        )
        assert client.post(f"/api/v1/complaints/{complaint}/erasure", json={}).status_code == 401
    why = {"reason": "核实需联系举报人"}
    disclosed = client.post(
        f"/api/v1/complaints/{complaint}/disclosures", json=why, headers=token("inspector")
    )
    assert disclosed.status_code == 200, disclosed.json
    erased = client.post(
        f"/api/v1/complaints/{complaint}/erasure",
        json={"reason": "依令删除举报人信息"},
        headers=city(),
    )
    assert erased.status_code == 200, erased.json
    for _ in range(2):
        client.post("/api/v1/complaints", json=report(content="再次"))
    over = client.post("/api/v1/complaints", json=report(content="超限"))
    assert over.status_code == 429 and over.json["rules"] == ["A23.1"]


@pytest.mark.stores("sqlite")
def test_an_invalid_filing_limit_is_refused_at_start_up(
    store_url: str, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GREENLIST_JWT_SECRET", SECRET)
    monkeypatch.setenv("GREENLIST_FILING_LIMIT", "often")
    with pytest.raises(ValueError, match="not a rate limit"):
        make_app(store_url, clock, follow=False)


def post(client: FlaskClient, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post("/api/v1/complaints", json=body, headers={**headers, "Idempotency-Key": "k"})


@pytest.mark.stores("sqlite", "postgres")
def test_a_filing_with_a_token_is_keyed_as_the_publics_and_tied_to_none_of_its_acts(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    """Issue 14: an Idempotency-Key row scoped by the filer's token would tie the report to the
    account's other keyed acts (the same scope), for anyone holding the table. A filing is
    keyed as the public's is (its client and its very request), whatever token it came with;
    the account's own acts keep their scope by (role, region, sub)."""
    body = report()
    first = post(client, body, FILER_TOKEN)
    assert first.status_code == 201
    again = post(client, body, FILER_TOKEN)  # the filer's retry is idempotent still
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    registered = client.post(
        "/api/v1/units",
        json={"credit_code": FILER, "kind": "factory", "name": "举报企业自身"},
        headers={**FILER_TOKEN, "Idempotency-Key": "k"},
    )
    assert registered.status_code == 201, registered.json
    kept = api_app.extensions["greenlist"].views.query("SELECT actor, body FROM api_idempotency")
    scopes = {row["actor"] for row in kept if str(first.json["id"]) in (row["body"] or "")}
    (filing_scope,) = scopes
    assert len(kept) == 2 and len({row["actor"] for row in kept}) == 2  # no shared scope
    for secret in (FILER, FILER_SUB):
        assert secret not in filing_scope


@pytest.mark.stores("sqlite", "postgres")
def test_anonymous_filers_never_share_a_key_space(
    api_app: Flask, client: FlaskClient, listed: str
) -> None:
    mine = post(client, report(content="我的举报"), {})
    assert mine.status_code == 201
    theirs = post(client, report(content="另一人的举报"), {})  # same client, another report
    assert theirs.status_code == 201 and theirs.json["id"] != mine.json["id"]
    elsewhere = api_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    same_body = post(elsewhere, report(content="我的举报"), {})  # another client, my very body
    assert same_body.status_code == 201 and same_body.json["id"] != mine.json["id"]
    assert "Idempotent-Replayed" not in same_body.headers
    retry = post(client, report(content="我的举报"), {})  # my own retry is still idempotent
    assert retry.json == mine.json and retry.headers["Idempotent-Replayed"] == "true"
