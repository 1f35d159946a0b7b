"""A15.2 over HTTP (issue 12 item 4): a panel draw nobody can steer. A body that states a seed is
refused (422 naming A15.2, in Chinese and English) and records nothing; the drawn panel is the
one anyone re-derives from the record (the log head it recorded, which the public log's own
proof confirms, the round, the unit and the candidates); a re-draw needs its reason and shows
in supervision as an exception."""

from __future__ import annotations

import base64
from types import SimpleNamespace

from flask import Flask
from flask.testing import FlaskClient

from auditlog.offline import verify_consistency
from domain import draws
from domain.aggregates.round import round_id
from domain.aggregates.unit import unit_id
from simulation import scenarios as s
from tests.api.conftest import event_count, province, token
from tests.api.selection import PROVINCIAL, ROUNDS, nominated, on, refused, service

REDRAW = "一名专家因回避事由退出，经批准重新抽取"


def panel_url(code: str) -> str:
    return f"/api/v1/units/{code}/expert-panel"


def ready_to_draw(api_app: Flask, serial: int) -> str:
    code = nominated(api_app, serial)
    svc = service(api_app)
    s.ensure_experts(svc, 5)
    svc.record_preliminary_review(s.PROVINCE_ACTOR, code, PROVINCIAL, True)
    return code


def test_a15_2_a_draw_that_states_its_seed_is_refused(api_app: Flask, client: FlaskClient) -> None:
    code = ready_to_draw(api_app, 61)
    body = {"level": "provincial", "year": 2025, "size": 3, "occurred_at": on(7, 10)}
    before = event_count(api_app)
    chosen = client.post(panel_url(code), json={**body, "seed": "p-1"}, headers=province())
    refused(api_app, before, chosen, 422, "A15.2")
    assert "seed" in chosen.json["detail"] and "种子" in chosen.json["messages"]["zh"]
    assert str(unit_id(code)) not in client.get(ROUNDS, headers=province()).json["panels"]
    assert client.post(panel_url(code), json=body, headers=province()).status_code == 200


def test_a15_2_the_panel_reruns_from_the_record_against_the_public_log(
    api_app: Flask, client: FlaskClient
) -> None:
    code = ready_to_draw(api_app, 62)
    body = {"level": "provincial", "year": 2025, "size": 3, "occurred_at": on(7, 10)}
    drawn = client.post(panel_url(code), json=body, headers=province())
    assert drawn.status_code == 200, drawn.json
    (record,) = [
        e for e in service(api_app).round_history(PROVINCIAL, 2025) if e.type == "ExpertPanelDrawn"
    ]
    fields = SimpleNamespace(**record.data)
    assert fields.seed_source == "log-head" and fields.exclusions == []
    rerun = draws.redraw_from_record(fields, round_id(PROVINCIAL, 2025))
    assert rerun == drawn.json["details"]["panel"] == fields.panel
    # the recorded root is the public log's root at that size, which the log extends since
    to = fields.log_size + 1
    proof = client.get(
        "/api/v1/log/proof/consistency", query_string={"from": fields.log_size, "to": to}
    )
    assert proof.status_code == 200, proof.json
    first_root = base64.b64decode(proof.json["first_root"])
    assert first_root.hex() == fields.log_root
    hashes = [base64.b64decode(h) for h in proof.json["proof"]]
    verify_consistency(
        fields.log_size, to, first_root, base64.b64decode(proof.json["second_root"]), hashes
    )


def test_a15_2_a_redraw_needs_its_reason_and_shows_in_supervision(
    api_app: Flask, client: FlaskClient
) -> None:
    code = ready_to_draw(api_app, 63)
    body = {"level": "provincial", "year": 2025, "size": 3, "occurred_at": on(7, 10)}
    first = client.post(panel_url(code), json=body, headers=province())
    assert first.status_code == 200, first.json
    before = event_count(api_app)
    refused(
        api_app, before, client.post(panel_url(code), json=body, headers=province()), 422, "A15.2"
    )
    again = client.post(panel_url(code), json={**body, "justification": REDRAW}, headers=province())
    assert again.status_code == 200, again.json
    api_app.extensions["greenlist_runner"].catch_up()
    supervision = client.get("/api/v1/supervision", headers=token("inspector")).json
    (row,) = [x for x in supervision["exceptions"] if x["event_type"] == "ExpertPanelDrawn"]
    assert (row["credit_code"], row["exceptions"], row["justification"]) == (
        code,
        ["A15.2"],
        REDRAW,
    )
    assert (row["actor_id"], row["actor_role"]) == ("province-330000", "province")  # its token
