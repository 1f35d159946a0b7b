"""The restricted writer (issue 10 item 5; README "Restricted writer"): on PostgreSQL the service
logs in as `greenlist_app`, which may add to the log and read it but never change or remove what
is in it; the store's owner sets it up with `greenlist db-roles`. Each test in a throwaway
schema; the roles are the cluster's (`.ci/run` creates them, these tests too when missing)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest
from flask.testing import FlaskClient
from psycopg import errors, sql

from domain.clock import SettableClock
from domain.errors import Erased
from domain.service import Greenlist
from domain.values import UnitKind, local_date
from greenlist.adapters.stores.postgres import StoreNotSetUp
from greenlist.adapters.stores.restricted import APP_ROLE, append_only_tables
from greenlist.cli import main
from greenlist.config import build_service, store_settings
from greenlist.runtime import read_side
from greenlist.scheduling import sweeper_for
from greenlist.vault import TABLE as VAULT_TABLE
from greenlist.vault.keys import decode_key
from greenlist.web import make_app
from simulation import scenarios as s
from tests.api.conftest import SECRET, city
from tests.custody_steps import HANGZHOU, agency, report, reporter_name, with_only
from tests.on_time import on_time

OWNER_ROLE = "greenlist_owner"
PREFIX = Greenlist.name.lower()
APPEND_ONLY = append_only_tables(PREFIX)
EVENTS = APPEND_ONLY[0]


def as_role(url: str, role: str) -> str:
    """The same database and schema, logged in as another role (trust authentication here; in
    production each role has its own password)."""
    parsed = urlparse(url)
    port = f":{parsed.port}" if parsed.port else ""
    return urlunparse(parsed._replace(netloc=f"{role}@{parsed.hostname}{port}"))


def schema_of(url: str) -> str:
    return url.split("schema=", 1)[1]


def conninfo(url: str) -> str:
    return url.split("?", 1)[0]


def existing(url: str) -> list[str]:
    """The append-only tables the store holds (the verifiable log's once they exist)."""
    with psycopg.connect(conninfo(url)) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)",
            (schema_of(url), APPEND_ONLY),
        ).fetchall()
    return sorted(name for (name,) in rows)


def run_sql(url: str, statement: sql.Composable | str, *params: object) -> list[tuple]:
    """One statement in a transaction of its own, committed."""
    with psycopg.connect(conninfo(url)) as conn:
        cursor = conn.execute(statement, params or None)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def table(url: str, name: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(schema_of(url)), sql.Identifier(name))


def count(url: str, name: str) -> int:
    return int(run_sql(url, sql.SQL("SELECT count(*) FROM {}").format(table(url, name)))[0][0])


@pytest.fixture(scope="session")
def roles(postgres_url: str) -> None:
    """The owner and the app's login roles, as `.ci/run` creates them (without a password:
    trust authentication on this machine), and the owner's right to create schemas."""
    with psycopg.connect(postgres_url) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('greenlist:db-roles'))")
        for role in (APP_ROLE, OWNER_ROLE):
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        conn.execute(
            sql.SQL("GRANT CREATE ON DATABASE {} TO {}").format(
                sql.Identifier(conn.info.dbname), sql.Identifier(OWNER_ROLE)
            )
        )


@pytest.fixture
def owner_url(postgres_schema: str, roles: None) -> str:
    """A store its owner (here the superuser `postgres`) has set up with `greenlist db-roles`."""
    assert main(["db-roles", "--database-url", postgres_schema]) == 0
    return postgres_schema


@pytest.fixture
def app_url(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The same store as the service sees it: logged in as greenlist_app, restricted."""
    monkeypatch.setenv("GREENLIST_RESTRICTED_WRITER", "1")
    return as_role(owner_url, APP_ROLE)


@pytest.fixture
def service(app_url: str) -> Iterator[Greenlist]:
    app = build_service(app_url, SettableClock(datetime(2025, 1, 1, tzinfo=UTC)))
    yield on_time(app)
    app.close()


@pytest.mark.postgres
def test_as_the_app_role_the_service_records_acts_and_keeps_its_read_models(
    service: Greenlist, app_url: str, owner_url: str
) -> None:
    park = s.credit_code(7)
    s.register_and_cultivate(service, park, UnitKind.PARK)
    for i in range(12):  # a unit snapshots every 10 events
        service.declare_park_members(s.city_actor(), park, [s.credit_code(100 + i)])
    code = s.credit_code(1)
    s.list_provincially(service, code)
    assert [e.type for e in service.unit_history(code)][-1] == "Listed"
    assert count(owner_url, f"{PREFIX}_snapshots") > 0
    assert service.unit_as_of(park, service.clock.now()).members == [s.credit_code(111)]

    side = read_side(service, app_url)
    try:
        assert side.runner.catch_up() > 0
        assert side.runner.rebuild() == side.runner.head()  # drops and renames its own tables
        sweeper = sweeper_for(service, side.db)  # the scheduler's table
        sweeper.run_until(local_date(service.clock.now()))
    finally:
        side.close()
    owners = run_sql(
        owner_url,
        "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = %s "
        "AND NOT tablename = ANY(%s)",
        schema_of(owner_url),
        APPEND_ONLY,
    )
    assert owners == [(APP_ROLE,)]  # the service's own tables are its own


@pytest.mark.postgres
def test_as_the_app_role_the_api_answers_commands_with_idempotency_keys(
    app_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GREENLIST_JWT_SECRET", SECRET)
    api = make_app(app_url, SettableClock(datetime(2025, 1, 10, 2, tzinfo=UTC)), follow=False)
    client: FlaskClient = api.test_client()
    try:
        body = {"credit_code": s.credit_code(3), "kind": "factory", "name": "绿色工厂"}
        headers = {**city(), "Idempotency-Key": "restricted-1"}
        first = client.post("/api/v1/units", json=body, headers=headers)
        again = client.post("/api/v1/units", json=body, headers=headers)
        assert first.status_code == again.status_code == 201, first.json
        assert again.headers["Idempotent-Replayed"] == "true"
    finally:
        api.extensions["greenlist"].service.close()


@pytest.mark.postgres
def test_as_the_app_role_reports_are_sealed_erased_and_their_keys_rotated(
    service: Greenlist, app_url: str, owner_url: str, tmp_path: Path
) -> None:
    """Issue 14: the vault's key table is the service's own (shredding and rotation update
    it), so as greenlist_app a report is filed, its data erased, and every key re-wrapped."""
    against = agency(service)
    kept, erased = (report(service, against, name, date(2025, 2, 1)) for name in ("陈一", "林二"))
    service.erase_reporter_data(HANGZHOU, erased, "举报人申请删除")
    new_file = tmp_path / "vault.key"
    rotate = ["vault", "rotate", "--to", str(new_file), "--generate", "--database-url", app_url]
    assert main(rotate) == 0
    with_only(service, decode_key(new_file.read_text()))
    assert reporter_name(service, kept) == "陈一"
    with pytest.raises(Erased):
        reporter_name(service, erased)
    assert table_owner(owner_url, VAULT_TABLE) == APP_ROLE


@pytest.mark.postgres
def test_a_vault_table_the_owner_created_is_given_to_the_app_role(
    owner_url: str, app_url: str
) -> None:
    """A store whose vault table its owner created (a service started as the owner before the
    restricted writer was set up): `greenlist db-roles` gives it to the service's role."""
    build_service(owner_url, restricted=False).close()
    assert main(["db-roles", "--database-url", owner_url]) == 0
    assert table_owner(owner_url, VAULT_TABLE) == APP_ROLE


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {t} SET {c} = {c}",
        "DELETE FROM {t}",
        "TRUNCATE {t}",
        "DROP TABLE {t}",
        "ALTER TABLE {t} DISABLE TRIGGER ALL",
        "LOCK TABLE {t} IN EXCLUSIVE MODE",
    ],
)
def test_the_app_role_can_neither_change_nor_remove_the_log(
    service: Greenlist, app_url: str, owner_url: str, statement: str
) -> None:
    s.register_and_cultivate(service, s.credit_code(2))
    tables = existing(owner_url)
    assert set(tables) >= {EVENTS, f"{PREFIX}_snapshots", f"{PREFIX}_timeline"}
    before = {name: count(owner_url, name) for name in tables}
    for name in tables:
        query = sql.SQL(statement).format(
            t=table(app_url, name), c=sql.Identifier(first_column(owner_url, name))
        )
        with pytest.raises(errors.InsufficientPrivilege):
            run_sql(app_url, query)
    assert {name: count(owner_url, name) for name in tables} == before


def table_owner(url: str, name: str) -> str:
    rows = run_sql(
        url,
        "SELECT tableowner FROM pg_tables WHERE schemaname = %s AND tablename = %s",
        schema_of(url),
        name,
    )
    return str(rows[0][0])


def first_column(url: str, name: str) -> str:
    rows = run_sql(
        url,
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = 1",
        f'"{schema_of(url)}"."{name}"',
    )
    return str(rows[0][0])


@pytest.mark.postgres
def test_the_app_role_adds_events_but_never_chooses_their_position(
    service: Greenlist, app_url: str
) -> None:
    """The log's positions come from its sequence: inserting one's own is refused."""
    s.register_and_cultivate(service, s.credit_code(2))
    with pytest.raises(errors.InsufficientPrivilege):
        run_sql(
            app_url,
            sql.SQL(
                "INSERT INTO {} (originator_id, originator_version, topic, state, "
                "notification_id) VALUES (gen_random_uuid(), 1, 'x', '\\x00', 1000000)"
            ).format(table(app_url, EVENTS)),
        )


@pytest.mark.postgres
def test_the_app_role_takes_the_log_s_write_lock_as_the_library_does(
    owner_url: str, app_url: str
) -> None:
    """eventsourcing serialises writers with LOCK TABLE ... IN EXCLUSIVE MODE, which the app
    may not take itself; the owner's function takes that very lock for it."""
    function = sql.SQL("{}.{}").format(
        sql.Identifier(schema_of(app_url)), sql.Identifier(f"{EVENTS}_lock")
    )
    with psycopg.connect(conninfo(app_url)) as conn:
        conn.execute(sql.SQL("SELECT {}()").format(function))
        modes = conn.execute(
            "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND granted "
            "AND relation = %s::regclass",
            (f'"{schema_of(app_url)}"."{EVENTS}"',),
        ).fetchall()
    assert ("ExclusiveLock",) in modes


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement", ["UPDATE {} SET topic = topic", "DELETE FROM {}", "TRUNCATE {}"]
)
def test_the_owner_too_is_refused_by_the_append_only_trigger(
    service: Greenlist, owner_url: str, statement: str
) -> None:
    """The second line: even the owner (here a superuser) is refused, unless it first drops or
    disables the trigger (which a superuser or the owner can: it stops mistakes, not them)."""
    s.register_and_cultivate(service, s.credit_code(2))
    before = count(owner_url, EVENTS)
    with pytest.raises(errors.RaiseException, match="append-only"):
        run_sql(owner_url, sql.SQL(statement).format(table(owner_url, EVENTS)))
    assert count(owner_url, EVENTS) == before


@pytest.mark.postgres
def test_an_owner_without_superuser_rights_sets_up_a_fresh_schema(
    postgres_url: str, roles: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = f"t_{uuid.uuid4().hex[:16]}"
    owner = as_role(f"{postgres_url}?schema={schema}", OWNER_ROLE)
    try:
        assert main(["db-roles", "--database-url", owner]) == 0
        assert main(["db-roles", "--database-url", owner]) == 0  # again: nothing changes
        owners = run_sql(
            postgres_url,
            "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = %s",
            schema,
        )
        assert {owner for _, owner in owners} == {OWNER_ROLE}
        monkeypatch.setenv("GREENLIST_RESTRICTED_WRITER", "1")
        app = on_time(build_service(as_role(owner, APP_ROLE), SettableClock(datetime.now(UTC))))
        try:
            s.register_and_cultivate(app, s.credit_code(5), year=datetime.now(UTC).year)
        finally:
            app.close()
        with pytest.raises(errors.InsufficientPrivilege):
            run_sql(
                as_role(owner, APP_ROLE), sql.SQL("DELETE FROM {}").format(table(owner, EVENTS))
            )
    finally:
        run_sql(
            postgres_url, sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )


@pytest.mark.postgres
def test_tables_that_appear_later_get_the_same_protection_once_run_again(
    service: Greenlist, owner_url: str, app_url: str
) -> None:
    """A store from before the verifiable log has no leaves table (here: the owner drops it,
    which the trigger does not stop). The upgrade's `greenlist db-roles`, run as the owner,
    creates it (and the leaves of the events already stored) and covers it by name."""
    leaves = f"{PREFIX}_leaves"
    s.register_and_cultivate(service, s.credit_code(2))
    run_sql(owner_url, sql.SQL("DROP TABLE {}").format(table(owner_url, leaves)))
    assert main(["db-roles", "--database-url", owner_url]) == 0
    assert count(owner_url, leaves) == count(owner_url, EVENTS) == 2
    s.list_provincially(service, s.credit_code(3))  # the app adds leaves with its events
    assert count(owner_url, leaves) == count(owner_url, EVENTS)
    for statement in ("UPDATE {} SET leaf_hash = leaf_hash", "DELETE FROM {}", "TRUNCATE {}"):
        with pytest.raises(errors.InsufficientPrivilege):
            run_sql(app_url, sql.SQL(statement).format(table(app_url, leaves)))
    with pytest.raises(errors.RaiseException, match="append-only"):
        run_sql(owner_url, sql.SQL("DELETE FROM {}").format(table(owner_url, leaves)))


@pytest.mark.postgres
def test_a_table_the_app_made_itself_under_a_log_name_is_refused(
    owner_url: str, app_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app may create tables in the schema (its read models). One it made under the name of
    a log table not there yet (here: dropped by the owner, as before an upgrade that brings
    it) would be its own: run again, db-roles refuses, naming it."""
    checkpoints = f"{PREFIX}_checkpoints"
    run_sql(owner_url, sql.SQL("DROP TABLE {}").format(table(owner_url, checkpoints)))
    run_sql(app_url, sql.SQL("CREATE TABLE {} (x int)").format(table(app_url, checkpoints)))
    assert main(["db-roles", "--database-url", owner_url]) == 1
    assert f"the owner of {schema_of(owner_url)}.{checkpoints}" in capsys.readouterr().err


@pytest.mark.postgres
def test_a_store_set_up_before_gives_the_service_its_own_tables(
    postgres_schema: str, roles: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store one role set up and ran (the way before): db-roles gives the read models, their
    positions and the other service tables to the app, which then rebuilds them."""
    clock = SettableClock(datetime(2025, 1, 1, tzinfo=UTC))
    before = on_time(build_service(postgres_schema, clock))
    s.register_and_cultivate(before, s.credit_code(4))
    side = read_side(before, postgres_schema)
    side.runner.catch_up()
    side.close()
    before.close()
    assert main(["db-roles", "--database-url", postgres_schema]) == 0
    monkeypatch.setenv("GREENLIST_RESTRICTED_WRITER", "1")
    url = as_role(postgres_schema, APP_ROLE)
    app = build_service(url, clock)
    side = read_side(app, url)
    try:
        assert side.runner.rebuild() == side.runner.head() > 0
    finally:
        side.close()
        app.close()


@pytest.mark.postgres
def test_the_restricted_writer_will_not_start_on_a_store_nobody_set_up(
    postgres_schema: str, roles: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_sql(
        postgres_schema,
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
            sql.Identifier(schema_of(postgres_schema)), sql.Identifier(APP_ROLE)
        ),
    )
    monkeypatch.setenv("GREENLIST_RESTRICTED_WRITER", "1")
    with pytest.raises(StoreNotSetUp, match="greenlist db-roles"):
        build_service(as_role(postgres_schema, APP_ROLE))


@pytest.mark.postgres
def test_the_restricted_writer_will_not_start_on_a_store_set_up_by_an_older_version(
    owner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store whose owner ran `greenlist db-roles` before the timeline said which rows were
    recorded out of order (issue 15) lacks the column: the service refuses to start, saying to
    run it again, rather than fail at its first write; once it is run, the service starts."""
    run_sql(
        owner_url,
        sql.SQL("ALTER TABLE {} DROP COLUMN out_of_order").format(
            table(owner_url, f"{PREFIX}_timeline")
        ),
    )
    monkeypatch.setenv("GREENLIST_RESTRICTED_WRITER", "1")
    with pytest.raises(StoreNotSetUp, match=r"out_of_order.*greenlist db-roles"):
        build_service(as_role(owner_url, APP_ROLE))
    assert main(["db-roles", "--database-url", owner_url]) == 0
    build_service(as_role(owner_url, APP_ROLE)).close()


@pytest.mark.postgres
def test_without_the_switch_the_app_role_cannot_start(owner_url: str) -> None:
    """Not restricted, the service would create its tables: the app role may not."""
    with pytest.raises(Exception, match="must be owner"):
        build_service(as_role(owner_url, APP_ROLE), restricted=False)


@pytest.mark.parametrize("store", ["memory://", "sqlite:///var/x.db"])
def test_the_switch_is_for_postgresql_only(store: str) -> None:
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        store_settings(store, restricted=True)


def test_db_roles_prints_its_sql_for_dbas(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db-roles", "--sql", "--database-url", "postgresql://o@h/db?schema=gl"]) == 0
    printed = capsys.readouterr().out
    assert "target_schema  text   := 'gl';" in printed
    assert "GRANT INSERT (%s) ON TABLE" in printed and "'greenlist_leaves'" in printed
    assert main(["db-roles", "--database-url", "sqlite:///var/x.db"]) == 2
