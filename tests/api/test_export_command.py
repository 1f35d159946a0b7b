"""`greenlist export` (issue 13 item 2): the same rows as the API's JSON read, written to a file
as CSV or XLSX from the store the settings name; bad input is one line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from greenlist.cli import main
from tests.api.conftest import token
from tests.api.test_exports import (
    HANGZHOU,
    NAME,
    audit_rows,
    check_sheet,
    csv_tables,
    story,  # noqa: F401  (the fixture)
    xlsx_tables,
)


def export(store_url: str, *argv: str) -> int:
    return main(["export", *argv, "--database-url", store_url])


@pytest.mark.stores("sqlite", "postgres")
def test_the_command_exports_a_list_and_an_audit_query_as_the_api_reads_them(
    story: Flask,  # noqa: F811
    client: FlaskClient,
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "名单.csv"
    as_of = "2025-10-01T00:00:00+08:00"
    assert export(store_url, "list", f"as_of={as_of}", "--format", "csv", "--out", str(out)) == 0
    assert "名单.csv" in capsys.readouterr().out
    rows = client.get("/api/v1/lists/provincial", query_string={"as_of": as_of}).json["items"]
    (table,) = csv_tables(out.read_bytes())
    check_sheet(rows, table)
    assert [r["credit_code"] for r in rows] == [HANGZHOU] and table[1][2] == NAME
    book = tmp_path / "audit.xlsx"
    filters = ("region=330200", "since=2026-01-01T00:00:00Z")
    assert export(store_url, "audit-trail", *filters, "--format", "xlsx", "--out", str(book)) == 0
    rows = audit_rows(client, "&".join(filters), token("auditor"))
    sheet = xlsx_tables(book.read_bytes())["audit"]
    assert len(rows) > 2 and len(sheet) == len(rows) + 1
    check_sheet(rows, None, sheet)


@pytest.mark.stores("sqlite")
@pytest.mark.parametrize(
    "argv, message",
    [
        (["list", "as_of=yesterday"], "as_of"),
        (["list", "level=county"], "level"),
        (["audit-trail", "role=inspector"], "no filter role"),
        (["audit-trail", "actor"], "name=value"),
        (["supervision", "since=2026-13-01"], "since"),
        (["audit-trail", "since=2099-01-01", "since=2024-01-01"], "since is given more than"),
        (["list", "level=national", "level=provincial"], "level is given more than once"),
    ],
)
def test_bad_input_is_one_line_without_a_traceback(
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    out = tmp_path / "x.csv"
    assert export(store_url, *argv, "--format", "csv", "--out", str(out)) == 2
    lines = capsys.readouterr().err.splitlines()
    *notice, err = lines  # which store, and whether it is new or empty; then the one error line
    assert all(line.startswith("greenlist export: store ") for line in notice[:1])
    assert message in err and "Traceback" not in "\n".join(lines)
    assert err.startswith("greenlist export: ") and not out.exists()
