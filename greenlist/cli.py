"""The `greenlist` command. Until the HTTP API exists, `greenlist demo` runs a scenario through
the application service on the configured store and prints a unit's history."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from domain.errors import AlreadyExists, RuleViolation
from domain.values import Level
from greenlist import scenarios as demo
from greenlist.config import SystemClock, build_service, database_url


def run_demo(url: str | None = None) -> int:
    """Walk one factory to the provincial list, show a refusal, and print its history."""
    app = build_service(url, SystemClock())
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="greenlist", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo_cmd = commands.add_parser("demo", help="run the demo scenario and print a unit's history")
    demo_cmd.add_argument(
        "--database-url",
        default=None,
        help="overrides GREENLIST_DATABASE_URL (default sqlite:///var/greenlist.db)",
    )
    args = parser.parse_args(argv)
    if args.command == "demo":
        return run_demo(args.database_url)
    return 2


if __name__ == "__main__":
    sys.exit(main())
