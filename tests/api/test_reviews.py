"""A unit's way through the round over HTTP: nomination (A13.2, A14), preliminary review
(A15.1), panel draw and expert review (A15.2), site inspection (A15.3), objections (A16.1)."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from domain.aggregates.round import round_id
from domain.aggregates.unit import unit_id
from simulation import scenarios as s
from tests.api.conftest import city, enterprise, event_count, province, token
from tests.api.selection import (
    PROVINCIAL,
    ROUNDS,
    candidate,
    nominated,
    on,
    refused,
    reviewed,
    service,
    under_notice,
)


def units(code: str, act: str) -> str:
    return f"/api/v1/units/{code}/{act}"


def nominate(
    client: FlaskClient, code: str, at: str, justification: str = "", **headers: str
) -> TestResponse:
    body = {"level": "provincial", "year": 2025, "justification": justification, "occurred_at": at}
    return client.post(units(code, "nominations"), json=body, headers=headers or city())


def test_a_city_nominates_its_unit_by_30_june(api_app: Flask, client: FlaskClient) -> None:
    code = candidate(api_app, 31)
    done = nominate(client, code, on(6, 30, 23))
    assert done.status_code == 201, done.json
    assert done.json["id"] == str(unit_id(code)) and done.headers["ETag"]
    assert client.get(ROUNDS, headers=city()).json["nominations"] == {str(unit_id(code)): "330100"}


def test_a_nomination_after_30_june_is_refused(api_app: Flask, client: FlaskClient) -> None:
    code = candidate(api_app, 32)
    before = event_count(api_app)
    refused(api_app, before, nominate(client, code, on(7, 1, 0)), 422, "A14.1")


def test_a_nomination_beyond_the_citys_quota_is_refused(
    api_app: Flask, client: FlaskClient
) -> None:
    first, second = candidate(api_app, 33), candidate(api_app, 34)
    service(api_app).set_quota(s.PROVINCE_ACTOR, PROVINCIAL, 2025, "330100", 1, "名额压缩")
    assert nominate(client, first, on(6, 1)).status_code == 201
    before = event_count(api_app)
    refused(api_app, before, nominate(client, second, on(6, 2)), 422, "A13.2")


def test_a_unit_off_the_municipal_list_needs_a_written_justification(
    api_app: Flask, client: FlaskClient
) -> None:
    code = candidate(api_app, 35, municipal=False)
    before = event_count(api_app)
    refused(api_app, before, nominate(client, code, on(6, 1)), 422, "A14.2")
    done = nominate(client, code, on(6, 1), justification="市级名单评审延期，经研究破格推荐")
    assert done.status_code == 201, done.json
    last = client.get(units(code, "history"), headers=province()).json["items"][-1]
    assert last["type"] == "Nominated" and last["exceptions"] == ["A14.2"]


def test_only_the_units_own_city_nominates(api_app: Flask, client: FlaskClient) -> None:
    code = candidate(api_app, 36)
    before = event_count(api_app)
    refused(api_app, before, nominate(client, code, on(6, 1), **city("330200")), 403, "ID.3")
    refused(api_app, before, nominate(client, code, on(6, 1), **province()), 403)
    refused(api_app, before, nominate(client, code, on(6, 1), **enterprise(code)), 403)


def test_the_preliminary_review_comes_first_and_once(api_app: Flask, client: FlaskClient) -> None:
    code = candidate(api_app, 37)
    body = {"level": "provincial", "passed": True, "notes": "材料齐全", "occurred_at": on(7, 5)}
    url = units(code, "preliminary-review")
    before = event_count(api_app)
    refused(api_app, before, client.post(url, json=body, headers=province()), 422, "A15.1")
    service(api_app).nominate(
        s.city_actor(), code, PROVINCIAL, 2025, occurred_at=s.at(date(2025, 6, 1))
    )
    before = event_count(api_app)
    refused(api_app, before, client.post(url, json=body, headers=city()), 403)
    assert client.post(url, json=body, headers=province()).status_code == 200
    assert service(api_app).get_unit(code).status(PROVINCIAL) == "preliminary_passed"
    before = event_count(api_app)
    refused(api_app, before, client.post(url, json=body, headers=province()), 422, "A15.1")


def test_the_panel_excludes_conflicts_and_is_redrawn_only_with_a_reason(
    api_app: Flask, client: FlaskClient
) -> None:
    code = nominated(api_app, 38)
    svc = service(api_app)
    s.ensure_experts(svc, 3)
    svc.enrol_expert(s.PROVINCE_ACTOR, "E-conflict", "申报单位员工", code)
    url = units(code, "expert-panel")
    body = {"level": "provincial", "year": 2025, "size": 3, "occurred_at": on(7, 10)}
    before = event_count(api_app)
    refused(api_app, before, client.post(url, json=body, headers=province()), 422, "A15.1")
    svc.record_preliminary_review(s.PROVINCE_ACTOR, code, PROVINCIAL, True)
    before = event_count(api_app)
    refused(api_app, before, client.post(url, json=body, headers=city()), 403)
    drawn = client.post(url, json=body, headers=province())
    assert drawn.status_code == 200, drawn.json
    assert drawn.json["id"] == str(round_id(PROVINCIAL, 2025))
    assert (
        len(drawn.json["details"]["panel"]) == 3
        and "E-conflict" not in drawn.json["details"]["panel"]
    )
    before = event_count(api_app)
    refused(api_app, before, client.post(url, json=body, headers=province()), 422, "A15.2")
    bigger = {**body, "size": 4, "justification": "一名专家回避"}
    refused(api_app, before, client.post(url, json=bigger, headers=province()), 422, "A15.2")
    again = client.post(url, json={**body, "justification": "一名专家回避"}, headers=province())
    assert again.status_code == 200, again.json


def test_the_expert_review_needs_a_drawn_panel(api_app: Flask, client: FlaskClient) -> None:
    code = nominated(api_app, 39)
    svc = service(api_app)
    s.ensure_experts(svc, 3)
    svc.record_preliminary_review(s.PROVINCE_ACTOR, code, PROVINCIAL, True)
    url = units(code, "expert-review")
    body = {"level": "provincial", "passed": True, "score": 91.5, "occurred_at": on(7, 20)}
    before = event_count(api_app)
    refused(api_app, before, client.post(url, json=body, headers=province()), 422, "A15.2")
    svc.draw_expert_panel(s.PROVINCE_ACTOR, code, PROVINCIAL, 2025, size=3)
    before = event_count(api_app)
    refused(api_app, before, client.post(url, json=body, headers=token("expert")), 403)
    bad = client.post(url, json={**body, "score": 101}, headers=province())
    refused(api_app, before, bad, 422)
    assert set(bad.json["errors"]["json"]) == {"score"}
    assert client.post(url, json=body, headers=province()).status_code == 200
    standing = svc.get_unit(code).standing["provincial"]
    assert standing["status"] == "expert_passed" and standing["expert_score"] == 91.5


def test_only_sampled_units_are_inspected_on_site(api_app: Flask, client: FlaskClient) -> None:
    code = reviewed(api_app, 40)
    url = units(code, "site-inspection")
    body = {
        "level": "provincial",
        "passed": True,
        "notes": "设备与台账一致",
        "occurred_at": on(8, 10),
    }
    before = event_count(api_app)
    refused(api_app, before, client.post(url, json=body, headers=province()), 422, "A15.3")
    service(api_app).draw_site_sample(s.PROVINCE_ACTOR, PROVINCIAL, 2025, 1, seed="x")
    before = event_count(api_app)
    refused(api_app, before, client.post(url, json=body, headers=city()), 403)
    assert client.post(url, json=body, headers=province()).status_code == 200
    assert service(api_app).get_unit(code).status(PROVINCIAL) == "site_passed"


def test_objections_are_raised_during_the_notice_and_decided_by_the_province(
    api_app: Flask, client: FlaskClient
) -> None:
    code = under_notice(api_app, 41)
    url = units(code, "objections")
    body = {"level": "provincial", "summary": "环评批复与实际产能不符", "occurred_at": on(9, 5)}
    before = event_count(api_app)
    refused(api_app, before, client.post(url, json=body), 401)
    # the objector files at the public notice; here the province records what reached it
    # otherwise, so no objector enters the unit's history (A16.1, A23.1)
    for other in (city(), enterprise(s.credit_code(99))):
        refused(api_app, before, client.post(url, json=body, headers=other), 403, "ID.3")
    late = client.post(url, json={**body, "occurred_at": on(9, 16)}, headers=province())
    refused(api_app, before, late, 422, "A16.1")
    blank = client.post(url, json={**body, "summary": "   "}, headers=province())
    refused(api_app, before, blank, 422, "A16.1")
    raised = client.post(url, json=body, headers=province())
    assert raised.status_code == 201, raised.json
    objection = raised.json["details"]["objection_id"]
    decision = {"level": "provincial", "upheld": True, "justification": "核实属实"}
    before = event_count(api_app)
    refused(api_app, before, client.put(f"{url}/{objection}", json=decision, headers=city()), 403)
    unknown = client.put(f"{url}/{uuid4()}", json=decision, headers=province())
    refused(api_app, before, unknown, 422, "A16.1")
    decided = client.put(f"{url}/{objection}", json=decision, headers=province())
    assert decided.status_code == 200, decided.json
    before = event_count(api_app)
    refused(
        api_app,
        before,
        client.put(f"{url}/{objection}", json=decision, headers=province()),
        422,
        "A16.1",
    )
    svc = service(api_app)
    svc.cosign_publication(s.NDRC, PROVINCIAL, 2025, "ndrc")
    svc.cosign_publication(s.ECO_ENV, PROVINCIAL, 2025, "eco_env")
    published = client.post(
        f"{ROUNDS}/publication", json={"occurred_at": on(9, 16)}, headers=province()
    )
    assert published.json["details"]["withheld"] == [str(unit_id(code))]
    assert svc.get_unit(code).status(PROVINCIAL) == "withheld"
