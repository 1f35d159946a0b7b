"""The composition root of the write side: the service on the store its settings name, with the
adapters that store needs (greenlist.adapters) and the real clock. What configures it is
greenlist.settings, read once by each process's root and passed here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg

from domain.calendar import Period
from domain.clock import Clock
from domain.service import Greenlist
from greenlist import identity_key, vault
from greenlist.adapters.calendars import ChineseWorkingCalendar
from greenlist.adapters.stores.postgres import RESTRICTED_WRITER
from greenlist.settings import (
    CacheMode,
    Settings,
    StoreUrl,
    check_restricted,
    settings_or_env,
)
from projections.engine.db import Db
from projections.engine.postgres_db import PostgresDb
from projections.engine.sqlite_db import SQLiteDb, private_file


def store_env(
    store: StoreUrl | str, restricted: bool = False, cache: CacheMode | None = None
) -> dict[str, str]:
    """eventsourcing's settings for a store: its recorders (`store_settings`) and how commands
    use copies of aggregates (`cache_settings`; by default the store's own mode)."""
    store = store if isinstance(store, StoreUrl) else StoreUrl.parse(store)
    return store_settings(store, restricted) | cache_settings(cache or store.default_cache)


def cache_settings(mode: CacheMode) -> dict[str, str]:
    """`GREENLIST_AGGREGATE_CACHE` (greenlist.settings) as eventsourcing's settings: `trusted`
    keeps copies and uses them as they are, `checked` brings each up to date from the store
    first, `off` keeps none. Either way a decision taken on a stale copy is never recorded:
    the store's version check refuses it (ConcurrentUpdate)."""
    if mode == "off":
        return {}
    return {
        "AGGREGATE_CACHE_MAXSIZE": "5000",
        "AGGREGATE_CACHE_FASTFORWARD": "y" if mode == "checked" else "n",
    }


def store_settings(store: StoreUrl | str, restricted: bool = False) -> dict[str, str]:
    """The event store with its timeline index (greenlist.adapters.stores) for a store; as the
    restricted writer if told (PostgreSQL only)."""
    store = store if isinstance(store, StoreUrl) else StoreUrl.parse(store)
    check_restricted(store, restricted)
    if store.kind == "memory":
        return {"PERSISTENCE_MODULE": "greenlist.adapters.stores.memory:TimelinePOPOFactory"}
    if store.kind == "sqlite":
        if store.sqlite_file:
            private_file(store.sqlite_file)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "APPLICATION_RECORDER_TOPIC": "greenlist.adapters.stores.sqlite:TimelineSQLiteRecorder",
            "SQLITE_DBNAME": store.path,
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    env = {
        "PERSISTENCE_MODULE": "greenlist.adapters.stores.postgres:TimelinePostgresFactory",
        "APPLICATION_RECORDER_TOPIC": (
            "greenlist.adapters.stores.postgres:TimelinePostgresRecorder"
        ),
        "POSTGRES_DBNAME": store.dbname,
        "POSTGRES_HOST": store.host,
        "POSTGRES_PORT": str(store.port),
        "POSTGRES_USER": store.user,
        "POSTGRES_PASSWORD": store.password,
        "POSTGRES_LOCK_TIMEOUT": "5",
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "8",
        "POSTGRES_CONN_MAX_AGE": "600",
        # when the server is unreachable: a store call fails within seconds (503), and a
        # restarted server is reconnected to promptly (greenlist.adapters.stores.postgres)
        "POSTGRES_POOL_WAIT": "0.5",
        "POSTGRES_RECONNECT_TIMEOUT": "2",
    }
    if store.schema is not None:
        env["POSTGRES_SCHEMA"] = store.schema
    # eventsourcing's Environment looks the factory's setting up under the application's
    # name first (GREENLIST_RESTRICTED_WRITER, as in os.environ): set under that key, this
    # decision is the one the factory reads, whatever the process's environment says
    env[f"{Greenlist.name.upper()}_{RESTRICTED_WRITER}"] = "y" if restricted else "n"
    return env


def views_db(store: StoreUrl | str, connect_timeout: int = 5) -> Db:
    """The views' database of an events' store: on PostgreSQL the same schema; beside the
    SQLite file, in a file of its own (`<file>.views`), so that projection batches never hold
    the events' write lock; in memory, an in-memory SQLite database. `connect_timeout`
    (PostgreSQL, whole seconds) bounds a connection attempt to a server that does not answer,
    so a request fails (503) instead of hanging."""
    store = store if isinstance(store, StoreUrl) else StoreUrl.parse(store)
    if store.kind == "postgres":
        return PostgresDb(store.conninfo, store.schema, connect_timeout)
    if store.sqlite_file:
        return SQLiteDb(f"{store.sqlite_file}.views")
    return SQLiteDb(":memory:")


def notice_period(settings: Settings) -> Period:
    """A16.1's period: `GREENLIST_NOTICE_DAYS` days, counted in working days (China's calendar,
    greenlist.adapters.calendars) with `GREENLIST_NOTICE_WORKING_DAYS=1`."""
    working = ChineseWorkingCalendar() if settings.notice_working_days else None
    return Period(settings.notice_days, working)


class SystemClock:
    """The real clock. Only the composition root reads the system time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def build_service(
    url: str | None = None,
    clock: Clock | None = None,
    restricted: bool | None = None,
    settings: Settings | None = None,
    *,
    sealing: bool = True,
) -> Greenlist:
    """The service on the configured store, with the real clock unless one is given; as the
    restricted writer if told (`greenlist db-roles` builds it as the owner: False), else as the
    settings say. A process passes the settings it read at its root; without them (tests, the
    demo) they are read from the environment here, with `url` standing in for the store."""
    settings = settings_or_env(settings, url)
    if restricted is None:
        restricted = settings.restricted_writer
    with setup_lock(settings.store):
        service = Greenlist(
            env=store_env(settings.store, restricted, settings.cache_mode),
            clock=clock or SystemClock(),
            notice_period=notice_period(settings),
            identity=identity_key.for_service(settings),
        )
        if not sealing:  # `greenlist db-roles`: the vault's key table is the service's own
            return service
        try:  # after the event store: one nobody set up is refused as such (StoreNotSetUp)
            service.vault = vault.for_service(settings)
        except BaseException:
            service.close()
            raise
        return service


@contextmanager
def setup_lock(store: StoreUrl) -> Iterator[None]:
    """On PostgreSQL, one process at a time creates the store's tables: the library's
    `CREATE ... IF NOT EXISTS` statements fail with "tuple concurrently updated" when two
    processes (two schedulers, two web workers) start at the same moment."""
    if store.kind != "postgres":
        yield
        return
    with psycopg.connect(store.conninfo, autocommit=True) as conn:
        key = f"greenlist:setup:{store.schema_name}"
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (key,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))
