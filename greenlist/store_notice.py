"""Which store a command uses, said on stderr before it starts (issue 13 item 6): a stranger
who ran `greenlist projections status` in the wrong directory, or against an unset
GREENLIST_DATABASE_URL, sees at once that the store is new or empty rather than a quiet zero."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from greenlist.settings import Settings

EVENTS = "stored_events"
"""The event store's table on SQLite (eventsourcing's default name)."""
POSTGRES_EVENTS = "greenlist_events"
"""The event store's table on PostgreSQL (named after the application, greenlist.config)."""

HINT = "`greenlist demo` loads the demo history / `greenlist demo` 可载入演示数据"


def sqlite_events(path: str) -> int | None:
    """Events in a SQLite store (read-only, never creating the file); None if it has no table."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        found = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (EVENTS,)
        ).fetchone()
        if not found:
            return None
        query = f"SELECT count(*) FROM (SELECT 1 FROM {EVENTS} LIMIT 1)"
        return int(db.execute(query).fetchone()[0])


def postgres_events(settings: Settings) -> int | None:
    """Whether a PostgreSQL store holds an event (1/0), None without its table; a store that
    cannot be reached in 3 s raises (the command itself then says so)."""
    import psycopg

    store = settings.store
    with psycopg.connect(store.conninfo, connect_timeout=3) as db:
        table = f"{store.schema_name}.{POSTGRES_EVENTS}"
        row = db.execute("SELECT to_regclass(%s)", (table,)).fetchone()
        if row is None or row[0] is None:
            return None
        found = db.execute(f"SELECT exists(SELECT 1 FROM {table})").fetchone()
        return int(bool(found and found[0]))


def state(settings: Settings) -> str:
    """`new`, `empty`, `in memory` or "" (holds events, or could not be looked at)."""
    store = settings.store
    if store.kind == "memory":
        return "in memory: nothing is kept after this command / 内存存储，命令结束即清空"
    try:
        if store.kind == "sqlite":
            path = store.sqlite_file
            if path is None:
                return "in memory: nothing is kept after this command / 内存存储，命令结束即清空"
            if not Path(path).exists():
                return f"new: {path} does not exist yet / 新存储（文件尚不存在）; {HINT}"
            events = sqlite_events(path)
        else:
            events = postgres_events(settings)
    except Exception:  # only a notice: the command itself reports the store's errors
        return ""
    if events is None:
        return f"new: no event table yet / 新存储（尚无事件表）; {HINT}"
    if events == 0:
        return f"empty: no events yet / 空存储（尚无事件）; {HINT}"
    return ""


def announce(settings: Settings, command: str) -> None:
    """`greenlist <command>: store <url>`, and a warning when it is new or empty (stderr)."""
    print(f"greenlist {command}: store {settings.store.redacted()}", file=sys.stderr)
    warning = state(settings)
    if warning:
        print(f"greenlist {command}: warning: the store is {warning}", file=sys.stderr)
