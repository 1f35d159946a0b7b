"""Issue 14 over HTTP, as an attacker holding the database files would look: after a full report
lifecycle (filed with a token and with Idempotency-Key, accepted, disclosed for a reason,
verified with a rectification, followed up; an objection filed, registered, decided,
disclosed) no reporter's or objector's name, contact, statement or evidence is found in clear
in the raw event rows, the snapshots, any read-model table, the idempotency keys, the refusals,
the SQLite files (their WAL included), the logs or /metrics. The disclosures are listed in
supervision with their reasons; the enterprise's and the public's reads never show the filer;
after the reporter's data is erased the log still verifies against its checkpoints."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.values import Level
from greenlist import cli
from greenlist.settings import StoreUrl
from simulation import scenarios as s
from tests.api.conftest import city, enterprise, province, token
from tests.api.every_read import assert_no_read_names
from tests.api.test_a16_1_public_notice import NOTICE, OBJECTED
from tests.application.rules_steps import under_notice
from tests.on_time import on_time

pytestmark = pytest.mark.stores("sqlite", "postgres")

LISTED = OBJECTED
"""Objected to during the 2025 notice, then listed, then reported."""
PROV = Level.PROVINCIAL
FILER = s.credit_code(92, "330200")
FILER_TOKEN = token("enterprise", "330200", uscc=FILER, sub="custody-filer-5e1d")
NAME, CONTACT = "举报人钱七", "13698765432"
STATEMENT = "钱七反映：该厂夜间偷排含重金属废水"
EVIDENCE = "https://example.org/qianqi-video.mp4"
OBJECTOR, OBJECTOR_CONTACT = "异议人孙八", "sunba@example.org"
GROUNDS = "孙八称该厂环评批复系伪造"
SECRETS = (NAME, CONTACT, STATEMENT, EVIDENCE, OBJECTOR, OBJECTOR_CONTACT, GROUNDS)
WHY = "核实需电话联系举报人"


def forms(secret: str) -> list[bytes]:
    """How a secret would look stored: UTF-8, or JSON with non-ASCII escaped."""
    return [secret.encode(), json.dumps(secret).strip('"').encode()]


def assert_absent(blob: bytes, where: str, also: tuple[str, ...] = ()) -> None:
    for secret in (*SECRETS, *also):
        for form in forms(secret):
            assert form not in blob, (where, secret)


def lifecycle(api_app: Flask, client: FlaskClient) -> tuple[str, str]:
    """A report and an objection from filing to their end; returns their ids."""
    app = on_time(api_app.extensions["greenlist"].service)
    objection = object_to(app, client)  # the notice of 2025; then OBJECTED is listed
    report = {
        "target_type": "unit",
        "target_code": LISTED,
        "reporter_name": NAME,
        "reporter_contact": CONTACT,
        "evidence": [EVIDENCE],
        "content": STATEMENT,
    }
    headers = {**FILER_TOKEN, "Idempotency-Key": "custody-report-1"}
    filed = client.post("/api/v1/complaints", json=report, headers=headers)
    assert filed.status_code == 201, filed.json
    complaint = filed.json["id"]
    replay = client.post("/api/v1/complaints", json=report, headers=headers)
    assert replay.json["id"] == complaint
    base = f"/api/v1/complaints/{complaint}"
    assert client.put(f"{base}/acceptance", json={}, headers=city()).status_code == 200
    refused = client.post(f"{base}/disclosures", json={}, headers=city())
    assert refused.status_code == 422 and refused.json["rules"] == ["A23.1"]
    assert refused.json["messages"]["zh"] and refused.json["messages"]["en"]
    disclosed = client.post(f"{base}/disclosures", json={"reason": WHY}, headers=city())
    assert disclosed.status_code == 200 and disclosed.json["name"] == NAME
    case = client.get(base, headers=token("inspector")).json
    assert case["statement"] == STATEMENT and "name" not in case
    verdict = {"confirmed": True, "outcome": "rectification", "notes": "属实"}
    assert client.put(f"{base}/verification", json=verdict, headers=city()).status_code == 200
    rectified = client.put(f"{base}/rectification", json={"rectified": True}, headers=city())
    assert rectified.status_code == 200, rectified.json
    return complaint, objection


def object_to(app: Any, client: FlaskClient) -> str:
    under_notice(app, OBJECTED)
    body = {
        "occurred_at": "2025-09-05T10:00:00+08:00",
        "credit_code": OBJECTED,
        "objector_name": OBJECTOR,
        "objector_contact": OBJECTOR_CONTACT,
        "evidence": [EVIDENCE],
        "grounds": GROUNDS,
    }
    filed = client.post(f"{NOTICE}/objections", json=body)
    assert filed.status_code == 201, filed.json
    oid = str(filed.json["id"])
    base = f"/api/v1/objections/{oid}"
    at = {"occurred_at": "2025-09-06T10:00:00+08:00"}
    assert client.put(f"{base}/registration", json=at, headers=province()).status_code == 200
    decision = {
        "upheld": False,
        "reasons": "经核查不成立",
        "occurred_at": "2025-09-07T10:00:00+08:00",
    }
    assert client.put(f"{base}/decision", json=decision, headers=province()).status_code == 200
    shown = client.post(
        f"{base}/disclosures", json={"reason": "核实异议人身份"}, headers=province()
    )
    assert shown.status_code == 200 and shown.json["name"] == OBJECTOR
    return oid


def raw_store(store_url: str, tmp_path: Path) -> list[tuple[str, bytes]]:
    """Every stored byte of the store: each SQLite file beside it (WAL too) or each table of
    its PostgreSQL schema, row by row as text."""
    store = StoreUrl.parse(store_url)
    if store.kind == "sqlite":
        files = [(str(p), p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file()]
        assert any(b"snapshots" in blob for _, blob in files)
        return files
    found = []
    with psycopg.connect(store.conninfo, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (store.schema_name,),
        ).fetchall()
        for (table,) in tables:
            rows = conn.execute(f'SELECT t::text FROM "{store.schema_name}"."{table}" AS t')
            found.append((table, "\n".join(r[0] for r in rows).encode()))
    assert any(name.endswith("_events") for name, _ in found)
    assert any(name.endswith("_snapshots") and blob for name, blob in found)
    return found


def test_no_personal_data_at_rest_in_logs_or_metrics_and_disclosures_are_supervised(
    api_app: Flask,
    client: FlaskClient,
    store_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    complaint, objection = lifecycle(api_app, client)
    service = api_app.extensions["greenlist"].service
    for aggregate in (complaint, objection):  # snapshots hold the sealed state only
        service.take_snapshot(UUID(aggregate))
    api_app.extensions["greenlist_runner"].catch_up()
    for where, blob in raw_store(store_url, tmp_path):
        assert_absent(blob, where)
    assert '"act":"disclose_reporter"' in caplog.text  # the JSON lines were written
    assert_absent(caplog.text.encode(), "logs", (FILER, "custody-filer-5e1d"))
    assert_absent(client.get("/metrics").get_data(), "/metrics")

    supervision = client.get("/api/v1/supervision", headers=token("inspector")).json
    disclosures = [(r["event_type"], r["act"], r["reason"]) for r in supervision["reporter_reads"]]
    assert ("ReporterDisclosed", "disclosure", WHY) in disclosures
    assert ("ObjectorDisclosed", "disclosure", "核实异议人身份") in disclosures
    readers = (enterprise(LISTED), FILER_TOKEN, {}, city("330200"), token("auditor"))
    filers = (FILER, "custody-filer-5e1d")
    assert_no_read_names(api_app, client, LISTED, (*SECRETS, *filers), filers, readers)


def test_an_erased_report_keeps_its_leaf_and_the_log_verifies(
    api_app: Flask,
    client: FlaskClient,
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    complaint, _ = lifecycle(api_app, client)
    key = tmp_path / "keys" / "log.key"
    assert cli.main(["log-key", "--generate", str(key)]) == 0
    monkeypatch.setenv("GREENLIST_LOG_KEY_FILE", str(key))
    monkeypatch.setenv("GREENLIST_CHECKPOINT_DIR", str(tmp_path / "witness"))
    assert cli.main(["checkpoint", "--database-url", store_url]) == 0
    api_app.extensions["greenlist_runner"].catch_up()
    proof = client.get("/api/v1/audit-trail?type=ComplaintFiled", headers=province()).json
    position = proof["items"][0]["position"]
    leaf_before = leaf(client, position)

    base = f"/api/v1/complaints/{complaint}"
    refused = client.post(f"{base}/erasure", json={"reason": ""}, headers=city())
    assert refused.status_code == 422 and refused.json["rules"] == ["A23.1"]
    erased = client.post(f"{base}/erasure", json={"reason": "举报人申请删除"}, headers=city())
    assert erased.status_code == 200, erased.json
    gone = client.post(f"{base}/disclosures", json={"reason": WHY}, headers=token("inspector"))
    assert gone.status_code == 410 and gone.json["rules"] == ["A23.1"]
    assert "举报人申请删除" in gone.json["messages"]["zh"]
    assert client.get(base, headers=city()).json["erased_because"] == "举报人申请删除"
    assert leaf(client, position) == leaf_before
    assert cli.main(["checkpoint", "--database-url", store_url]) == 0
    assert cli.main(["verify", "--database-url", store_url]) == 0
    api_app.extensions["greenlist_runner"].catch_up()
    supervision = client.get("/api/v1/supervision", headers=token("inspector")).json
    erasures = [r for r in supervision["reporter_reads"] if r["act"] == "erasure"]
    assert [(r["actor_role"], r["reason"]) for r in erasures] == [("city", "order: 举报人申请删除")]


def leaf(client: FlaskClient, position: int) -> Any:
    proof = client.get(f"/api/v1/log/proof/inclusion?position={position}", headers=province()).json
    return proof.get("leaf_hash", proof)
