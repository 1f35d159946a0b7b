"""Issue 11 item 7: an Idempotency-Key claimed by a request whose process died before it kept
its response must not answer 409 for ever. The claim expires (`claim_seconds`, by the wall
clock); the next retry of the same request takes it over and runs; what completed is still
replayed, never run again. On every store (the claims live in the views' database)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask, Response, g
from flask.testing import FlaskClient

from api.idempotency import SCOPE_FORMAT as SCOPE
from api.idempotency import TABLE, Idempotency, fingerprint
from domain.clock import SettableClock
from greenlist.config import views_db
from greenlist.web import make_app
from simulation import scenarios as s
from tests.api.conftest import SECRET, city, event_count
from tests.api.test_units import register

T0 = time.time()
BODY = {"facts": s.FACTORY_FACTS, "year": 2025}


class WallClock:
    """The wall clock the claims are judged by, moved by the test."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def wall(api_app: Flask) -> WallClock:
    clock = WallClock()
    api_app.extensions["greenlist"].idempotency.clock = clock
    return clock


def registered(client: FlaskClient, n: int) -> str:
    code = s.credit_code(n)
    register(client, code)
    return code


def crashed(app: Flask, path: str, body: dict[str, Any], headers: dict[str, str]) -> None:
    """What a request leaves behind when its process dies after claiming its key and before
    keeping its response: its claim, made as a live request makes it, never completed."""
    idempotency: Idempotency = app.extensions["greenlist"].idempotency
    with app.test_request_context(path, method="POST", json=body, headers=headers):
        app.preprocess_request()  # authentication: the caller's scope
        request_fingerprint = fingerprint(idempotency.secret)
        scope = idempotency.scope(g.actor, request_fingerprint)
        key = headers["Idempotency-Key"]
        assert idempotency._claim(key, scope, request_fingerprint, "crashed") is None


def test_a_crashed_requests_claim_expires_and_its_retry_runs_exactly_once(
    api_app: Flask, client: FlaskClient, wall: WallClock
) -> None:
    code = registered(client, 41)
    path, headers = f"/api/v1/units/{code}/cultivation", {**city(), "Idempotency-Key": "c-41"}
    crashed(api_app, path, BODY, headers)
    before = event_count(api_app)

    wall.now = T0 + 60  # within the claim: the crashed request might still be running
    running = client.post(path, json=BODY, headers=headers)
    assert running.status_code == 409 and "still running" in running.json["detail"]
    assert event_count(api_app) == before

    wall.now = T0 + 91  # past the default 90 s: the claim was a dead request's
    retried = client.post(path, json=BODY, headers=headers)
    assert retried.status_code == 200 and "Idempotent-Replayed" not in retried.headers
    assert event_count(api_app) == before + 1

    wall.now = T0 + 10_000  # a kept response never expires: replayed, never run again
    replayed = client.post(path, json=BODY, headers=headers)
    assert replayed.status_code == 200 and replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json == retried.json
    assert event_count(api_app) == before + 1


def test_a_completed_request_is_replayed_however_late_the_retry(
    api_app: Flask, client: FlaskClient, wall: WallClock
) -> None:
    code = registered(client, 42)
    path, headers = f"/api/v1/units/{code}/cultivation", {**city(), "Idempotency-Key": "c-42"}
    first = client.post(path, json=BODY, headers=headers)
    count = event_count(api_app)
    for later in (91, 3600, 30 * 86400):
        wall.now = T0 + later
        again = client.post(path, json=BODY, headers=headers)
        assert again.status_code == first.status_code == 200
        assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert event_count(api_app) == count


def test_an_expired_claim_binds_its_key_to_its_request_still(
    api_app: Flask, client: FlaskClient, wall: WallClock
) -> None:
    """Only a retry of the very request takes an expired claim over: another request with
    that key is refused (422), as while the claim held."""
    code = registered(client, 43)
    path, headers = f"/api/v1/units/{code}/cultivation", {**city(), "Idempotency-Key": "c-43"}
    crashed(api_app, path, BODY, headers)
    wall.now = T0 + 1000
    other = client.post(path, json={**BODY, "year": 2026}, headers=headers)
    assert other.status_code == 422 and "different request" in other.json["detail"]


def test_a_request_that_outlived_its_claim_neither_keeps_nor_releases_its_successors(
    api_app: Flask, client: FlaskClient, wall: WallClock
) -> None:
    """A request slower than the expiry (it did not die after all) finishes after its retry
    took the key over: its response is not kept over the retry's, its release frees nothing."""
    code = registered(client, 44)
    path, headers = f"/api/v1/units/{code}/cultivation", {**city(), "Idempotency-Key": "c-44"}
    crashed(api_app, path, BODY, headers)  # claim "crashed", still running in truth
    wall.now = T0 + 91
    successor = client.post(path, json=BODY, headers=headers)
    assert successor.status_code == 200
    idempotency: Idempotency = api_app.extensions["greenlist"].idempotency
    (row,) = api_app.extensions["greenlist"].views.query(
        f"SELECT actor FROM {TABLE} WHERE key = ?", ("c-44",)
    )
    late = Response('{"late": true}', 200)
    idempotency._keep("c-44", row["actor"], "crashed", late)
    idempotency._release("c-44", row["actor"], "crashed")
    replayed = client.post(path, json=BODY, headers=headers)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json == successor.json


def test_of_two_retries_after_the_expiry_one_takes_the_claim(store_url: str) -> None:
    """Two processes (two Idempotency objects on one views' database) retry the same request
    once its claim expired: the first takes it over, the second finds it held (409)."""
    db = views_db(store_url)
    try:
        first, second = (Idempotency(db, b"k" * 32, clock=lambda: T0) for _ in range(2))
        assert first._claim("k", SCOPE + "scope", "fp", "crashed") is None
        for process in (first, second):
            process.clock = lambda: T0 + 91
        assert first._claim("k", SCOPE + "scope", "fp", "retry-1") is None
        held = second._claim("k", SCOPE + "scope", "fp", "retry-2")
        assert held is not None and held.status_code == 409
    finally:
        db.close()


@pytest.mark.stores("sqlite", "postgres")
def test_a_claims_table_from_before_expiries_gets_them(store_url: str) -> None:
    """A store written by an earlier version (no `claimed_at`): opened, its pending claims
    are held one full period from then, and expire after it."""
    db = views_db(store_url)
    try:
        with db.transaction() as tx:
            tx.execute(
                f"CREATE TABLE {TABLE} (key TEXT NOT NULL, actor TEXT NOT NULL, claim TEXT NOT "
                "NULL, fingerprint TEXT NOT NULL, status INTEGER, body TEXT, headers TEXT, "
                "PRIMARY KEY (key, actor))"
            )
            tx.execute(
                f"INSERT INTO {TABLE} (key, actor, claim, fingerprint) VALUES (?, ?, ?, ?)",
                ("old", SCOPE + "scope", "crashed-long-ago", "fp"),
            )
        idempotency = Idempotency(db, b"k" * 32, clock=lambda: T0)
        held = idempotency._claim("old", SCOPE + "scope", "fp", "retry")
        assert held is not None and held.status_code == 409
        idempotency.clock = lambda: T0 + 91
        assert idempotency._claim("old", SCOPE + "scope", "fp", "retry") is None
        Idempotency(db, b"k" * 32)  # opened again: nothing to upgrade twice
    finally:
        db.close()


@pytest.mark.stores("sqlite")
def test_the_expiry_is_a_setting(
    store_url: str, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GREENLIST_JWT_SECRET", SECRET)
    expiries: list[float] = []
    for configured in ("", "5"):
        monkeypatch.setenv("GREENLIST_IDEMPOTENCY_CLAIM_SECONDS", configured)
        app = make_app(store_url, clock, follow=False)
        expiries.append(app.extensions["greenlist"].idempotency.claim_seconds)
        app.extensions["greenlist"].service.close()
    assert expiries == [90.0, 5.0]
    monkeypatch.setenv("GREENLIST_IDEMPOTENCY_CLAIM_SECONDS", "0")
    with pytest.raises(ValueError, match="GREENLIST_IDEMPOTENCY_CLAIM_SECONDS"):
        make_app(store_url, clock, follow=False)
