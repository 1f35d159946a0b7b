"""The restricted writer on PostgreSQL (issue 10 item 5): the service logs in as a role that may
add to the log and read it, but never change or remove what is in it.

Why two roles: a table's owner may always UPDATE, DELETE and TRUNCATE it, drop it, disable its
triggers and grant itself anything back, and the owner of a schema may drop every table in it.
So the tables the log lives in (`APPEND_ONLY`) and their schema belong to an owner (the role
that runs `greenlist db-roles`), and the service's own login role (`greenlist_app` by default)
gets SELECT and INSERT on them (INSERT of every column but the ones the database numbers itself:
an event's position in the log comes from its sequence, never from the writer), USAGE on their
sequences, and nothing else. What the service
rewrites as it runs (read models and their tracking positions, idempotency keys, handled
deadlines) it owns itself: a rebuild drops and renames read-model tables, and creating an index
(even `CREATE INDEX IF NOT EXISTS` on an existing one) needs the table's owner; it gets CREATE on
the schema for them.

eventsourcing serialises writers with `LOCK TABLE <events> IN EXCLUSIVE MODE` (insert order =
commit order, so readers never pass over a gap filled later). PostgreSQL 15 grants that lock
mode only to roles that may UPDATE, DELETE or TRUNCATE the table, so the owner provides a
function (`lock_function`) that takes the same lock on the caller's behalf (SECURITY DEFINER,
fixed search_path, nothing else in it); the restricted recorder calls it instead.

Second line (belt and braces): a statement trigger on every append-only table refuses UPDATE,
DELETE and TRUNCATE whoever asks, the owner included: against a mistaken script, not against
the owner, who may drop or disable the trigger, nor a superuser, who may also bypass it
(`session_replication_role = replica`).

`restricted_writer_sql` is one idempotent DO block: run it again whenever new tables appear
(`<name>_leaves`, `<name>_checkpoints` of the verifiable log are covered by name as soon as
they exist)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

APP_ROLE = "greenlist_app"
"""The service's login role, unless told otherwise (`greenlist db-roles --app-role`)."""

APPEND_ONLY = ("events", "snapshots", "timeline", "leaves", "checkpoints")
"""The store's tables (`<application name>_<suffix>`) the service may only add to: the log, the
snapshots and the timeline index (a read as of an instant starts from a snapshot found through
the timeline, so a changed row of either would change what the record says), and the
verifiable log's Merkle leaves and signed checkpoints."""

TRIGGER = "greenlist_append_only"
"""The name of the append-only trigger on each such table, and of its function."""


def append_only_tables(prefix: str) -> list[str]:
    """The append-only tables of the application named `prefix` (eventsourcing: `name.lower()`)."""
    return [f"{prefix}_{suffix}" for suffix in APPEND_ONLY]


def lock_function(events_table: str) -> str:
    """The owner's function that takes the events table's write lock for the restricted writer."""
    return f"{events_table}_lock"


def literal(value: str) -> str:
    """A SQL string literal (standard_conforming_strings, PostgreSQL's default since 9.1)."""
    return "'" + value.replace("'", "''") + "'"


def array(values: Iterable[str]) -> str:
    """A text[] literal, a name a line (the DO block's declarations)."""
    items = "".join(f"\n        {literal(v)}," for v in values).rstrip(",")
    return f"ARRAY[{items}\n    ]::text[]"


def restricted_writer_sql(
    schema: str, prefix: str, service_tables: Sequence[str], app_role: str = APP_ROLE
) -> str:
    """The setup of the restricted writer for the store of application `prefix` in `schema`, as
    one idempotent statement for the owner of the store (or a superuser) to run; the service's
    own tables named in `service_tables` that exist and belong to another role are given to the
    app (stores set up before the restricted writer existed)."""
    events = f"{prefix}_events"
    return f"""\
-- greenlist: the restricted writer (README, "Restricted writer";
-- greenlist/adapters/stores/restricted.py).
-- Run as the owner of the event store's tables (or a superuser), after they were created
-- (`greenlist db-roles` does both). Idempotent: run it again whenever new tables appear.
-- The role's password is set apart, never here: ALTER ROLE {app_role} PASSWORD '...' (SCRAM).
DO $greenlist$
DECLARE
    target_schema  text   := {literal(schema)};
    app            text   := {literal(app_role)};
    append_only    text[] := {array(append_only_tables(prefix))};
    service_tables text[] := {array(service_tables)};
    events_table   text   := {literal(events)};
    lock_function  text   := {literal(lock_function(events))};
    trigger_name   text   := {literal(TRIGGER)};
    schema_owner   regrole;
    table_owner    regrole;
    events_owner   regrole;
    t              text;
    seq            regclass;
    insertable     text;
    missing        text[] := '{{}}';
BEGIN
    -- one run at a time (GRANT on the same catalogue row at once fails)
    PERFORM pg_advisory_xact_lock(hashtext('greenlist:db-roles'));

    -- 1. The service's login role: no superuser, no role management, no RLS bypass.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = app) THEN
        EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE '
                       'NOREPLICATION NOBYPASSRLS', app);
    END IF;
    IF (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = app) THEN
        RAISE EXCEPTION 'role % is a superuser or bypasses row security: it could change '
                        'anything', app;
    END IF;
    IF NOT has_database_privilege(app, current_database(), 'CONNECT') THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), app);
    END IF;

    -- 2. The schema: its owner may drop any table in it, so the app must neither own it nor
    -- be able to act as its owner. USAGE, and CREATE for the tables the app owns.
    SELECT nspowner::regrole INTO schema_owner FROM pg_namespace WHERE nspname = target_schema;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'schema % does not exist: create it as the owner first', target_schema;
    END IF;
    IF pg_has_role(app, schema_owner, 'MEMBER') THEN
        RAISE EXCEPTION 'role % is (or may act as) %, the owner of schema %: the owner of a '
                        'schema may drop every table in it', app, schema_owner, target_schema
              USING HINT = 'ALTER SCHEMA ... OWNER TO the store''s owner';
    END IF;
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO %I', target_schema, app);

    -- 3. Refuses UPDATE, DELETE and TRUNCATE, whoever asks (the second line).
    EXECUTE format($fn$
        CREATE OR REPLACE FUNCTION %I.%I() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $body$
        BEGIN
            RAISE EXCEPTION '%% on %%.%% refused: the table is append-only', TG_OP,
                TG_TABLE_SCHEMA, TG_TABLE_NAME
                USING HINT = 'greenlist never changes or removes what its log holds';
        END
        $body$$fn$, target_schema, trigger_name);
    EXECUTE format('REVOKE ALL ON FUNCTION %I.%I() FROM PUBLIC', target_schema, trigger_name);

    -- 4. The append-only tables that exist: SELECT, and INSERT of every column but those the
    -- database numbers itself (a serial or identity column: the log's positions are handed
    -- out by its sequence, never chosen by the writer), their sequences' USAGE (nextval), the
    -- trigger. Whoever can act as their owner could undo all of it.
    FOREACH t IN ARRAY append_only LOOP
        SELECT c.relowner::regrole INTO table_owner
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = target_schema AND c.relname = t AND c.relkind IN ('r', 'p');
        IF NOT FOUND THEN
            missing := missing || t;
            CONTINUE;
        END IF;
        IF pg_has_role(app, table_owner, 'MEMBER') THEN
            RAISE EXCEPTION 'role % is (or may act as) %, the owner of %.%: it could change '
                            'or remove the log', app, table_owner, target_schema, t
                  USING HINT = 'give the table to the store''s owner (ALTER TABLE ... OWNER '
                               'TO ...) and run this again';
        END IF;
        EXECUTE format('REVOKE ALL ON TABLE %I.%I FROM PUBLIC, %I', target_schema, t, app);
        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO insertable
          FROM pg_attribute a
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = format('%I.%I', target_schema, t)::regclass
           AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity = ''
           AND coalesce(pg_get_expr(d.adbin, d.adrelid), '') NOT LIKE 'nextval(%';
        EXECUTE format('GRANT SELECT ON TABLE %I.%I TO %I', target_schema, t, app);
        EXECUTE format('GRANT INSERT (%s) ON TABLE %I.%I TO %I', insertable, target_schema, t,
                       app);
        FOR seq IN
            SELECT d.objid::regclass
              FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
             WHERE d.classid = 'pg_class'::regclass
               AND d.refobjid = format('%I.%I', target_schema, t)::regclass
               AND d.deptype IN ('a', 'i')
        LOOP
            EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM PUBLIC, %I', seq, app);
            EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', seq, app);
        END LOOP;
        EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE UPDATE OR DELETE OR TRUNCATE '
                       'ON %I.%I FOR EACH STATEMENT EXECUTE FUNCTION %I.%I()',
                       trigger_name, target_schema, t, target_schema, trigger_name);
        IF t = events_table THEN
            events_owner := table_owner;
        END IF;
    END LOOP;

    -- 5. The events table's write lock (EXCLUSIVE MODE, which PostgreSQL grants only to
    -- roles that may UPDATE, DELETE or TRUNCATE), taken for the app by its owner's function.
    IF events_owner IS NOT NULL THEN
        EXECUTE format($fn$
            CREATE OR REPLACE FUNCTION %I.%I() RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
            BEGIN
                LOCK TABLE %I.%I IN EXCLUSIVE MODE;
            END
            $body$$fn$, target_schema, lock_function, target_schema, events_table);
        EXECUTE format('ALTER FUNCTION %I.%I() OWNER TO %s', target_schema, lock_function,
                       events_owner);
        EXECUTE format('REVOKE ALL ON FUNCTION %I.%I() FROM PUBLIC', target_schema,
                       lock_function);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %I.%I() TO %I', target_schema,
                       lock_function, app);
    END IF;

    -- 6. The service's own tables (read models, tracking, idempotency keys, handled
    -- deadlines), where an earlier setup created them as another role: the app must own
    -- them to rebuild and index them.
    FOREACH t IN ARRAY service_tables LOOP
        SELECT c.relowner::regrole INTO table_owner
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = target_schema AND c.relname = t AND c.relkind IN ('r', 'p');
        IF FOUND AND table_owner::text <> quote_ident(app) THEN
            EXECUTE format('ALTER TABLE %I.%I OWNER TO %I', target_schema, t, app);
        END IF;
    END LOOP;

    IF cardinality(missing) > 0 THEN
        RAISE NOTICE 'not there yet (run this again once they are): %',
                     array_to_string(missing, ', ');
    END IF;
END
$greenlist$;
"""
