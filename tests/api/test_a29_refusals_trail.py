"""A29 (issue 12 item 3): a refused act records nothing in the log, so an official's refused
command leaves a trace an auditor can find: a JSON log line (`greenlist.refusals`) and a row of
the refusals trail (GET /api/v1/refusals, for the province-wide readers), on SQLite and
PostgreSQL. A reporter's refused filing (A23.1) leaves no personal data anywhere: not in the
trail, not in the views' database, not in the logs. Explained decisions over HTTP say
"refused because" for what failed."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from simulation import scenarios as s
from tests.api.conftest import city, enterprise, token
from tests.api.selection import candidate, on, service

REFUSALS = "/api/v1/refusals"


def nominate(client: FlaskClient, code: str, at: str) -> Any:
    body = {"level": "provincial", "year": 2025, "justification": "", "occurred_at": at}
    return client.post(f"/api/v1/units/{code}/nominations", json=body, headers=city())


def refusal_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "greenlist.refusals"]


def test_a14_1_an_officials_refused_nomination_is_in_the_refusals_trail(
    api_app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    code = candidate(api_app, 51)
    caplog.set_level(logging.INFO, logger="greenlist.refusals")
    assert nominate(client, code, on(7, 1, 0)).status_code == 422

    (line,) = refusal_lines(caplog)
    assert line["codes"] == ["A14.1"] and line["command"] == "nominate"
    assert (line["actor_role"], line["actor_region"], line["target"]) == ("city", "330100", code)
    assert "6月30日" in caplog.records[-1].getMessage()  # Chinese kept as written
    page = client.get(f"{REFUSALS}?code=A14.1&role=city", headers=token("auditor")).json
    (row,) = page["items"]
    assert row["actor_id"] == line["actor_id"] and row["codes"] == ["A14.1"]
    assert (row["command"], row["target"], row["actor_region"]) == ("nominate", code, "330100")
    assert row["recorded"].startswith("2025-") and "30 June" in row["en"]
    assert page["next_after"] is None
    for reader in ("inspector", "province", "codept"):
        assert client.get(REFUSALS, headers=token(reader)).json["items"] == [row]
    assert client.get(f"{REFUSALS}?code=A13.2", headers=token("auditor")).json["items"] == []
    assert client.get(f"{REFUSALS}?region=330200", headers=token("auditor")).json["items"] == []
    assert client.get(REFUSALS, headers=city()).status_code == 403
    assert client.get(REFUSALS, headers=enterprise(code)).status_code == 403
    assert client.get(REFUSALS).status_code == 401


def test_a29_the_refusals_trail_pages_in_order(api_app: Flask, client: FlaskClient) -> None:
    codes = [candidate(api_app, serial) for serial in (52, 53, 54)]
    for code in codes:
        assert nominate(client, code, on(7, 2)).status_code == 422
    first = client.get(f"{REFUSALS}?limit=2", headers=token("auditor")).json
    rest = client.get(
        f"{REFUSALS}?limit=2&after={first['next_after']}", headers=token("auditor")
    ).json
    assert [r["target"] for r in first["items"] + rest["items"]] == codes
    assert rest["next_after"] is None


FILER, FILER_SUB = s.credit_code(55, "330200"), "filer-account-9c1d"
NAME, CONTACT = "李举报人", "13912345678"


def test_a23_1_a_reporters_refused_filing_leaves_no_personal_data(
    api_app: Flask,
    client: FlaskClient,
    caplog: pytest.LogCaptureFixture,
    store_url: str,
    tmp_path: Path,
) -> None:
    unlisted = s.credit_code(56)
    s.register_and_cultivate(service(api_app), unlisted)
    caplog.set_level(logging.DEBUG)
    report = {
        "target_type": "unit",
        "target_code": unlisted,
        "reporter_name": NAME,
        "reporter_contact": CONTACT,
        "evidence": ["https://example.org/photo-9.jpg"],
        "content": "夜间偷排废水",
    }
    filer = token("enterprise", "330200", uscc=FILER, sub=FILER_SUB)
    for headers in (filer, {}):  # with the filer's token, and as the public
        answer = client.post("/api/v1/complaints", json=report, headers=headers)
        assert answer.status_code == 422 and "A23.1" in answer.json["rules"]

    assert client.get(REFUSALS, headers=token("auditor")).json["items"] == []
    personal = (NAME, CONTACT, FILER, FILER_SUB)
    assert not [p for p in personal if p in caplog.text]
    assert [line for line in refusal_lines(caplog)] == [
        {"command": "file_complaint", "codes": ["A23.1"]}
    ] * 2
    views = api_app.extensions["greenlist"].views
    with views.transaction() as tx:
        kept = tx.fetchall("SELECT * FROM api_refusals")
    assert kept == []
    if store_url.startswith("sqlite"):
        for file in tmp_path.glob("greenlist.db*"):
            data = file.read_bytes()
            assert not [p for p in personal if p.encode() in data], file


def test_a17_2_a_withheld_listing_explains_as_refused_over_http(
    api_app: Flask, client: FlaskClient
) -> None:
    from datetime import date

    from domain.values import Level

    svc = service(api_app)
    code = s.credit_code(57)
    s.prepare_candidate(svc, code)
    s.list_municipally(svc, code)
    s.ensure_experts(svc)
    s.nominate_and_review(svc, code, Level.PROVINCIAL)
    s.record_ground(svc, code, "A17.2", date(2025, 7, 25), date(2025, 8, 1))
    s.publish(svc, Level.PROVINCIAL, 2025)
    version = max(e.version for e in svc.unit_history(code) if e.type == "ListingWithheld")

    why = client.get(f"/api/v1/units/{code}/decisions/{version}", headers=city()).json

    (rule,) = why["rules"]
    assert (rule["code"], rule["outcome"], rule["evaluated"]) == ("A17.2", "refused", True)
    assert rule["statement_en"].startswith("A17.2 refused because ")
    assert rule["inputs"]["records"][0]["occurred_on"] == "2025-07-25"
    assert why["evaluations_recorded"] is True and why["ruleset"]
