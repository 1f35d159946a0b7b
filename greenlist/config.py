"""The one place that wires configuration: `GREENLIST_DATABASE_URL` chooses the store.

- `sqlite:///path/to/file.db` (default `sqlite:///var/greenlist.db`): the embedded store;
- `postgresql://user:password@host:port/dbname[?schema=name]`: the production store;
- `memory://`: in-process, for fast tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlparse

import psycopg

from domain.clock import Clock
from domain.service import Greenlist
from greenlist.adapters.calendars import notice_period
from greenlist.adapters.stores.postgres import RESTRICTED_WRITER
from projections.engine.db import private_file
from projections.engine.outage import Backoff

DATABASE_URL_SETTING = "GREENLIST_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///var/greenlist.db"


def database_url() -> str:
    return os.environ.get(DATABASE_URL_SETTING, DEFAULT_DATABASE_URL)


def reconnect_backoff() -> Backoff:
    """How the projection runners wait to reconnect to an unreachable store (issue 9, item 5):
    `GREENLIST_RECONNECT_INITIAL` seconds (default 0.1), doubling up to
    `GREENLIST_RECONNECT_MAX` (default 5), each wait spread by ±20 %."""
    return Backoff(
        initial=float(os.environ.get("GREENLIST_RECONNECT_INITIAL", "0.1")),
        maximum=float(os.environ.get("GREENLIST_RECONNECT_MAX", "5")),
    )


def ready_max_lag() -> int:
    """`GREENLIST_READY_MAX_LAG` (default 1000): a read model further behind the log than this
    many events makes `/health/ready` answer "not ready"."""
    return int(os.environ.get("GREENLIST_READY_MAX_LAG", "1000"))


RESTRICTED_WRITER_SETTING = "GREENLIST_RESTRICTED_WRITER"


def restricted_writer() -> bool:
    """`GREENLIST_RESTRICTED_WRITER=1` (PostgreSQL only): the service logs in as the restricted
    writer (README, "Restricted writer"; greenlist.adapters.stores.restricted), which may add to
    the log and read it but not change it. It then creates none of the event store's tables (their
    owner did, with `greenlist db-roles`) and takes the log's write lock through the owner's
    function. Its own tables (read models, idempotency keys, handled deadlines) it creates and
    owns as before."""
    value = os.environ.get(RESTRICTED_WRITER_SETTING, "0")
    if value not in ("0", "1"):
        raise ValueError(f"{RESTRICTED_WRITER_SETTING} must be 1 or 0, not {value!r}")
    return value == "1"


def store_env(url: str, restricted: bool | None = None) -> dict[str, str]:
    """Translate a database URL into eventsourcing's settings."""
    return store_settings(url, restricted) | cache_settings(url)


def cache_settings(url: str) -> dict[str, str]:
    """`GREENLIST_AGGREGATE_CACHE` says how commands may use copies of aggregates kept in memory:
    `trusted` (the default on SQLite and in memory, where one process writes: copies are used
    as they are), `checked` (the default on PostgreSQL, where several processes may write: each
    copy is brought up to date from the store first) or `off`. Either way a decision taken on
    a stale copy is never recorded: the store's version check refuses it (ConcurrentUpdate)."""
    default = "checked" if urlparse(url).scheme.startswith("postgres") else "trusted"
    mode = os.environ.get("GREENLIST_AGGREGATE_CACHE", default)
    if mode == "off":
        return {}
    if mode not in ("trusted", "checked"):
        raise ValueError(f"unsupported GREENLIST_AGGREGATE_CACHE: {mode!r}")
    return {
        "AGGREGATE_CACHE_MAXSIZE": "5000",
        "AGGREGATE_CACHE_FASTFORWARD": "y" if mode == "checked" else "n",
    }


def store_settings(url: str, restricted: bool | None = None) -> dict[str, str]:
    """The event store with its timeline index (greenlist.adapters.stores) for a database URL;
    as the restricted writer if told, else as `GREENLIST_RESTRICTED_WRITER` says."""
    parsed = urlparse(url)
    if restricted is None:
        restricted = restricted_writer()
    if restricted and parsed.scheme not in ("postgresql", "postgres"):
        raise ValueError(
            f"{RESTRICTED_WRITER_SETTING}=1 needs PostgreSQL (its roles and grants), "
            f"not {parsed.scheme}://"
        )
    if parsed.scheme == "memory":
        return {"PERSISTENCE_MODULE": "greenlist.adapters.stores.memory:TimelinePOPOFactory"}
    if parsed.scheme == "sqlite":
        path = unquote(parsed.netloc + parsed.path[1:])
        if path != ":memory:":
            private_file(path)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "APPLICATION_RECORDER_TOPIC": "greenlist.adapters.stores.sqlite:TimelineSQLiteRecorder",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    if parsed.scheme in ("postgresql", "postgres"):
        query = parse_qs(parsed.query)
        env = {
            "PERSISTENCE_MODULE": "greenlist.adapters.stores.postgres:TimelinePostgresFactory",
            "APPLICATION_RECORDER_TOPIC": (
                "greenlist.adapters.stores.postgres:TimelinePostgresRecorder"
            ),
            "POSTGRES_DBNAME": parsed.path.lstrip("/") or "postgres",
            "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": unquote(parsed.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parsed.password or ""),
            "POSTGRES_LOCK_TIMEOUT": "5",
            "POSTGRES_POOL_SIZE": "2",
            "POSTGRES_MAX_OVERFLOW": "8",
            "POSTGRES_CONN_MAX_AGE": "600",
            # when the server is unreachable: a store call fails within seconds (503), and a
            # restarted server is reconnected to promptly (greenlist.adapters.stores.postgres)
            "POSTGRES_POOL_WAIT": "0.5",
            "POSTGRES_RECONNECT_TIMEOUT": "2",
        }
        if "schema" in query:
            env["POSTGRES_SCHEMA"] = query["schema"][0]
        # eventsourcing's Environment looks the factory's setting up under the application's
        # name first (GREENLIST_RESTRICTED_WRITER, as in os.environ): set under that key, this
        # decision is the one the factory reads, whatever the process's environment says
        env[f"{Greenlist.name.upper()}_{RESTRICTED_WRITER}"] = "y" if restricted else "n"
        return env
    raise ValueError(f"unsupported {DATABASE_URL_SETTING}: {url!r}")


TOKEN_MAX_HOURS_SETTING = "GREENLIST_TOKEN_MAX_HOURS"


def token_max_lifetime() -> timedelta:
    """`GREENLIST_TOKEN_MAX_HOURS` (default 24): the longest a bearer token may live, from its
    `iat` to its `exp` (issue 9: a stolen token is worth a day at most)."""
    raw = os.environ.get(TOKEN_MAX_HOURS_SETTING, "24")
    try:
        hours = float(raw)
    except ValueError:
        hours = -1.0
    if not 0 < hours <= 24 * 31:
        raise ValueError(f"{TOKEN_MAX_HOURS_SETTING} must be a number of hours in (0, 744]")
    return timedelta(hours=hours)


class SystemClock:
    """The real clock. Only the composition root reads the system time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def build_service(
    url: str | None = None, clock: Clock | None = None, restricted: bool | None = None
) -> Greenlist:
    """The service on the configured store, with the real clock unless one is given; as the
    restricted writer if told (`greenlist db-roles` builds it as the owner: False), else as
    `GREENLIST_RESTRICTED_WRITER` says."""
    url = url or database_url()
    with setup_lock(url):
        return Greenlist(
            env=store_env(url, restricted),
            clock=clock or SystemClock(),
            notice_period=notice_period(),
        )


@contextmanager
def setup_lock(url: str) -> Iterator[None]:
    """On PostgreSQL, one process at a time creates the store's tables: the library's
    `CREATE ... IF NOT EXISTS` statements fail with "tuple concurrently updated" when two
    processes (two schedulers, two web workers) start at the same moment."""
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        yield
        return
    schema = parse_qs(parsed.query).get("schema", ["public"])[0]
    with psycopg.connect(url.split("?", 1)[0], autocommit=True) as conn:
        key = f"greenlist:setup:{schema}"
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (key,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))
