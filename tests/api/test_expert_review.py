"""The expert review's own acts over HTTP (A15.2): a drawn expert's score of a unit at
`POST /api/v1/rounds/{level}/{year}/units/{code}/scores` (once; a correction with a
justification), read back from the rounds read model, and the discipline inspection committee's
on-site supervision at `POST /api/v1/rounds/{level}/{year}/supervision`, shown in supervision
and the audit trail. Both act on the round: its ETag, If-Match (a version or `*`) and
Idempotency-Key apply."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from domain.aggregates.round import round_id
from domain.aggregates.unit import unit_id
from simulation import scenarios as s
from tests.api.conftest import city, enterprise, event_count, province, token
from tests.api.selection import PROVINCIAL, ROUNDS, nominated, on, refused, service

OPINION = "工艺先进，能耗数据可信"
CORRECTION = "录入错误，更正为总分"
INSPECTOR = token("inspector", sub=s.INSPECTOR.id)


def expert(expert_id: str) -> dict[str, str]:
    return token("expert", sub=expert_id)


def panel_drawn(api_app: Flask, serial: int) -> tuple[str, list[str], str]:
    """Nominated, past the preliminary review, a panel of three drawn from nine experts: the
    unit's code, its panel and an expert of the pool not on it."""
    code = nominated(api_app, serial)
    svc = service(api_app)
    s.ensure_experts(svc, 9)
    svc.record_preliminary_review(s.PROVINCE_ACTOR, code, PROVINCIAL, True)
    drawn = svc.draw_expert_panel(s.PROVINCE_ACTOR, code, PROVINCIAL, 2025, 3)
    panel = list(drawn.details["panel"])
    outsider = next(f"E{i:03d}" for i in range(9) if f"E{i:03d}" not in panel)
    return code, panel, outsider


def scores_url(code: str) -> str:
    return f"{ROUNDS}/units/{code}/scores"


def score(
    client: FlaskClient, code: str, headers: dict[str, str], points: float = 88.0, **body: str
) -> TestResponse:
    payload = {"score": points, "opinion": OPINION, "occurred_at": on(7, 15), **body}
    return client.post(scores_url(code), json=payload, headers=headers)


def catch_up(api_app: Flask) -> None:
    api_app.extensions["greenlist_runner"].catch_up()


def test_a_drawn_expert_scores_the_unit_on_the_round(api_app: Flask, client: FlaskClient) -> None:
    code, panel, _ = panel_drawn(api_app, 51)
    version = client.get(ROUNDS, headers=province()).headers["ETag"]
    done = score(client, code, {**expert(panel[0]), "If-Match": version})
    assert done.status_code == 201, done.json
    assert done.json["id"] == str(round_id(PROVINCIAL, 2025))
    assert done.json["details"] == {"unit_id": str(unit_id(code)), "previous_score": None}
    assert done.headers["ETag"] == f'"{done.json["version"]}"' != version
    catch_up(api_app)
    rows = client.get(f"{ROUNDS}/scores", headers=province()).json
    assert rows["total"] == 1
    (row,) = rows["items"]
    assert (row["credit_code"], row["expert_id"], row["score"]) == (code, panel[0], 88.0)
    assert (row["opinion"], row["corrections"], row["previous_score"]) == (OPINION, 0, None)


def test_an_expert_not_on_the_units_panel_is_refused(api_app: Flask, client: FlaskClient) -> None:
    code, _, outsider = panel_drawn(api_app, 52)
    before = event_count(api_app)
    refused(api_app, before, score(client, code, expert(outsider)), 403, "A15.2")
    for other in (province(), city(), enterprise(code), INSPECTOR, token("auditor")):
        refused(api_app, before, score(client, code, other), 403)


def test_no_one_scores_before_the_panel_is_drawn(api_app: Flask, client: FlaskClient) -> None:
    code = nominated(api_app, 53)
    before = event_count(api_app)
    refused(api_app, before, score(client, code, expert("E000")), 403, "A15.2")


def test_a_correction_needs_a_justification_and_shows_in_supervision(
    api_app: Flask, client: FlaskClient
) -> None:
    code, panel, _ = panel_drawn(api_app, 54)
    assert score(client, code, expert(panel[1]), 78.0).status_code == 201
    before = event_count(api_app)
    refused(api_app, before, score(client, code, expert(panel[1]), 87.0), 422, "A15.2")
    corrected = score(client, code, expert(panel[1]), 87.0, justification=CORRECTION)
    assert corrected.status_code == 201, corrected.json
    assert corrected.json["details"]["previous_score"] == 78.0
    catch_up(api_app)
    (row,) = client.get(f"{ROUNDS}/scores", headers=token("auditor")).json["items"]
    assert (row["score"], row["previous_score"], row["corrections"]) == (87.0, 78.0, 1)
    assert row["justification"] == CORRECTION
    supervision = client.get("/api/v1/supervision", headers=INSPECTOR).json
    (exception,) = [e for e in supervision["exceptions"] if e["event_type"] != "RoundOpened"]
    assert (exception["event_type"], exception["exceptions"]) == ("ExpertScoreRecorded", ["A15.2"])
    assert (exception["credit_code"], exception["actor_id"]) == (code, panel[1])
    assert exception["justification"] == CORRECTION


def test_the_scores_are_read_by_the_organisers_and_supervisors_and_each_expert_reads_their_own(
    api_app: Flask, client: FlaskClient
) -> None:
    code, panel, outsider = panel_drawn(api_app, 55)
    for points, who in zip((80.0, 85.0), panel, strict=False):
        assert score(client, code, expert(who), points).status_code == 201
    catch_up(api_app)
    url = f"{ROUNDS}/scores"
    for reader in (province(), token("codept"), INSPECTOR, token("auditor")):
        assert client.get(url, headers=reader).json["total"] == 2
    mine = client.get(url, headers=expert(panel[0])).json["items"]
    assert [(r["expert_id"], r["score"]) for r in mine] == [(panel[0], 80.0)]
    assert client.get(url, headers=expert(outsider)).json["items"] == []
    for other in (city(), enterprise(code)):
        assert client.get(url, headers=other).status_code == 403
    assert client.get(url).status_code == 401


def test_a_score_is_a_number_from_0_to_100(api_app: Flask, client: FlaskClient) -> None:
    code, panel, _ = panel_drawn(api_app, 56)
    before = event_count(api_app)
    for bad in (101, -1, "90"):
        response = client.post(scores_url(code), json={"score": bad}, headers=expert(panel[0]))
        refused(api_app, before, response, 422)
        assert set(response.json["errors"]["json"]) == {"score"}


def test_the_inspectors_record_their_on_site_supervision(
    api_app: Flask, client: FlaskClient
) -> None:
    code, _, _ = panel_drawn(api_app, 57)
    url = f"{ROUNDS}/supervision"
    body = {"activity": "expert_review", "notes": "评审全过程现场监督", "occurred_at": on(7, 15)}
    before = event_count(api_app)
    for other in (province(), city(), expert("E000"), token("auditor"), token("codept")):
        refused(api_app, before, client.post(url, json=body, headers=other), 403)
    refused(api_app, before, client.post(url, json=body), 401)
    unknown = client.post(url, json={**body, "activity": "banquet"}, headers=INSPECTOR)
    refused(api_app, before, unknown, 422)
    assert set(unknown.json["errors"]["json"]) == {"activity"}
    nowhere = client.post("/api/v1/rounds/national/2030/supervision", json=body, headers=INSPECTOR)
    refused(api_app, before, nowhere, 404)
    done = client.post(url, json=body, headers=INSPECTOR)
    assert done.status_code == 201, done.json
    assert done.json["id"] == str(round_id(PROVINCIAL, 2025)) and done.headers["ETag"]
    catch_up(api_app)
    (row,) = client.get("/api/v1/supervision", headers=token("auditor")).json["on_site"]
    assert (row["activity"], row["notes"], row["round_label"]) == (
        "expert_review",
        "评审全过程现场监督",
        "2025年省级遴选",
    )
    assert (row["actor_id"], row["actor_role"], row["event_type"]) == (
        s.INSPECTOR.id,
        "inspector",
        "OnSiteSupervisionRecorded",
    )
    trail = client.get(
        "/api/v1/audit-trail?type=OnSiteSupervisionRecorded", headers=INSPECTOR
    ).json["items"]
    assert [(r["summary"], r["rules"]) for r in trail] == [
        ("机关纪委对2025年省级遴选专家评审进行现场监督", ["A15.2"])
    ]
    scored = client.get(f"/api/v1/audit-trail?unit={code}", headers=INSPECTOR).json["items"]
    assert "OnSiteSupervisionRecorded" not in {r["event_type"] for r in scored}


def test_a_score_shows_in_the_audit_trail_under_the_unit(
    api_app: Flask, client: FlaskClient
) -> None:
    code, panel, _ = panel_drawn(api_app, 58)
    assert score(client, code, expert(panel[2]), 90.0).status_code == 201
    catch_up(api_app)
    trail = client.get(
        f"/api/v1/audit-trail?unit={code}&type=ExpertScoreRecorded", headers=token("auditor")
    ).json["items"]
    assert [(r["summary"], r["actor_id"], r["rules"]) for r in trail] == [
        (f"评审专家{panel[2]}在2025年省级遴选中为该单位评分90", panel[2], ["A15.2"])
    ]


# --- If-Match: * (RFC 9110: true when the record exists) --------------------------------------


def test_if_match_any_passes_for_an_existing_record(api_app: Flask, client: FlaskClient) -> None:
    code, panel, _ = panel_drawn(api_app, 59)
    done = score(client, code, {**expert(panel[0]), "If-Match": "*"})
    assert done.status_code == 201, done.json
    quota = client.put(
        f"{ROUNDS}/quotas/330300",
        json={"quota": 4, "justification": "调整"},
        headers={**province(), "If-Match": " * "},
    )
    assert quota.status_code == 200, quota.json
    before = event_count(api_app)
    stale = score(client, code, {**expert(panel[1]), "If-Match": '"1"'})
    refused(api_app, before, stale, 412)


def test_if_match_any_fails_when_the_act_would_create_the_record(
    api_app: Flask, client: FlaskClient
) -> None:
    """The expert pool is opened by its first enrolment: under `If-Match: *` (or any version)
    there is no record to match yet (412); once it exists, `*` matches."""
    enrol = {"expert_id": "E-IM", "name": "专家", "employer_code": s.credit_code(990)}
    before = event_count(api_app)
    for tag in ("*", '"1"'):
        response = client.post(
            "/api/v1/experts", json=enrol, headers={**province(), "If-Match": tag}
        )
        refused(api_app, before, response, 412)
    assert client.post("/api/v1/experts", json=enrol, headers=province()).status_code == 201
    second = {**enrol, "expert_id": "E-IM2"}
    done = client.post("/api/v1/experts", json=second, headers={**province(), "If-Match": "*"})
    assert done.status_code == 201, done.json


def test_if_match_any_leaves_an_unknown_record_not_found(
    api_app: Flask, client: FlaskClient
) -> None:
    """RFC 9110 13.2.1: a request that would fail without its preconditions fails the same
    way with them: a unit that does not exist is 404, not 412."""
    before = event_count(api_app)
    nowhere = client.post(
        f"/api/v1/units/{s.credit_code(97)}/cultivation",
        json={"year": 2025, "facts": s.FACTORY_FACTS},
        headers={**city(), "If-Match": "*"},
    )
    refused(api_app, before, nowhere, 404)
