"""`greenlist import FILE.csv|FILE.xlsx --level L --year Y [--city C] [--partial] [--dry-run]
[--actor ID] [--listed-on DATE] [--document NO] [--json]`: a historical list back-entered from
its published record (issue 15 item 1), every row an act of its own carrying the file's
SHA-256, the row and the importing actor (domain.service.records).

Every row is judged first; the refused ones are reported with their row, rule codes and zh/en
messages, and nothing of the file is recorded unless `--partial` says to record the valid rows.
`--dry-run` reports without recording. Importing the same file again records nothing new.
Exit 0: every row listed (or listed before); 1: refused rows (recorded only with --partial);
2: a usage mistake or a file that cannot be read, one line on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any

from domain.errors import RuleViolation
from domain.rules.records import HistoricalRecord
from domain.service.records import ImportReport
from domain.values import CITIES, PROVINCE, Actor, Level, Role, local_date
from greenlist.arguments import day
from greenlist.config import SystemClock, build_service
from greenlist.records_file import RecordFile, UnreadableFile, read_record_file
from greenlist.runtime import ProgressBar
from greenlist.settings import Settings

DEFAULT_ACTOR = "jxt-import"
PROGRESS_EVERY = 500
"""Off a terminal, the progress is a line every this many rows (files longer than that)."""


def add_command(commands: Any) -> None:
    cmd = commands.add_parser(
        "import",
        help="back-enter a historical list from its record (CSV or XLSX)",
        description=__doc__,
    )
    cmd.add_argument("file", help="the record: .csv (UTF-8, BOM or not) or .xlsx")
    cmd.add_argument("--level", required=True, choices=[level.value for level in Level])
    cmd.add_argument("--year", required=True, type=int, help="the year of the list")
    cmd.add_argument("--city", choices=sorted(CITIES), help="the city whose list it is")
    cmd.add_argument("--partial", action="store_true", help="record the valid rows anyway")
    cmd.add_argument("--dry-run", action="store_true", help="report only, record nothing")
    cmd.add_argument("--actor", default=DEFAULT_ACTOR, help="who imports (the province's staff)")
    cmd.add_argument(
        "--listed-on", type=day, help="when the list was published (default 31 December of YEAR)"
    )
    cmd.add_argument("--document", default="", help="the list's document number (文号)")
    cmd.add_argument("--json", action="store_true", help="the report as JSON on stdout")
    cmd.add_argument("--database-url", default=None)


def fail(message: str) -> int:
    print(f"greenlist import: {message}", file=sys.stderr)
    return 2


def progress_of_a_run() -> Callable[[int, int], None]:
    """A bar on a terminal (with the rows' rate and time left); elsewhere a line every
    PROGRESS_EVERY rows of a long file."""
    bar = ProgressBar(what="rows")

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            if done == total or done % max(1, total // 200) == 0:  # at most ~200 redraws
                bar(done, total)
        elif total > PROGRESS_EVERY and (done % PROGRESS_EVERY == 0 or done == total):
            print(f"judged {done}/{total} rows", file=sys.stderr, flush=True)

    return progress


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    if not args.actor.strip():
        return fail("--actor names who imports / 须写明导入人")
    if args.level == "municipal" and not args.city:
        return fail("a municipal list is a city's: --city is required / 市级名单须指定 --city")
    listed_on: date = args.listed_on or date(args.year, 12, 31)
    clock = SystemClock()
    today = local_date(clock.now())
    if listed_on > today:
        return fail(
            f"the list's date {listed_on} is after today ({today}): give --listed-on / "
            f"名单日期晚于今天，请用 --listed-on 指定发布日期"
        )
    try:
        read: RecordFile = read_record_file(args.file)
    except UnreadableFile as unreadable:
        return fail(str(unreadable))
    record = HistoricalRecord(
        read.sha256,
        read.name,
        Level(args.level),
        args.year,
        listed_on,
        read.rows,
        city=args.city,
        document_number=args.document,
    )
    app = build_service(clock=clock, settings=settings.with_checked_cache())  # beside others
    try:
        report = app.import_historical_list(
            Actor(args.actor.strip(), Role.PROVINCE, PROVINCE),
            record,
            partial=args.partial,
            dry_run=args.dry_run,
            progress=progress_of_a_run(),
        )
    except RuleViolation as refused:
        print(f"greenlist import: refused: {refused}", file=sys.stderr)
        return 1
    finally:
        app.close()
    show(report, args, read.name)
    return 1 if report.refused else 0


def show(report: ImportReport, args: argparse.Namespace, name: str) -> None:
    """The report: JSON with --json, else a line per refused row and a summary."""
    if args.json:
        print(json.dumps({**asdict(report), "dry_run": args.dry_run}, ensure_ascii=False))
        return
    for r in report.refused:
        print(f"row {r.row}\t{r.credit_code}\t{','.join(r.codes)}\t{r.zh} / {r.en}")
    what = "listed" if report.recorded else "would list" if args.dry_run else "valid"
    print(
        f"{name} (SHA-256 {report.sha256}): {report.rows} rows; {what} {len(report.listed)} "
        f"({len(report.registered)} new units), {len(report.already)} imported before, "
        f"{len(report.refused)} refused; "
        + (f"recorded at log position {report.position}" if report.recorded else "nothing recorded")
    )
