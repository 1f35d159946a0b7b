"""`greenlist national follow|status|reset`: the national view over provincial stores (issue 15,
item 2; projections.national).

    greenlist national follow --province ZJ=postgresql://…/zj --province JS=postgresql://…/js \\
        --into postgresql://…/national [--once]
    greenlist national status --into URL [--province NAME=URL ...]
    greenlist national reset --into URL

Each `--province NAME=URL` names a province's store (its primary or a read replica) and the
name its rows and tracking position carry in the national database (`--into`). The provinces'
stores are only read: the service on each is built with table creation off, so nothing is
created or written upstream. `follow` runs until SIGTERM or Ctrl-C (one thread per province),
`--once` catches every province up to its head and exits."""

from __future__ import annotations

import argparse
import json
import logging
import re
import signal
import sys
import threading
from typing import Any

import psycopg

from domain.service import Greenlist
from domain.values import PROVINCE
from greenlist.config import SystemClock, store_env
from greenlist.settings import Settings, SettingsError, StoreUrl
from projections.engine.db import Db
from projections.engine.outage import Backoff
from projections.engine.postgres_db import PostgresDb
from projections.engine.sqlite_db import SQLiteDb
from projections.national import NationalFollower, Upstream, province_summary
from projections.national.follower import NationalModelsChanged, reset

NAME = re.compile(r"^[A-Za-z0-9_]{1,32}$")
"""An upstream's name: a province's code (330000) or short name (ZJ)."""


def add_command(commands: Any) -> None:
    cmd = commands.add_parser(
        "national",
        help="the national view: follow provinces' stores into a national database",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("action", choices=["follow", "status", "reset"])
    cmd.add_argument(
        "--province",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="a province's store and the name it carries in the national view (repeatable; "
        f"a URL alone is named {PROVINCE})",
    )
    cmd.add_argument("--into", required=True, help="the national database (PostgreSQL or SQLite)")
    cmd.add_argument("--once", action="store_true", help="follow: catch up, then exit")
    cmd.add_argument("--batch-size", type=int, default=2000)
    cmd.add_argument("--poll", type=float, default=1.0, help="seconds between polls at most")


def fail(message: str) -> int:
    print(f"greenlist national: {message}", file=sys.stderr)
    return 2


def parse_provinces(values: list[str]) -> list[tuple[str, StoreUrl]]:
    """`NAME=URL` pairs, each name once; a URL alone is named by the province this code
    serves (domain.values.PROVINCE, 330000 Zhejiang). Raises ValueError naming what is wrong."""
    pairs: list[tuple[str, StoreUrl]] = []
    for value in values:
        name, sep, url = value.partition("=")
        if "://" in name:  # a URL alone: this service's own province (Zhejiang)
            name, sep, url = PROVINCE, "=", value
        if not sep or not NAME.match(name):
            raise ValueError(
                f"--province {value.split('=')[0]!r}: give NAME=URL, NAME of letters, digits "
                "or _ / 请写作 名称=URL"
            )
        store = StoreUrl.parse(url)
        if store.kind == "memory":
            raise ValueError(f"--province {name}: a memory:// store has nothing to follow")
        pairs.append((name, store))
    names = [n for n, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError(f"--province: each name once ({', '.join(names)})")
    return pairs


def reader(store: StoreUrl) -> Greenlist:
    """The service on a province's store, for reading its log only: no table is created (a
    read replica refuses writes; the province's own processes set its store up)."""
    env = store_env(store) | {"CREATE_TABLE": "n", f"{Greenlist.name.upper()}_CREATE_TABLE": "n"}
    return Greenlist(env=env, clock=SystemClock())


def upstream(name: str, store: StoreUrl) -> Upstream:
    listen = store.conninfo if store.kind == "postgres" else None
    return Upstream(name, reader(store), listen)


def national_db(url: str) -> Db:
    """The national database: a PostgreSQL schema (created if missing) or a SQLite file."""
    store = StoreUrl.parse(url)
    if store.kind == "postgres":
        if store.schema:
            with psycopg.connect(store.conninfo, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{store.schema}"')
        return PostgresDb(store.conninfo, store.schema)
    if store.kind == "sqlite" and store.sqlite_file:
        return SQLiteDb(store.sqlite_file)
    raise ValueError("--into: a PostgreSQL or SQLite database (memory:// keeps nothing)")


def run_national(args: argparse.Namespace, settings: Settings) -> int:
    try:
        provinces = parse_provinces(args.province)
        db = national_db(args.into)
    except (ValueError, SettingsError) as wrong:
        return fail(str(wrong))
    if args.action == "follow" and not provinces:
        return fail("follow needs at least one --province NAME=URL")
    print(f"greenlist national: into {StoreUrl.parse(args.into).redacted()}", file=sys.stderr)
    upstreams = [upstream(name, store) for name, store in provinces]
    try:
        if args.action == "reset":
            reset(db)
            print("national tables dropped: the next follow builds them from zero")
            return 0
        backoff = Backoff(initial=settings.reconnect_initial, maximum=settings.reconnect_max)
        follower = NationalFollower(upstreams, db, args.batch_size, backoff)
        if args.action == "status":
            heads = {u.name: u.head() for u in upstreams}
            print(json.dumps(province_summary(db, heads), ensure_ascii=False, indent=2))
        elif args.once:
            print(f"applied {follower.catch_up()} events", flush=True)
        else:
            follow(follower, args.poll)
    except NationalModelsChanged as changed:
        return fail(str(changed))
    finally:
        for u in upstreams:
            u.app.close()
        db.close()
    return 0


def follow(follower: NationalFollower, poll: float) -> None:
    """Until SIGTERM or Ctrl-C; each province reconnects on its own when its store (or the
    national database) cannot be reached, and goes on from its tracking position."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    names = ", ".join(f.name for f in follower.followers)
    print(f"following {names}; Ctrl-C stops", file=sys.stderr, flush=True)
    try:
        follower.follow(stop, poll)
    except KeyboardInterrupt:
        stop.set()
