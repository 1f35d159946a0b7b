"""A service closed closes what it opened: the event store and its vault's key table (issue
14's vault kept one connection per thread open on PostgreSQL until it was collected, and a
test process building many services reached the server's 100 connections)."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from domain.clock import SettableClock
from greenlist.config import build_service
from tests.custody_steps import agency, report, vault_of
from tests.on_time import on_time


@pytest.mark.stores("sqlite", "postgres")
def test_closing_the_service_closes_its_vault_s_connections(
    store_url: str, clock: SettableClock
) -> None:
    app = on_time(build_service(store_url, clock))
    report(app, agency(app), "陈一", date(2025, 2, 1))  # a data key sealed: the key table used
    db = vault_of(app).db
    opened = db._connection()  # type: ignore[attr-defined]  # (this thread's)
    app.close()
    assert not db._all  # type: ignore[attr-defined]
    if isinstance(opened, psycopg.Connection):
        assert opened.closed
