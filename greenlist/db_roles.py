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

import psycopg
from psycopg import sql

from api.idempotency import TABLE as IDEMPOTENCY_TABLE
from api.refusals import TABLE as REFUSALS_TABLE
from domain.service import Greenlist
from greenlist.adapters.stores.restricted import APP_ROLE, append_only_tables, restricted_writer_sql
from greenlist.config import SystemClock, build_service
from greenlist.settings import Settings, StoreUrl
from greenlist.vault import TABLE as VAULT_TABLE
from projections.catalogue import all_projections
from projections.engine.tracking import NEXT, TRACKING
from scheduler.sweeper import HANDLED


def service_tables() -> list[str]:
    """The tables the service creates and rewrites itself, which its login role must own: every
    read model's (and its rebuild's), their tracking positions, idempotency keys, handled
    deadlines, the refusals trail, the vault's data keys (which shredding and rotation update:
    issue 14, greenlist.vault)."""
    names = {TRACKING, IDEMPOTENCY_TABLE, HANDLED, REFUSALS_TABLE, VAULT_TABLE}
    for projection in all_projections():
        for table in projection.tables:
            names |= {table.name, table.name + NEXT}
    return sorted(names)


def prefix() -> str:
    """The store's table prefix: the application's name, as eventsourcing names the tables."""
    return Greenlist.name.lower()


def setup_sql(store: StoreUrl, app_role: str = APP_ROLE) -> str:
    return restricted_writer_sql(store.schema_name, prefix(), service_tables(), app_role)


def set_up(settings: Settings, app_role: str = APP_ROLE) -> tuple[list[str], list[str]]:
    """Set the store up as the URL's role: the schema if missing, the event store's tables, the
    restricted writer. Returns the append-only tables protected and those not there yet."""
    store = settings.store
    schema = store.schema_name
    with psycopg.connect(store.conninfo, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
        if found is None:  # checked first: an owner may lack CREATE on the database
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    # the tables, as their owner
    build_service(clock=SystemClock(), restricted=False, settings=settings, sealing=False).close()
    with psycopg.connect(store.conninfo, autocommit=True) as conn:
        conn.execute(setup_sql(store, app_role).encode())
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)",
            (schema, append_only_tables(prefix())),
        ).fetchall()
    present = {name for (name,) in rows}
    tables = append_only_tables(prefix())
    return [t for t in tables if t in present], [t for t in tables if t not in present]


def run_db_roles(args: argparse.Namespace, settings: Settings) -> int:
    """`settings`: the command's, read by `greenlist` (its `--database-url` applied)."""
    store = settings.store
    if store.kind != "postgres":
        print(
            f"greenlist db-roles: the restricted writer needs PostgreSQL, not "
            f"{store.redacted()} / 受限写入角色仅适用于 PostgreSQL",
            file=sys.stderr,
        )
        return 2
    if args.sql:
        print(setup_sql(store, args.app_role), end="")
        return 0
    try:
        protected, missing = set_up(settings, args.app_role)
    except psycopg.Error as error:
        diag = error.diag
        print(f"greenlist db-roles: {diag.message_primary or error}", file=sys.stderr)
        if diag.message_hint:
            print(f"  hint: {diag.message_hint}", file=sys.stderr)
        return 1
    schema = store.schema_name
    print(f"store: {store.redacted()} (schema {schema})")
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
