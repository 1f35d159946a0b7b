"""The round resources over HTTP: opening and reading a round, quotas (A13.2), the site
sample (A15.3), the notice (A16.1), co-signatures and publication (A16.2), the expert pool."""

from __future__ import annotations

import time

import jwt
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from domain.aggregates.round import round_id
from domain.aggregates.unit import unit_id
from simulation import scenarios as s
from tests.api.conftest import SECRET, city, event_count, province, token
from tests.api.selection import (
    PROVINCIAL,
    ROUNDS,
    nominated,
    on,
    refused,
    reviewed,
    service,
    under_notice,
)

QUOTAS = {"330100": 2, "330200": 1}
NDRC = token("codept", sub="ndrc-staff-01", department="ndrc")
ECO_ENV = token("codept", sub="sthjt-staff-01", department="eco_env")


def open_round(client: FlaskClient, level: str = "provincial", **headers: str) -> TestResponse:
    body = {"level": level, "year": 2025, "quotas": QUOTAS, "occurred_at": on(3, 1)}
    return client.post("/api/v1/rounds", json=body, headers=headers or province())


def test_the_province_opens_a_round_and_the_province_wide_readers_read_it(
    client: FlaskClient,
) -> None:
    opened = open_round(client)
    assert opened.status_code == 201, opened.json
    assert opened.headers["Location"] == ROUNDS and opened.headers["ETag"] == '"1"'
    read = client.get(ROUNDS, headers=token("auditor"))
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'
    assert read.json["id"] == str(round_id(PROVINCIAL, 2025)) == opened.json["id"]
    assert read.json["quotas"] == QUOTAS and read.json["nominations"] == {}
    assert read.json["notice"] is None and read.json["published_on"] is None


def test_a_round_is_refused_for_the_municipal_list_for_others_and_twice(
    api_app: Flask, client: FlaskClient
) -> None:
    before = event_count(api_app)
    refused(api_app, before, open_round(client, "municipal"), 422, "A13.1")
    refused(api_app, before, open_round(client, **city()), 403)
    bad = client.post(
        "/api/v1/rounds",
        json={"level": "national", "year": 2025, "quotas": {"339900": 1}},
        headers=province(),
    )
    refused(api_app, before, bad, 422)
    assert "quotas" in bad.json["errors"]["json"]
    assert open_round(client).status_code == 201
    before = event_count(api_app)
    refused(api_app, before, open_round(client), 409)


def test_reading_an_unknown_round_or_without_a_token_is_refused(
    api_app: Flask, client: FlaskClient
) -> None:
    refused(api_app, 0, client.get("/api/v1/rounds/national/2030", headers=city()), 404)
    refused(api_app, 0, client.get("/api/v1/rounds/municipal/2025", headers=city()), 404)
    refused(api_app, 0, client.get(ROUNDS), 401)


def test_the_province_sets_a_quota_under_if_match(api_app: Flask, client: FlaskClient) -> None:
    open_round(client)
    url = f"{ROUNDS}/quotas/330300"
    body = {"quota": 4, "justification": "温州市培育体系扩充"}
    done = client.put(url, json=body, headers={**province(), "If-Match": '"1"'})
    assert done.status_code == 200 and done.headers["ETag"] == '"2"'
    assert client.get(ROUNDS, headers=city("330300")).json["quotas"] == {"330300": 4}
    before = event_count(api_app)
    refused(
        api_app, before, client.put(url, json=body, headers={**province(), "If-Match": '"1"'}), 412
    )
    refused(api_app, before, client.put(url, json=body, headers=city("330300")), 403)


def test_a_quota_below_the_nominations_made_or_for_no_city_is_refused(
    api_app: Flask, client: FlaskClient
) -> None:
    nominated(api_app, 11)
    before = event_count(api_app)
    below = client.put(
        f"{ROUNDS}/quotas/330100", json={"quota": 0, "justification": "压缩"}, headers=province()
    )
    refused(api_app, before, below, 422, "A13.2")
    nowhere = client.put(
        f"{ROUNDS}/quotas/339900", json={"quota": 1, "justification": "x"}, headers=province()
    )
    refused(api_app, before, nowhere, 422, "A13.2")


def test_the_site_sample_is_drawn_once_from_the_units_past_the_expert_review(
    api_app: Flask, client: FlaskClient
) -> None:
    code = reviewed(api_app, 21)
    body = {"size": 1, "seed": "sample-1", "occurred_at": on(8, 1)}
    before = event_count(api_app)
    refused(api_app, before, client.post(f"{ROUNDS}/site-sample", json=body, headers=NDRC), 403)
    drawn = client.post(f"{ROUNDS}/site-sample", json=body, headers=province())
    assert drawn.status_code == 200, drawn.json
    assert drawn.json["details"]["sample"] == [str(unit_id(code))]
    assert client.get(ROUNDS, headers=city()).json["sample"] == [str(unit_id(code))]
    before = event_count(api_app)
    again = client.post(f"{ROUNDS}/site-sample", json=body, headers=province())
    refused(api_app, before, again, 422, "A15.3")


def test_the_notice_waits_for_the_sample_and_its_inspections(
    api_app: Flask, client: FlaskClient
) -> None:
    code = reviewed(api_app, 22)
    svc = service(api_app)
    body = {"occurred_at": on(9, 1)}
    before = event_count(api_app)
    refused(
        api_app,
        before,
        client.post(f"{ROUNDS}/notice", json=body, headers=province()),
        422,
        "A15.3",
    )
    svc.draw_site_sample(s.PROVINCE_ACTOR, PROVINCIAL, 2025, 1, seed="x")
    before = event_count(api_app)
    refused(
        api_app,
        before,
        client.post(f"{ROUNDS}/notice", json=body, headers=province()),
        422,
        "A15.3",
    )
    svc.record_site_inspection(s.PROVINCE_ACTOR, code, PROVINCIAL, True)
    before = event_count(api_app)
    refused(api_app, before, client.post(f"{ROUNDS}/notice", json=body, headers=city()), 403)
    opened = client.post(f"{ROUNDS}/notice", json=body, headers=province())
    assert opened.status_code == 200, opened.json
    assert opened.json["details"]["last_day"] == "2025-09-15"
    assert svc.get_unit(code).status(PROVINCIAL) == "under_notice"
    before = event_count(api_app)
    refused(
        api_app,
        before,
        client.post(f"{ROUNDS}/notice", json=body, headers=province()),
        422,
        "A16.1",
    )


def test_the_co_publishing_departments_sign_once_each_and_no_one_else_signs(
    api_app: Flask, client: FlaskClient
) -> None:
    open_round(client)
    url = f"{ROUNDS}/cosignatures"
    before = event_count(api_app)
    for other in (province(), city(), token("auditor")):
        refused(api_app, before, client.post(url, json={"department": "ndrc"}, headers=other), 403)
    unknown = client.post(url, json={"department": "mof"}, headers=NDRC)
    refused(api_app, before, unknown, 422)
    assert "department" in unknown.json["errors"]["json"]
    assert client.post(url, json={"department": "ndrc"}, headers=NDRC).status_code == 200
    before = event_count(api_app)
    for_another = client.post(url, json={"department": "eco_env"}, headers=NDRC)
    refused(api_app, before, for_another, 403, "ID.3", "A16.2")
    second_signatory = token("codept", sub="ndrc-staff-02", department="ndrc")
    refused(api_app, before, client.post(url, json={}, headers=second_signatory), 422, "A16.2")
    assert client.post(url, json={}, headers=ECO_ENV).status_code == 200  # its token's department
    assert client.get(ROUNDS, headers=NDRC).json["cosigned"] == ["eco_env", "ndrc"]


def test_a_co_publishing_signature_needs_the_department_in_the_token(
    api_app: Flask, client: FlaskClient
) -> None:
    """A16.2: the department is bound to the signer's token, never chosen in the body."""
    open_round(client)
    before = event_count(api_app)
    now = int(time.time())
    claims = {"sub": "codept-1", "role": "codept", "region": "330000", "iat": now}
    for extra in ({}, {"department": "mof"}, {"department": ["ndrc"]}):
        forged = jwt.encode({**claims, "exp": now + 600, **extra}, SECRET, algorithm="HS256")
        response = client.post(
            f"{ROUNDS}/cosignatures",
            json={"department": "ndrc"},
            headers={"Authorization": f"Bearer {forged}"},
        )
        refused(api_app, before, response, 401)


def test_publication_waits_for_the_end_of_the_notice_and_both_signatures(
    api_app: Flask, client: FlaskClient
) -> None:
    code = under_notice(api_app, 23)
    url = f"{ROUNDS}/publication"
    before = event_count(api_app)
    early = client.post(url, json={"occurred_at": on(9, 15, 23)}, headers=province())
    refused(api_app, before, early, 422, "A16.1")
    unsigned = client.post(url, json={"occurred_at": on(9, 16)}, headers=province())
    refused(api_app, before, unsigned, 422, "A16.2")
    svc = service(api_app)
    svc.cosign_publication(s.NDRC, PROVINCIAL, 2025, "ndrc")
    svc.cosign_publication(s.ECO_ENV, PROVINCIAL, 2025, "eco_env")
    before = event_count(api_app)
    refused(api_app, before, client.post(url, json={"occurred_at": on(9, 16)}, headers=NDRC), 403)
    done = client.post(url, json={"occurred_at": on(9, 16)}, headers=province())
    assert done.status_code == 200, done.json
    assert done.json["details"]["listed"] == [str(unit_id(code))]
    assert svc.get_unit(code).status(PROVINCIAL) == "listed"
    assert client.get(ROUNDS, headers=city()).json["published_on"] == "2025-09-16"


def test_the_province_enrols_experts_once_each(api_app: Flask, client: FlaskClient) -> None:
    body = {"expert_id": "E-1", "name": "王专家", "employer_code": s.credit_code(901)}
    enrolled = client.post("/api/v1/experts", json=body, headers=province())
    assert enrolled.status_code == 201, enrolled.json
    before = event_count(api_app)
    refused(
        api_app, before, client.post("/api/v1/experts", json=body, headers=province()), 422, "A15.2"
    )
    refused(api_app, before, client.post("/api/v1/experts", json=body, headers=city()), 403)
    bad = client.post(
        "/api/v1/experts",
        json={**body, "expert_id": "E-2", "employer_code": "123"},
        headers=province(),
    )
    refused(api_app, before, bad, 422)
    assert set(bad.json["errors"]["json"]) == {"employer_code"}
