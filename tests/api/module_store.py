"""One store for a whole test module, for tests that only read or are refused and so may share
an app (the authorization matrix, bad input): the kind comes from `@pytest.mark.stores` (via
tests/conftest.py's parametrisation of `store_url`), the PostgreSQL schema is the module's own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from flask import Flask

from domain.clock import SettableClock
from greenlist.web import make_app
from tests.api.conftest import SECRET
from tests.on_time import on_time


def module_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The body of a module-scoped `store_url` fixture."""
    kind = getattr(request, "param", "memory")
    if kind == "memory":
        yield "memory://"
        return
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('module')}/greenlist.db"
        return
    base = str(request.getfixturevalue("postgres_url"))
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{base}?schema={schema}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def module_app(store_url: str) -> Flask:
    """An app like `api_app`'s (read models not followed), its clock at 1 January 2025."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GREENLIST_JWT_SECRET", SECRET)
        app = make_app(store_url, SettableClock(datetime(2025, 1, 1, tzinfo=UTC)), follow=False)
    context = app.extensions["greenlist"]
    context.service = on_time(context.service)  # time passes between acts (tests/on_time.py)
    return app
