"""The `greenlist` command: `serve` (the HTTP API under gunicorn), `token` (a bearer token for
local use), `demo` (load the generated demo history and print a unit's history) and
`projections run|rebuild|status` (the read models), `scheduler` (the deadlines scheduler),
`tick --until DATE` (every due job up to a date); `import FILE` (a historical list from its
record, greenlist.import_cli); `log-key`, `checkpoint` and `verify` (the
verifiable log: its public key, a signed checkpoint, a check of the whole store); `db-roles`
(PostgreSQL: the store's owner sets up the restricted writer); `national follow|status|reset`
(the national view over provincial stores, greenlist.national); `vault new-key|status|rotate`
(the reporters' data keys, greenlist.vault.commands).

`main` is the root of every command's process: it reads the settings (greenlist.settings) once,
with the command's `--database-url` in place of `GREENLIST_DATABASE_URL`, refuses unusable ones
(exit 2, naming the variable), and passes them down."""

from __future__ import annotations

import argparse
import importlib.metadata
import logging
import signal
import sys
import threading
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import datetime

import psycopg
from eventsourcing.persistence import PersistenceError

from api.auth import API_ROLES, BadToken, mint
from domain.clock import SettableClock
from domain.errors import NotFound, RuleViolation, UndecodableEvent
from domain.values import SHANGHAI, Level
from greenlist import (
    db_roles,
    export_cli,
    identity_key,
    import_cli,
    national,
    scheduling,
    store_notice,
    token_secret,
    vault,
)
from greenlist.arguments import Parser
from greenlist.config import SystemClock, build_service
from greenlist.runtime import ProgressBar, read_side
from greenlist.settings import TOKEN_MAX_HOURS, Settings, SettingsError, settings_or_env
from greenlist.vault import commands as vault_commands
from greenlist.vlog import commands as log_commands
from greenlist.vlog import keys as log_keys
from projections.engine.runner import NEXT, RebuildSuperseded, Runner
from projections.lists import list_as_of

AFTER_DEMO = datetime(2026, 6, 30, 18, tzinfo=SHANGHAI)
"""The end of the demo history: acts the demo only tries are judged then."""


def load_demo(settings: Settings) -> None:
    """Load the demo history if the store is empty, saying what it did. The demo lives in the
    simulation package, outside the production code path: imported only when asked for."""
    from simulation.demo import load_if_empty

    print(f"store: {settings.store.redacted()}")
    outcome = load_if_empty(settings.store.url)
    if outcome is None:
        print("(the store already holds events: nothing loaded)")
        return
    print(
        f"loaded the demo history, July 2024 to June 2026: {outcome.events} events; "
        f"provincial list 2025: {len(outcome.listed[2025])} units, 2026: "
        f"{len(outcome.listed[2026])} new, {len(outcome.removed_2026)} removed"
    )


def run_demo(url: str | None = None, settings: Settings | None = None) -> int:
    """Load the demo history (if the store is empty), show a refusal and print the history of
    the unit that was listed, renamed, reported and removed."""
    from simulation.demo import showcase_code
    from simulation.scenarios import city_actor

    settings = settings_or_env(settings, url)
    load_demo(settings)
    app = build_service(clock=SettableClock(AFTER_DEMO), settings=settings)
    code = showcase_code()
    try:
        app.nominate(city_actor(code[2:6] + "00"), code, Level.PROVINCIAL, 2026)
    except NotFound:
        print(f"(unit {code} of the demo history is not in this store)")
        app.close()
        return 0
    except RuleViolation as refusal:
        print(f"refused as expected: {refusal}")
    side = read_side(app, settings=settings)
    side.runner.catch_up()
    rows = list_as_of(side.db, "provincial")
    print(f"\nprovincial list now (read model): {len(rows)} units")
    for row in rows[:8]:
        print(f"  {row['credit_code']}  {row['name']}  listed {row['listed_on']}")
    side.close()
    unit = app.get_unit(code)
    print(f"\n{unit.name} ({unit.credit_code}), city {unit.city}, version {unit.version}")
    for level, standing in unit.standing.items():
        print(f"  {level}: {standing['status']}")
    print("\nhistory:")
    for e in app.unit_history(code):
        print(
            f"  v{e.version:<3} {e.recorded_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} {e.type:<24} "
            f"{e.actor_role}/{e.actor_region:<7} rules {', '.join(e.rules)}"
        )
    app.close()
    return 0


EXIT_UNDECODABLE = 3
"""`greenlist projections` stopped at an event of the log it cannot decode."""
EXIT_REBUILD_STOPPED = 4
"""`greenlist projections rebuild` stopped (another rebuild started, a loading process or the
database connection failed): nothing was swapped in."""
REBUILD_PROCESSES = 2
"""A rebuild on PostgreSQL in two processes: about 1.7 times as fast as in one on two CPUs
(bench.rebuild); more than the CPUs only contend with the server's."""


def report_rebuild_stopped(error: BaseException) -> int:
    """What `projections rebuild` says when it stops before its swap (found by an outside
    attack: a loading process killed, or its connection cut, ended in a raw traceback): why,
    in one line, and that the live read models are as they were; `EXIT_REBUILD_STOPPED`."""
    if isinstance(error, RebuildSuperseded):
        why = f"another rebuild started meanwhile ({error})"
    elif isinstance(error, BrokenProcessPool):
        why = "a loading process ended abruptly (killed, or out of memory)"
    else:
        why = f"the database failed ({type(error).__name__}: {str(error).strip()})"
    print(
        f"\ngreenlist projections rebuild: stopped: {why}. Nothing was swapped in: the live "
        "read models are as they were; run the rebuild again. / 重建已停止，未替换任何读模型。",
        file=sys.stderr,
    )
    return EXIT_REBUILD_STOPPED


def report_undecodable(action: str, error: UndecodableEvent) -> int:
    """What `projections run|rebuild` says when it stops at an event it cannot decode (issue 9
    item 7): which event (aggregate, version, log position) and what failed, and what was
    left as it was; then it exits with `EXIT_UNDECODABLE`, without a traceback."""
    left = (
        "nothing was swapped in: the live read models are as they were"
        if action == "rebuild"
        else f"the read models have applied every event before position {error.position}"
    )
    print(
        f"\ngreenlist projections {action}: stopped at an event it cannot decode\n"
        f"  aggregate: {error.aggregate_id}\n"
        f"  version:   {error.version}\n"
        f"  position:  {error.position}\n"
        f"  failure:   {error.reason}\n"
        f"{left}. The log is never edited: once the code can read that event again (a topic "
        "alias or an upcaster for its class), run the command again; it starts from there.",
        file=sys.stderr,
    )
    return EXIT_UNDECODABLE


def _rows(text: str) -> int:
    """`--remember-rows`: a whole number, 0 or more (0: a rebuild remembers no row)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r} / 不是整数") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"0 or more: {value} / 不能为负数")
    return value


def run_projections(
    action: str,
    names: list[str],
    settings: Settings,
    processes: int = REBUILD_PROCESSES,
    remember_rows: int | None = None,
) -> int:
    """`greenlist projections run|rebuild|status`; a rebuild on PostgreSQL loads the read
    models in `processes` processes (projections.engine.rebuilding), each remembering up to
    `remember_rows` rows (`Rebuilding.remember_rows` unless given: what bounds its memory)."""
    app = build_service(clock=SystemClock(), settings=settings)
    side = read_side(app, settings=settings)
    try:
        if action == "status":
            positions, lag = side.runner.positions(), side.runner.lag()
            print(f"head of the log: {side.runner.head()}")
            for name, behind in lag.items():
                print(f"  {name:<16} position {positions.get(name, 0):>9}  behind {behind:>9}")
            for line in rebuild_status(positions):
                print(line)
        elif action == "rebuild":
            known = {projection.name for projection in side.runner.projections}
            unknown = sorted(set(names) - known)
            if unknown:
                print(
                    f"greenlist projections rebuild: no read model named {', '.join(unknown)} "
                    f"/ 没有该读模型 (known: {', '.join(sorted(known))})",
                    file=sys.stderr,
                )
                return 2
            side.runner.processes = max(1, processes)
            if remember_rows is not None:
                side.runner.remember_rows = remember_rows
            count = side.runner.rebuild(names or None, progress=ProgressBar())
            print(f"rebuilt {', '.join(names) or 'all read models'} from {count} events")
        else:
            follow(side.runner)
    except UndecodableEvent as error:
        return report_undecodable(action, error)
    except (RebuildSuperseded, BrokenProcessPool, psycopg.Error, PersistenceError) as error:
        if action != "rebuild":
            raise
        return report_rebuild_stopped(error)
    finally:
        side.close()
        app.close()
    return 0


def rebuild_status(positions: dict[str, int]) -> list[str]:
    """The lines `projections status` adds for a rebuild's new tables (their `__next`
    tracking rows): how far each is, by position, or by events read when it is loaded by
    aggregate (below zero, engine.rebuilding). Rows left by a rebuild that stopped look the
    same: the next rebuild starts afresh over them (found by an outside attack: the status
    said nothing of either)."""
    loading = sorted((n.removesuffix(NEXT), p) for n, p in positions.items() if n.endswith(NEXT))
    if not loading:
        return []
    lines = ["new tables of a rebuild (running, or left by one that stopped):"]
    for name, position in loading:
        if position < 0:
            lines.append(f"  {name:<24} {-position:>9} events read by aggregate")
        else:
            lines.append(f"  {name:<24} position {position:>9}")
    return lines


def token_secret_for(settings: Settings) -> str | None:
    """The secret `greenlist token` signs with: GREENLIST_JWT_SECRET, else the one a demo
    generated for this store (`make run`); None when there is neither."""
    configured = token_secret.configured(settings)
    return configured or token_secret.existing_store_secret(settings.store)


def follow(runner: Runner) -> None:
    """`greenlist projections run`: follow the log until SIGTERM or Ctrl-C. The runner
    reconnects (with backoff, logged) when the store cannot be reached and goes on from its
    tracking positions; a bug ends the command with its traceback (a non-zero exit, for the
    supervisor to see)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("following the event log; Ctrl-C stops", file=sys.stderr, flush=True)
    try:
        runner.follow(stop)
    except KeyboardInterrupt:
        stop.set()


def run_token(args: argparse.Namespace, settings: Settings) -> int:
    """`greenlist token`: prints a bearer token (HS256) for local use; refused (exit 2) for
    claims the API would refuse (a city token of 330000, a county code, a lifetime over the
    maximum) and when no secret is configured."""
    url = settings.store.redacted()
    try:
        secret = token_secret_for(settings)
    except token_secret.SecretRefused as refused:
        print(refused, file=sys.stderr)
        return 2
    if secret is None:
        print(
            f"{token_secret.SETTING} is not set and no demo has generated a secret for {url} / "
            f"未设置{token_secret.SETTING}，且该存储没有演示密钥",
            file=sys.stderr,
        )
        return 2
    longest = settings.token_max_lifetime
    if not 0 < args.hours * 3600 <= longest.total_seconds():
        print(
            f"--hours must be more than 0 and at most {longest} "
            f"({TOKEN_MAX_HOURS}) / 令牌有效期超出允许范围",
            file=sys.stderr,
        )
        return 2
    claims = {
        k: v
        for k, v in (("uscc", args.uscc), ("agency", args.agency), ("department", args.department))
        if v
    }
    sub = args.sub or args.uscc or args.agency or f"{args.role}-{args.region}"
    try:
        print(mint(secret, sub, args.role, args.region, hours=args.hours, **claims))
    except BadToken as refused:
        print(f"refused / 拒绝签发: {refused}", file=sys.stderr)
        return 2
    return 0


TEST_CLOCK_WORKERS = (
    "GREENLIST_TEST_CLOCK=1 runs one worker: each worker would keep its own test clock, moved "
    "only by the requests it answers (reads disagreeing about now, acts recorded out of time "
    "order); use --workers 1 / 测试时钟只能单进程运行（--workers 1）：各进程的时钟彼此独立"
)
"""Why `serve` refuses the test clock with several workers (found by an outside attack on
issue 15's read caches: two workers' clocks, the same list position answered two ways)."""


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    """`greenlist serve`: refuses to start without GREENLIST_JWT_SECRET, except with `--demo`
    or the test clock, which use a secret generated for their store. With `--demo`, load the
    demo history into an empty store first and print a province token and example requests."""
    from greenlist.serve import serve

    url = f"http://{args.host}:{args.port}"
    test_clock = settings.test_clock
    if test_clock and args.workers > 1:
        print(TEST_CLOCK_WORKERS, file=sys.stderr)
        return 2
    try:
        secret = token_secret.for_service(settings, generate=args.demo or test_clock)
        identity_key.required_for_server(settings)
        vault.required_for_server(settings)
    except (token_secret.SecretRefused, identity_key.KeyRequired, vault.KeyRequired) as refused:
        print(refused, file=sys.stderr)
        return 2
    signed_with = (  # what the demo's token is signed with, as it is
        "GREENLIST_JWT_SECRET"
        if settings.jwt_secret
        else f"this store's own secret ({token_secret.store_secret_path(settings.store)})"
    )
    settings = replace(settings, jwt_secret=secret)  # the workers, the scheduler alongside
    if args.demo or test_clock:  # a checkpoint key of this store's own, as the token secret
        log_key = log_keys.signer(settings, generate=True)
    if args.demo:
        from simulation.demo import showcase_code

        load_demo(settings)
        token = mint(secret, "jxt-demo", "province", "330000", hours=12)
        code = showcase_code()
        print(
            f"\ngreenlist on {url}  (API docs {url}/api/docs)\n"
            f"console: {url}/console/  (sign in by pasting the token below)\n\n"
            f"province token (12 h), signed with {signed_with}:\n"
            f"  export TOKEN={token}\n\ntry:\n"
            f"  curl {url}/health\n"
            f"  curl '{url}/api/v1/lists/provincial?as_of=2025-12-31T00:00:00%2B08:00'\n"
            f'  curl -H "Authorization: Bearer $TOKEN" {url}/api/v1/units/{code}\n'
            f'  curl -H "Authorization: Bearer $TOKEN" {url}/api/v1/units/{code}/history\n'
            f"  curl {url}/metrics\n"
            f"  curl {url}/api/v1/log/checkpoint       # signed by the scheduler; verify with\n"
            f"  {log_key.verifier_key()}\n",
            flush=True,
        )
    else:
        print(f"greenlist on {url}", flush=True)
    scheduler = args.scheduler
    if scheduler is None:  # the embedded default lives on its own; the test clock drives it
        embedded = settings.store.kind == "sqlite"
        scheduler = embedded and not test_clock
    return serve(
        args.host,
        args.port,
        args.workers,
        args.threads,
        args.access_log,
        scheduler=scheduler,
        request_timeout=args.request_timeout,
        settings=settings,
    )


def version() -> str:
    try:
        return importlib.metadata.version("greenlist")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout
        return "unknown"


def parser() -> argparse.ArgumentParser:
    from greenlist.serve import DEFAULT_HOST, DEFAULT_PORT, THREADS
    from greenlist.worker import REQUEST_TIMEOUT

    root = Parser(prog="greenlist", description=__doc__)
    root.add_argument("--version", action="version", version=f"greenlist {version()}")
    commands = root.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="run the HTTP API (gunicorn)")
    serve_cmd.add_argument("--host", default=DEFAULT_HOST)
    serve_cmd.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve_cmd.add_argument("--workers", type=int, default=1, help="1 on SQLite (one writer)")
    serve_cmd.add_argument("--threads", type=int, default=THREADS)
    serve_cmd.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="a JSON line per request and per command on stderr (default: on)",
    )
    serve_cmd.add_argument(
        "--request-timeout",
        type=float,
        default=REQUEST_TIMEOUT,
        help="seconds a client has to send a whole request once it starts (else 408)",
    )
    serve_cmd.add_argument("--demo", action="store_true", help="load the demo history if empty")
    serve_cmd.add_argument(
        "--scheduler",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run `greenlist scheduler` alongside (default: with the embedded SQLite store, "
        "unless GREENLIST_TEST_CLOCK=1)",
    )
    token_cmd = commands.add_parser("token", help="print a bearer token for local use")
    token_cmd.add_argument("--role", required=True, choices=sorted(API_ROLES))
    token_cmd.add_argument("--region", required=True, help="a city code or 330000")
    token_cmd.add_argument("--uscc", help="an enterprise's credit code (role enterprise)")
    token_cmd.add_argument("--agency", help="an agency's credit code (role agency)")
    token_cmd.add_argument("--sub", help="who (default: the credit code or role-region)")
    token_cmd.add_argument("--department", help="a co-publishing department (role codept)")
    token_cmd.add_argument("--hours", type=float, default=12)
    token_cmd.add_argument(
        "--database-url", default=None, help="whose demo secret to use when none is configured"
    )
    projections_cmd = commands.add_parser("projections", help="run or rebuild the read models")
    projections_cmd.add_argument("action", choices=["run", "rebuild", "status"])
    projections_cmd.add_argument("names", nargs="*", help="read models to rebuild (default all)")
    projections_cmd.add_argument("--database-url", default=None)
    projections_cmd.add_argument(
        "--processes",
        type=int,
        default=REBUILD_PROCESSES,
        help=f"rebuild: processes loading the read models on PostgreSQL "
        f"(default {REBUILD_PROCESSES})",
    )
    projections_cmd.add_argument(
        "--remember-rows",
        type=_rows,
        default=None,
        help="rebuild: rows each loading process keeps in memory (default "
        f"{Runner.remember_rows:,}: about 100 MB for the larger process at 0.2 M events and "
        "at 1 M; the rows forgotten wait in a spill on the local disk; "
        "README 'Performance')",
    )
    scheduling.add_commands(commands)
    log_commands.add_commands(commands)
    db_roles.add_command(commands)
    export_cli.add_command(commands)
    import_cli.add_command(commands)
    national.add_command(commands)
    vault_commands.add_command(commands)
    demo_cmd = commands.add_parser("demo", help="load the demo history, print a unit's history")
    demo_cmd.add_argument(
        "--database-url",
        default=None,
        help="overrides GREENLIST_DATABASE_URL (default sqlite:///var/greenlist.db)",
    )
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env(database_url=getattr(args, "database_url", None))
    except SettingsError as unusable:
        print(f"greenlist {args.command}: {unusable}", file=sys.stderr)
        return 2
    if args.command != "national":  # its stores are its arguments: it names them itself
        store_notice.announce(settings, args.command)
    if args.command == "serve":
        return run_serve(args, settings)
    if args.command == "token":
        return run_token(args, settings)
    if args.command == "demo":
        return run_demo(settings=settings)
    if args.command == "scheduler":
        return scheduling.run_scheduler(args, settings)
    if args.command == "tick":
        return scheduling.run_tick(args, settings)
    if args.command in ("log-key", "checkpoint", "verify"):
        return log_commands.run(args, settings)
    if args.command == "projections":
        return run_projections(
            args.action, args.names, settings, args.processes, args.remember_rows
        )
    if args.command == "db-roles":
        return db_roles.run_db_roles(args, settings)
    if args.command == "export":
        return export_cli.run_export(args, settings)
    if args.command == "import":
        return import_cli.run_import(args, settings)
    if args.command == "national":
        return national.run_national(args, settings)
    if args.command == "vault":
        return vault_commands.run(args, settings)
    return 2


if __name__ == "__main__":
    sys.exit(main())
