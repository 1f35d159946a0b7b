"""Liveness, readiness, and 503 instead of 500 while the store is unreachable (issue 9, item 5).

`/health` answers whenever the process serves HTTP, store or no store. `/health/ready` is ready
when the store answers, this process's projection runner is alive and no read model lags by
more than the bound; otherwise a 503 problem naming each reason. A request that needs the
store while it is down gets a 503 problem with Retry-After and zh/en messages, never a 500.
The outages happen on a throwaway PostgreSQL server, never the shared one."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from domain.clock import SettableClock
from greenlist.serve import close_app
from greenlist.web import make_app
from simulation import scenarios as s
from tests.api.conftest import SECRET, city, token
from tests.throwaway_postgres import Cluster

TIMEOUT = 60.0


@pytest.fixture
def apps(
    clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., FlaskClient]]:
    """`apps(url, follow=..., max_lag=...)`: a client of the web app on a store, its in-process
    runner following the log when `follow`; closed afterwards."""
    monkeypatch.setenv("GREENLIST_JWT_SECRET", SECRET)
    made: list[Flask] = []

    def make(url: str, follow: bool = True, max_lag: int | None = None) -> FlaskClient:
        if max_lag is not None:
            monkeypatch.setenv("GREENLIST_READY_MAX_LAG", str(max_lag))
        app = make_app(url, clock, follow=follow)
        made.append(app)
        return app.test_client()

    yield make
    for app in made:
        close_app(app)


def register(client: FlaskClient, number: int) -> TestResponse:
    body = {"credit_code": s.credit_code(number), "kind": "factory", "name": "绿色工厂"}
    return client.post("/api/v1/units", json=body, headers=city())


def ready_within(
    client: FlaskClient, wanted: int = 200, until: Callable[[dict[str, Any]], bool] = bool
) -> dict[str, Any]:
    """/health/ready's answer once its status is `wanted` and its report satisfies `until`:
    the runner may be catching up, or waiting to reconnect."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        response = client.get("/health/ready")
        if response.status_code == wanted and until(dict(response.json or {})):
            return dict(response.json or {})
        assert time.monotonic() < deadline, (response.status_code, response.json)
        time.sleep(0.05)


def caught_up(report: dict[str, Any]) -> bool:
    return not any(model["lag"] for model in report["read_models"].values())


def following(report: dict[str, Any]) -> bool:
    return bool(report["runner"]["state"] == "following")


def assert_unavailable(response: TestResponse) -> None:
    """503 problem+json, Retry-After, zh and en messages: never a 500."""
    assert response.status_code == 503, (response.status_code, response.json)
    assert response.content_type == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    assert response.json["messages"]["zh"] and response.json["messages"]["en"]


def sqlite_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path}/greenlist.db"


def test_ready_when_the_store_answers_the_runner_follows_and_nothing_lags(
    apps: Callable[..., FlaskClient], tmp_path: Any
) -> None:
    client = apps(sqlite_url(tmp_path))
    assert register(client, 1).status_code == 201
    # the runner says "following" once its first round is over: a moment after the rows it
    # applied are visible (lag 0), so wait for both
    report = ready_within(client, until=lambda r: caught_up(r) and following(r))
    assert report["status"] == "ready" and report["store"] == {"reachable": True}
    assert report["runner"] == {
        "in_process": True,
        "alive": True,
        "state": "following",
        "error": None,
    }
    assert report["max_lag"] == 1000
    lists = report["read_models"]["lists"]
    assert lists["lag"] == 0 and lists["position"] >= 1


def test_not_ready_when_the_runner_of_the_process_is_dead(
    apps: Callable[..., FlaskClient], tmp_path: Any
) -> None:
    client = apps(sqlite_url(tmp_path))
    ready_within(client)
    views = client.application.extensions["greenlist"].views
    with views.transaction() as tx:  # a bug: a read model's table is gone
        tx.execute("DROP TABLE audit_trail")
    assert register(client, 2).status_code == 201

    problem = ready_within(client, 503)
    assert problem["runner"]["alive"] is False and problem["runner"]["state"] == "failed"
    assert "no such table: audit_trail" in problem["runner"]["error"]
    error = problem["runner"]["error"]
    assert problem["reasons"] == [
        f"the projection runner of this process is not running (failed: {error})"
    ]
    assert problem["messages"]["zh"].startswith("未就绪")
    assert client.get("/health").status_code == 200  # alive: restarting it is not the cure


def test_not_ready_when_a_read_model_lags_more_than_the_bound(
    apps: Callable[..., FlaskClient], tmp_path: Any
) -> None:
    client = apps(sqlite_url(tmp_path), follow=False, max_lag=2)
    for number in range(3):
        assert register(client, number).status_code == 201

    response = client.get("/health/ready")
    assert_unavailable(response)
    assert response.json["runner"] == {"in_process": False}
    assert response.json["read_models"]["lists"]["lag"] == 3
    (reason,) = response.json["reasons"]
    assert reason.startswith("read models more than 2 events behind the log: ")
    assert "lists (3)" in reason

    client.application.extensions["greenlist_runner"].catch_up()  # a runner elsewhere
    assert client.get("/health/ready").status_code == 200


@pytest.fixture
def throwaway_url(throwaway: Cluster) -> Iterator[str]:
    """A schema on the throwaway server (dropped after the apps that use it are closed)."""
    with throwaway.schema() as url:
        yield url


@pytest.mark.postgres
def test_while_the_store_is_down_health_answers_ready_does_not_then_does_again(
    throwaway_url: str, throwaway: Cluster, apps: Callable[..., FlaskClient]
) -> None:
    client = apps(throwaway_url)
    ready_within(client, until=following)
    throwaway.stop("immediate")

    assert client.get("/health").json == {"status": "ok"}
    response = client.get("/health/ready")
    assert_unavailable(response)
    assert response.json["reasons"][0] == "the store cannot be reached"
    assert response.json["store"]["reachable"] is False
    assert response.json["runner"]["alive"] is True  # waiting to reconnect, not dead

    throwaway.start()
    ready_within(client, until=following)
    assert register(client, 7).status_code == 201


@pytest.mark.postgres
def test_a_read_and_a_command_get_503_with_retry_after_while_the_store_is_down(
    throwaway_url: str, throwaway: Cluster, apps: Callable[..., FlaskClient]
) -> None:
    client = apps(throwaway_url, follow=False)
    assert register(client, 1).status_code == 201
    throwaway.stop("fast")

    assert_unavailable(client.get("/api/v1/lists/provincial"))  # a read model
    assert_unavailable(client.get(f"/api/v1/units/{s.credit_code(1)}", headers=token("auditor")))
    assert_unavailable(register(client, 2))  # a command
    keyed = {"Idempotency-Key": "k-1", **city()}
    body = {"credit_code": s.credit_code(3), "kind": "factory", "name": "绿色工厂"}
    assert_unavailable(client.post("/api/v1/units", json=body, headers=keyed))

    throwaway.start()
    assert client.get("/api/v1/lists/provincial").status_code == 200
    assert register(client, 2).status_code == 201
    assert client.post("/api/v1/units", json=body, headers=keyed).status_code == 201
