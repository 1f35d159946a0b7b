"""`greenlist import` end to end on an SQLite file (issue 15 item 1): a dry run of the sample
workbook reports and records nothing; the sample CSV lists its seven units (exit 0) and again
records nothing new; a file with bad rows is reported row by row (exit 1) and records nothing
unless --partial; a usage mistake is one line and exit 2; the progress shows on stderr; the
list as of the import holds the units, whose histories name the file, the row and the importer;
a list exported by `greenlist export` imports back (the shape our exports write)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greenlist import import_cli
from greenlist.cli import main
from greenlist.config import build_service
from greenlist.runtime import read_side
from projections.lists import list_as_of
from simulation import scenarios as s
from tests.record_files import BAD, BAD_ROWS, CLEAN, as_xlsx, codes_of

PROVINCIAL_2023 = ("--level", "provincial", "--year", "2023")


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["import", *argv, "--database-url", url])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def events(url: str) -> int:
    app = build_service(url)
    try:
        return s.log_size(app)
    finally:
        app.close()


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/greenlist.db"


def test_the_sample_imports_once_and_its_units_are_on_the_list_naming_file_row_and_importer(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    book = as_xlsx(CLEAN, tmp_path / "provincial_2023.xlsx")
    code, out, _ = run(capsys, url, str(book), *PROVINCIAL_2023, "--dry-run", "--json")
    report = json.loads(out)
    assert code == 0 and report["dry_run"] and not report["recorded"]
    assert [c for _, c in report["listed"]] == codes_of(CLEAN) and events(url) == 0
    code, out, _ = run(capsys, url, str(CLEAN), *PROVINCIAL_2023, "--actor", "jxt-staff-07")
    assert code == 0 and "listed 7 (7 new units), 0 imported before, 0 refused" in out
    recorded = events(url)
    assert recorded == 14  # each unit registered and listed
    code, out, _ = run(capsys, url, str(CLEAN), *PROVINCIAL_2023)
    assert code == 0 and "7 imported before" in out and "nothing recorded" in out
    assert events(url) == recorded
    app = build_service(url)
    side = read_side(app, url)
    try:
        side.runner.catch_up()
        listed = list_as_of(side.db, "provincial")
        assert sorted(r["credit_code"] for r in listed) == sorted(codes_of(CLEAN))
        history = app.unit_history(codes_of(CLEAN)[2])
    finally:
        side.close()
        app.close()
    imported = history[-1]
    assert imported.type == "ListedFromRecord" and imported.actor_id == "jxt-staff-07"
    assert (imported.data["source_file"], imported.data["source_row"]) == ("provincial_2023.csv", 4)
    assert imported.data["source_sha256"] in out


def test_bad_rows_are_reported_row_by_row_and_recorded_only_with_partial(
    capsys: pytest.CaptureFixture[str], url: str
) -> None:
    code, out, _ = run(capsys, url, str(BAD_ROWS), *PROVINCIAL_2023)
    lines = [line.split("\t") for line in out.splitlines() if line.startswith("row ")]
    assert code == 1 and {int(r[0][4:]): tuple(r[2].split(",")) for r in lines} == BAD
    assert all(" / " in r[3] for r in lines)  # zh / en
    assert "valid 2" in out and "nothing recorded" in out and events(url) == 0
    code, out, _ = run(capsys, url, str(BAD_ROWS), *PROVINCIAL_2023, "--partial", "--json")
    report = json.loads(out)
    assert code == 1 and report["recorded"] and len(report["refused"]) == len(BAD)
    assert {r["row"]: tuple(r["codes"]) for r in report["refused"]} == BAD
    assert events(url) == 4


def test_the_progress_shows_on_stderr(
    capsys: pytest.CaptureFixture[str], url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_cli, "PROGRESS_EVERY", 3)
    code, _, err = run(capsys, url, str(CLEAN), *PROVINCIAL_2023, "--dry-run")
    assert code == 0
    assert [line for line in err.splitlines() if line.startswith("judged")] == [
        "judged 3/7 rows",
        "judged 6/7 rows",
        "judged 7/7 rows",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--level", "municipal", "--year", "2023"), "--city is required"),
        ((*PROVINCIAL_2023, "--listed-on", "2999-01-01"), "after today"),
        (("--level", "county", "--year", "2023"), "invalid choice: 'county'"),
        ((*PROVINCIAL_2023, "--listed-on", "2023-02-30"), "not a date"),
        ((*PROVINCIAL_2023, "--actor", " "), "--actor names who imports"),
    ],
)
def test_a_usage_mistake_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], url: str, argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, url, str(CLEAN), *argv)
    assert code == 2 and message in err and "Traceback" not in err and out == ""


def test_a_file_that_is_no_record_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    code, _, err = run(capsys, url, str(tmp_path / "none.csv"), *PROVINCIAL_2023)
    assert code == 2 and "cannot read" in err
    (tmp_path / "x.csv").write_text("名称,备注\n甲,乙\n", encoding="utf-8")
    code, _, err = run(capsys, url, str(tmp_path / "x.csv"), *PROVINCIAL_2023)
    assert code == 2 and "统一社会信用代码" in err


def test_a_list_our_export_wrote_imports_back(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    """The exported CSV (`greenlist export list`) is read by its English headers; the park is
    refused, as the export carries no value-added figure (A10.1)."""
    assert run(capsys, url, str(CLEAN), *PROVINCIAL_2023)[0] == 0
    exported = tmp_path / "exported.csv"
    argv = ["export", "list", "level=provincial", "--format", "csv", "--out", str(exported)]
    assert main([*argv, "--database-url", url]) == 0
    capsys.readouterr()
    other = f"sqlite:///{tmp_path}/other.db"
    code, out, _ = run(capsys, other, str(exported), *PROVINCIAL_2023, "--partial", "--json")
    report = json.loads(out)
    assert code == 1 and len(report["listed"]) == 6
    assert [(r["codes"], r["credit_code"]) for r in report["refused"]] == [
        (["A10.1"], codes_of(CLEAN)[4])
    ]
