"""The API on the Flask test client, on SQLite and PostgreSQL, with tokens for each actor."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.auth import mint
from domain.clock import SettableClock
from greenlist.web import make_app
from tests.on_time import on_time

SECRET = secrets.token_urlsafe(48)
"""A secret of this test run only: no secret written in the sources signs anything."""


@pytest.fixture
def api_app(
    store_url: str, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    monkeypatch.setenv("GREENLIST_JWT_SECRET", SECRET)
    app = make_app(store_url, clock, follow=False)
    context = app.extensions["greenlist"]
    context.service = on_time(context.service)  # time passes between acts (tests/on_time.py)
    yield app
    app.extensions["greenlist"].service.close()


@pytest.fixture
def client(api_app: Flask) -> FlaskClient:
    return api_app.test_client()


def token(role: str, region: str = "330000", **claims: Any) -> dict[str, str]:
    sub = claims.pop("sub", f"{role}-{region}")
    if role == "codept":
        claims.setdefault("department", "ndrc")
    return {"Authorization": f"Bearer {mint(SECRET, sub, role, region, **claims)}"}


def province() -> dict[str, str]:
    return token("province")


def city(region: str = "330100") -> dict[str, str]:
    return token("city", region)


def enterprise(code: str) -> dict[str, str]:
    return token("enterprise", code[2:6] + "00", uscc=code)


def event_count(app: Flask) -> int:
    return int(app.extensions["greenlist"].service.recorder.max_notification_id() or 0)
