"""The national list is MIIT's, over HTTP (A15.4, A16.3): the province recommends the national
round to MIIT, records MIIT's outcome per unit (listed or not, with its document number and
publication date) and back-enters the outcome of a legacy national listing; refusals are
problem+json naming A16.3 with zh/en messages, and record nothing."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from domain.aggregates.unit import unit_id
from domain.values import Level
from simulation import scenarios as s
from tests.api.conftest import city, event_count, province
from tests.api.selection import refused, service

YEAR, NYEAR = 2025, 2026
RECOMMENDATION = f"/api/v1/rounds/national/{NYEAR}/recommendation"


def at(month: int, day: int) -> str:
    return s.at(date(NYEAR, month, day)).isoformat()


def reviewed_nationally(api_app: Flask, serial: int) -> str:
    svc, code = service(api_app), s.credit_code(serial)
    s.list_provincially(svc, code, YEAR)
    s.evaluate(svc, code, Level.NATIONAL, NYEAR)
    s.ensure_round(svc, Level.NATIONAL, NYEAR)
    s.nominate_and_review(svc, code, Level.NATIONAL, NYEAR)
    s.sample_and_inspect(svc, Level.NATIONAL, NYEAR, 0)
    return code


def outcome(client: FlaskClient, code: str, listed: bool, when: str, number: str) -> object:
    body = {"year": NYEAR, "listed": listed, "document_number": number, "occurred_at": when}
    return client.post(f"/api/v1/units/{code}/miit-outcomes", json=body, headers=province())


def test_a16_3_the_province_recommends_to_miit_and_records_its_outcome(
    api_app: Flask, client: FlaskClient
) -> None:
    code = reviewed_nationally(api_app, 61)
    before = event_count(api_app)
    notice = client.post(
        f"/api/v1/rounds/national/{NYEAR}/notice",
        json={"occurred_at": at(9, 1)},
        headers=province(),
    )
    refused(api_app, before, notice, 422, "A16.3")
    refused(api_app, before, client.post(RECOMMENDATION, json={}, headers=city()), 403)
    sent = client.post(RECOMMENDATION, json={"occurred_at": at(9, 1)}, headers=province())
    assert sent.status_code == 200, sent.json
    rnd = f"/api/v1/rounds/national/{NYEAR}"
    recommendation = client.get(rnd, headers=province()).json["recommendation"]
    uid = str(unit_id(code))
    assert recommendation == {"recommended_on": f"{NYEAR}-09-01", "unit_ids": [uid]}
    other_city = client.get(rnd, headers=city("330200")).json["recommendation"]
    assert other_city["unit_ids"] == []
    document = s.miit_document(NYEAR, 301)
    before = event_count(api_app)
    refused(api_app, before, outcome(client, code, True, at(11, 20), " "), 422, "A16.3")
    refused(api_app, before, outcome(client, code, True, at(8, 20), document), 422, "A16.3")
    recorded = outcome(client, code, True, at(11, 20), document)
    assert recorded.status_code == 201, recorded
    unit = client.get(f"/api/v1/units/{code}", headers=province()).json
    national = unit["standing"]["national"]
    assert (national["status"], national["listed_on"]) == ("listed", f"{NYEAR}-11-20")
    assert national["miit_document"] == document
    before = event_count(api_app)
    refused(api_app, before, outcome(client, code, False, at(11, 21), document), 422, "A16.3")


def test_a16_3_the_migration_act_is_refused_without_a_legacy_national_listing(
    api_app: Flask, client: FlaskClient
) -> None:
    code = reviewed_nationally(api_app, 62)
    before = event_count(api_app)
    body = {"document_number": s.miit_document(NYEAR), "justification": "迁移"}
    migration = client.post(
        f"/api/v1/units/{code}/miit-outcomes/migration", json=body, headers=province()
    )
    refused(api_app, before, migration, 422, "A16.3")
