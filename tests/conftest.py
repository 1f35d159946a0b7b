"""Fixtures: the same service on every store. PostgreSQL runs on a real server, each test in its
own schema; locally it is skipped if no server answers, in CI (GREENLIST_REQUIRE_POSTGRES=1) a
missing server fails the run."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from domain.clock import SettableClock
from domain.service import Greenlist
from greenlist.config import build_service, views_db
from projections.engine.db import Db
from tests.on_time import on_time
from tests.throwaway_postgres import Cluster, available, throwaway_cluster

POSTGRES_URL = os.environ.get(
    "GREENLIST_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("GREENLIST_REQUIRE_POSTGRES") == "1"
TEST_FILING_LIMIT = "100000 per minute"
"""Every app (and server) the tests start files from one address, many reports per test module
(schemathesis, the authorization matrix): the per-client limit on filing (api.limits) is
raised for them all; the tests of the limit itself set a low one."""
os.environ.setdefault("GREENLIST_FILING_LIMIT", TEST_FILING_LIMIT)
os.environ.setdefault("GREENLIST_IDENTITY_KEY", "tests-only-identity-key-" + "k" * 24)
"""A22.3's identity key for every store of the tests (a store without one would get a key file
of its own, one per PostgreSQL schema under var/)."""
os.environ.setdefault("GREENLIST_VAULT_KEY", "dGVzdHMtb25seS12YXVsdC1rZXktMzItYnl0ZXMhISE")
"""Issue 14's key-encryption key for every store of the tests, as a deployment configures it (a
PostgreSQL server refuses to start without one); the tests of the generated key file and of
rotation set their own."""
STORES = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> str:
    if not postgres_available():
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but does not answer at {POSTGRES_URL}")
        pytest.skip("no PostgreSQL server (set GREENLIST_REQUIRE_POSTGRES=1 to make this fail)")
    return POSTGRES_URL


@pytest.fixture
def postgres_schema(postgres_url: str) -> Iterator[str]:
    """A fresh schema for one test, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{postgres_url}?schema={schema}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(scope="session")
def throwaway_server() -> Iterator[Cluster]:
    """A PostgreSQL server of this test process's own, to stop and restart (never the shared
    one); skipped where none can be started, unless PostgreSQL is required."""
    why = available()
    if why:
        if REQUIRE_POSTGRES:
            pytest.fail(why)
        pytest.skip(why)
    with throwaway_cluster() as cluster:
        yield cluster


@pytest.fixture
def throwaway(throwaway_server: Cluster) -> Iterator[Cluster]:
    """The throwaway server, running when the test starts and again when it ends."""
    throwaway_server.start()
    yield throwaway_server
    throwaway_server.start()


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime(2025, 1, 1, tzinfo=UTC))


@pytest.fixture
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database URL of the store this test runs on (parametrised by `store`)."""
    kind = getattr(request, "param", "memory")
    if kind == "memory":
        return "memory://"
    if kind == "sqlite":
        return f"sqlite:///{tmp_path}/greenlist.db"
    return str(request.getfixturevalue("postgres_schema"))


@pytest.fixture
def views(store_url: str) -> Iterator[Db]:
    """The read models' database of the store this test runs on."""
    db = views_db(store_url)
    yield db
    db.close()


@pytest.fixture
def app(store_url: str, clock: SettableClock) -> Iterator[Greenlist]:
    """The service, its clock moving to each act's stated time (tests/on_time.py)."""
    service = build_service(store_url, clock)
    yield on_time(service)
    service.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses the service runs on each store, unless it pins one with
    `@pytest.mark.stores(...)`."""
    if "store_url" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("stores")
        wanted = marker.args if marker else ("memory", "sqlite", "postgres")
        params = [p for p in STORES if (p if isinstance(p, str) else p.values[0]) in wanted]
        metafunc.parametrize("store_url", params, indirect=True)
