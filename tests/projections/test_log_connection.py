"""A rebuild reads the log through one connection of its own (issue 15 item 3): libpq keeps
each connection's input buffer at the size of the largest message it has received, and the
store's pool hands its connections out in turn, so pages read through the pool left every
pooled connection of a loading process holding the largest event (6.3 MB of buffers at 1 M
events, 1.3 MB at 0.22 M: memory that grew with the province)."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from domain.clock import SettableClock
from domain.service import Greenlist
from greenlist.adapters.stores.postgres import TimelinePostgresRecorder
from greenlist.config import build_service
from projections.engine.reading import by_aggregate
from tests.on_time import on_time
from tests.projections.test_crash_safety import record_history

pytestmark = pytest.mark.stores("postgres")
LOG_READ = "NOT (topic = ANY("
"""In the statements that read the log by pages (in order, by aggregate), and no other."""


@pytest.fixture
def app(store_url: str, clock: SettableClock) -> Iterator[Greenlist]:
    app = on_time(build_service(store_url, clock))
    record_history(app, clock, listed=20, more=4)
    yield app
    app.close()


def recorder_of(app: Greenlist) -> TimelinePostgresRecorder:
    recorder = app.recorder
    assert isinstance(recorder, TimelinePostgresRecorder)
    return recorder


def log_backend(app: Greenlist) -> int:
    with recorder_of(app).log_connection.connection() as conn:
        return conn.info.backend_pid


def backends_last_reading(server_url: str, table: str) -> set[int]:
    """The sessions whose last statement read the log's events table (its full name is this
    test's own schema's)."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid, query FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
        ).fetchall()
    return {pid for pid, query in rows if table in query.replace('"', "") and LOG_READ in query}


def events_table(app: Greenlist) -> str:
    recorder = recorder_of(app)
    return f"{recorder.datastore.schema}.{recorder.events_table_name}"


def read_pages(app: Greenlist, times: int) -> list[list[int]]:
    log = by_aggregate(app)
    assert log is not None
    head = app.recorder.max_notification_id() or 0
    pages = []
    for _ in range(times):
        pages.append([n.id for n in log.select_in_order(0, head, 50, ())])
        pages.append([n.id for n in log.select_by_aggregate(None, head, 50)])
    return pages


def test_pages_of_the_log_are_read_through_one_connection_not_the_pool(
    app: Greenlist, postgres_url: str
) -> None:
    """Twelve pages in log order and twelve by aggregate: all on the log's own connection;
    through the pool (five connections, handed out in turn) they were on five."""
    read_pages(app, 12)
    assert backends_last_reading(postgres_url, events_table(app)) == {log_backend(app)}


def test_a_log_connection_cut_is_replaced_and_the_page_read_again(
    app: Greenlist, postgres_url: str
) -> None:
    before = read_pages(app, 1)
    cut = log_backend(app)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        assert conn.execute("SELECT pg_terminate_backend(%s, 5000)", (cut,)).fetchone() == (True,)
    assert read_pages(app, 1) == before
    assert log_backend(app) != cut


def test_the_log_connection_is_closed_with_the_service(
    store_url: str, clock: SettableClock, postgres_url: str
) -> None:
    app = on_time(build_service(store_url, clock))
    record_history(app, clock, listed=20, more=0)
    read_pages(app, 1)
    pid = log_backend(app)
    app.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        alive = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)
        ).fetchone()
    assert alive == (0,)
