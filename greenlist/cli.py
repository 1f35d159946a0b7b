"""The `greenlist` command. Until the HTTP API exists, `greenlist demo` runs a scenario through
the application service on the configured store and prints a unit's history."""

from __future__ import annotations

import argparse
import sys
import threading
from datetime import date, datetime

from domain.clock import SettableClock
from domain.errors import AlreadyExists, RuleViolation
from domain.values import SHANGHAI, Level
from greenlist import scenarios as demo
from greenlist.config import SystemClock, build_service, database_url
from greenlist.runtime import InProcessRunner, progress_bar, read_side
from projections.engine.runner import wait_for
from projections.lists import list_as_of

DEMO_START = datetime(2025, 1, 2, 9, tzinfo=SHANGHAI)


def run_demo(url: str | None = None) -> int:
    """Walk one factory to the provincial list, show a refusal, and print its history. The demo
    replays the 2025 selection, so its recording clock starts on 2 January 2025."""
    app = build_service(url, SettableClock(DEMO_START))
    code = demo.credit_code(1)
    print(f"store: {url or database_url()}")
    try:
        demo.list_provincially(app, code, year=2025)
    except AlreadyExists:
        print("(demo data already present; showing it)")
    late = demo.credit_code(2)
    try:
        demo.register_and_cultivate(app, late, year=2025)
        demo.evaluate(app, late, Level.PROVINCIAL)
    except AlreadyExists:
        pass
    try:
        app.nominate(
            demo.city_actor(),
            late,
            Level.PROVINCIAL,
            2025,
            occurred_at=demo.at(date(2025, 7, 1), 0, 0, 0),
        )
    except RuleViolation as refusal:
        print(f"refused as expected: {refusal}")
    side = read_side(app, url)
    with InProcessRunner(side.runner):
        receipt = app.declare_change(
            demo.enterprise_actor(code), code, "scope", "扩建二期产线 / a second production line"
        )
        wait_for(side.db, [p.name for p in side.runner.projections], receipt.position, 10)
        print("\nprovincial list now (read model):")
        for row in list_as_of(side.db, "provincial"):
            print(f"  {row['credit_code']}  {row['name']}  listed {row['listed_on']}")
    side.close()
    unit = app.get_unit(code)
    print(f"\n{unit.name} ({unit.credit_code}), city {unit.city}, version {unit.version}")
    for level, standing in unit.standing.items():
        print(f"  {level}: {standing['status']}")
    print("\nhistory:")
    for e in app.unit_history(code):
        print(
            f"  v{e.version:<3} {e.recorded_at:%Y-%m-%d %H:%M:%S} {e.type:<22} "
            f"{e.actor_role}/{e.actor_region:<7} rules {', '.join(e.rules)}"
        )
    app.close()
    return 0


def run_projections(action: str, names: list[str], url: str | None) -> int:
    """`greenlist projections run|rebuild|status`."""
    app = build_service(url, SystemClock())
    side = read_side(app, url)
    try:
        if action == "status":
            positions, lag = side.runner.positions(), side.runner.lag()
            print(f"head of the log: {side.runner.head()}")
            for name, behind in lag.items():
                print(f"  {name:<16} position {positions.get(name, 0):>9}  behind {behind:>9}")
        elif action == "rebuild":
            count = side.runner.rebuild(names or None, progress=progress_bar)
            print(f"rebuilt {', '.join(names) or 'all read models'} from {count} events")
        else:
            stop = threading.Event()
            print("following the event log; Ctrl-C stops", file=sys.stderr)
            try:
                side.runner.follow(stop)
            except KeyboardInterrupt:
                stop.set()
    finally:
        side.close()
        app.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="greenlist", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    projections_cmd = commands.add_parser("projections", help="run or rebuild the read models")
    projections_cmd.add_argument("action", choices=["run", "rebuild", "status"])
    projections_cmd.add_argument("names", nargs="*", help="read models to rebuild (default all)")
    projections_cmd.add_argument("--database-url", default=None)
    demo_cmd = commands.add_parser("demo", help="run the demo scenario and print a unit's history")
    demo_cmd.add_argument(
        "--database-url",
        default=None,
        help="overrides GREENLIST_DATABASE_URL (default sqlite:///var/greenlist.db)",
    )
    args = parser.parse_args(argv)
    if args.command == "demo":
        return run_demo(args.database_url)
    if args.command == "projections":
        return run_projections(args.action, args.names, args.database_url)
    return 2


if __name__ == "__main__":
    sys.exit(main())
