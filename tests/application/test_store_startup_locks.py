"""A service starting on a store already set up runs no DDL (found by an outside attack): the
library's `CREATE INDEX IF NOT EXISTS` and our `ALTER TABLE ... ADD COLUMN IF NOT EXISTS` lock
their tables even with nothing to do, so a process starting while a command was recorded (a
web worker, a rebuild's loading process) waited for the command's locks, or deadlocked with a
command holding the timeline and waiting for the events table: two of six rebuilds failed
while commands ran."""

from __future__ import annotations

import threading

import psycopg
import pytest

from domain.clock import SettableClock
from domain.service import Greenlist
from greenlist.config import build_service
from greenlist.settings import StoreUrl
from simulation import scenarios as s
from tests.on_time import on_time


def hold_a_command_s_locks(url: str) -> psycopg.Connection:
    """A connection in a transaction holding what a command holds mid-write: the events
    table's write lock (EXCLUSIVE) and a row lock on the timeline."""
    store = StoreUrl.parse(url)
    conn = psycopg.connect(store.conninfo)
    conn.execute(f"SET search_path TO {store.schema}")
    conn.execute("LOCK TABLE greenlist_events IN EXCLUSIVE MODE")
    conn.execute("LOCK TABLE greenlist_timeline IN ROW EXCLUSIVE MODE")
    return conn


def start_beside(url: str, seconds: float) -> Greenlist | BaseException | None:
    """A service started in a thread: it, what it raised, or None if still waiting."""
    outcome: list[Greenlist | BaseException] = []

    def start() -> None:
        try:
            outcome.append(build_service(url))
        except BaseException as error:  # a lock timeout: the DDL waited
            outcome.append(error)

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    thread.join(seconds)
    return outcome[0] if outcome else None


@pytest.mark.parametrize("recorded", [0, 3])
def test_a_service_starts_on_a_set_up_store_while_a_command_holds_its_tables(
    postgres_schema: str, clock: SettableClock, recorded: int
) -> None:
    app = on_time(build_service(postgres_schema, clock))  # set up (and its first events)
    for i in range(recorded):
        s.register_and_cultivate(app, s.credit_code(100 + i))
    app.close()
    holder = hold_a_command_s_locks(postgres_schema)
    try:
        started = start_beside(postgres_schema, 15)
    finally:
        holder.rollback()
        holder.close()
    assert isinstance(started, Greenlist), started  # was a lock timeout after 5 s
    started.close()


def test_a_store_set_up_by_an_older_version_is_brought_up_to_date(postgres_schema: str) -> None:
    build_service(postgres_schema).close()
    store = StoreUrl.parse(postgres_schema)
    with psycopg.connect(store.conninfo, autocommit=True) as conn:
        conn.execute(f"SET search_path TO {store.schema}")
        conn.execute("DROP INDEX greenlist_timeline_back_idx")
        conn.execute("ALTER TABLE greenlist_timeline DROP COLUMN out_of_order")
    build_service(postgres_schema).close()  # not all there: the DDL runs
    with psycopg.connect(store.conninfo, autocommit=True) as conn:
        found = conn.execute(
            "SELECT to_regclass(%s) IS NOT NULL, EXISTS (SELECT 1 FROM pg_attribute WHERE "
            "attrelid = to_regclass(%s) AND attname = 'out_of_order' AND NOT attisdropped)",
            (f"{store.schema}.greenlist_timeline_back_idx", f"{store.schema}.greenlist_timeline"),
        ).fetchone()
    assert found == (True, True)


@pytest.mark.parametrize("missing", ["greenlist_leaves", "greenlist_checkpoints"])
def test_a_missing_table_is_created_at_start(postgres_schema: str, missing: str) -> None:
    build_service(postgres_schema).close()
    store = StoreUrl.parse(postgres_schema)
    with psycopg.connect(store.conninfo, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {store.schema}.{missing}")
    build_service(postgres_schema).close()
    with psycopg.connect(store.conninfo, autocommit=True) as conn:
        (exists,) = conn.execute(
            "SELECT to_regclass(%s) IS NOT NULL", (f"{store.schema}.{missing}",)
        ).fetchone() or (False,)
    assert exists
