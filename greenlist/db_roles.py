"""`greenlist db-roles`: the owner of the PostgreSQL store sets up the restricted writer (README,
"Restricted writer"; greenlist.adapters.stores.restricted says why it is built this way).

Run as the role that is to own the event store (a dedicated owner role, or a superuser), with
`GREENLIST_DATABASE_URL` (or `--database-url`) naming it and the schema: it creates the schema
if it is missing, the event store's tables (as the service would, owned by this role), then
applies `restricted_writer_sql`: the service's login role with SELECT and INSERT on the
append-only tables, the write-lock function, the append-only triggers. Idempotent: run it again
after an upgrade adds tables. `--sql` prints that SQL instead, for a DBA to read or run."""

from __future__ import annotations

import argparse
import sys
from urllib.parse import parse_qs, urlparse, urlunparse

import psycopg
from psycopg import sql

from api.idempotency import TABLE as IDEMPOTENCY_TABLE
from domain.service import Greenlist
from greenlist.adapters.stores.restricted import APP_ROLE, append_only_tables, restricted_writer_sql
from greenlist.config import SystemClock, build_service, database_url
from projections.catalogue import all_projections
from projections.engine.runner import NEXT, TRACKING
from scheduler.sweeper import HANDLED


def service_tables() -> list[str]:
    """The tables the service creates and rewrites itself, which its login role must own: every
    read model's (and its rebuild's), their tracking positions, idempotency keys, handled
    deadlines."""
    names = {TRACKING, IDEMPOTENCY_TABLE, HANDLED}
    for projection in all_projections():
        for table in projection.tables:
            names |= {table.name, table.name + NEXT}
    return sorted(names)


def schema_of(url: str) -> str:
    return parse_qs(urlparse(url).query).get("schema", ["public"])[0]


def prefix() -> str:
    """The store's table prefix: the application's name, as eventsourcing names the tables."""
    return Greenlist.name.lower()


def setup_sql(url: str, app_role: str = APP_ROLE) -> str:
    return restricted_writer_sql(schema_of(url), prefix(), service_tables(), app_role)


def redacted(url: str) -> str:
    """The URL without its password, to print."""
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@", 1)
    return urlunparse(parsed._replace(netloc=netloc))


def set_up(url: str, app_role: str = APP_ROLE) -> tuple[list[str], list[str]]:
    """Set the store up as the URL's role: the schema if missing, the event store's tables, the
    restricted writer. Returns the append-only tables protected and those not there yet."""
    schema, conninfo = schema_of(url), url.split("?", 1)[0]
    with psycopg.connect(conninfo, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
        if found is None:  # checked first: an owner may lack CREATE on the database
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    build_service(url, SystemClock(), restricted=False).close()  # the tables, as their owner
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(setup_sql(url, app_role).encode())
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)",
            (schema, append_only_tables(prefix())),
        ).fetchall()
    present = {name for (name,) in rows}
    tables = append_only_tables(prefix())
    return [t for t in tables if t in present], [t for t in tables if t not in present]


def run_db_roles(args: argparse.Namespace) -> int:
    url = args.database_url or database_url()
    if urlparse(url).scheme not in ("postgresql", "postgres"):
        print(
            f"greenlist db-roles: the restricted writer needs PostgreSQL, not {redacted(url)} / "
            "受限写入角色仅适用于 PostgreSQL",
            file=sys.stderr,
        )
        return 2
    if args.sql:
        print(setup_sql(url, args.app_role), end="")
        return 0
    try:
        protected, missing = set_up(url, args.app_role)
    except psycopg.Error as error:
        diag = error.diag
        print(f"greenlist db-roles: {diag.message_primary or error}", file=sys.stderr)
        if diag.message_hint:
            print(f"  hint: {diag.message_hint}", file=sys.stderr)
        return 1
    schema = schema_of(url)
    print(f"store: {redacted(url)} (schema {schema})")
    print(f"{args.app_role} may only read and add to: {', '.join(protected)}")
    if missing:
        print(f"not there yet (run this again once they are): {', '.join(missing)}")
    print(
        f"next: set {args.app_role}'s password (ALTER ROLE {args.app_role} PASSWORD ..., "
        "SCRAM), then run the service, the scheduler and the projection runners with\n"
        f"  GREENLIST_DATABASE_URL=postgresql://{args.app_role}:...@host:5432/db?schema={schema}\n"
        "  GREENLIST_RESTRICTED_WRITER=1"
    )
    return 0


def add_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser(
        "db-roles",
        help="PostgreSQL: set up the store's tables and the restricted writer (run as the owner)",
    )
    cmd.add_argument("--app-role", default=APP_ROLE, help="the service's login role")
    cmd.add_argument("--sql", action="store_true", help="print the SQL instead of running it")
    cmd.add_argument("--database-url", default=None, help="the owner's URL, with ?schema=")
