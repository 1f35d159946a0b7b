"""Exports (issue 13 item 2): every list as of any instant, the announcements, an audit-trail
query and the supervision report as CSV (UTF-8 with a BOM) and XLSX, from the same URL as the
JSON read (`?format=` or `Accept`), with the same rows under the same access rules; Chinese
round-trips and a cell a spreadsheet would evaluate is neutralised."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.exports import XLSX
from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import SHANGHAI, Level, UnitKind
from simulation import scenarios as s
from tests.api.conftest import city, token
from tests.api.test_reports import catch_up

P = Level.PROVINCIAL
HANGZHOU = s.credit_code(1)
NINGBO = s.credit_code(2, "330200")
LATE = s.credit_code(3, "330300")
RISKY = '=HYPERLINK("http://x") 市级名单另行发布，该企业为行业龙头 / published separately'
NAME = "杭州绿色示范工厂"


def service(app: Flask) -> Greenlist:
    greenlist: Greenlist = app.extensions["greenlist"].service
    return greenlist


@pytest.fixture
def story(api_app: Flask, clock: SettableClock) -> Flask:
    """A Hangzhou factory with a Chinese name listed provincially in 2025; a Ningbo factory
    nominated in 2026 off the municipal list with a justification that starts like a formula
    (A14.2, an exception); a Wenzhou factory back-entered (late)."""
    app = service(api_app)
    clock.set(datetime(2025, 1, 2, tzinfo=UTC))
    s.register_and_cultivate(app, HANGZHOU, name=NAME)
    s.evaluate(app, HANGZHOU, P, 2025)
    s.list_municipally(app, HANGZHOU, 2025)
    s.ensure_round(app, P, 2025)
    s.ensure_experts(app)
    s.nominate_and_review(app, HANGZHOU, P)
    s.publish(app, P)
    clock.set(datetime(2026, 1, 2, tzinfo=UTC))
    s.prepare_candidate(app, NINGBO, year=2026)
    clock.set(datetime(2026, 5, 3, tzinfo=UTC))
    app.register_unit(
        s.city_actor("330300"), LATE, UnitKind.FACTORY, "温州补录工厂",
        occurred_at=s.at(date(2026, 4, 20)),
    )  # fmt: skip
    ningbo = s.city_actor("330200")
    app.nominate(ningbo, NINGBO, P, 2026, justification=RISKY, occurred_at=s.at(date(2026, 6, 2)))
    catch_up(api_app)
    return api_app


def csv_tables(body: bytes) -> list[list[list[str]]]:
    """The CSV's tables (one, or several each under its title and ending with an empty line)."""
    assert body.startswith(b"\xef\xbb\xbf") and body.count(b"\xef\xbb\xbf") == 1
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    tables, current = [], []
    for line in lines:
        if not line:
            tables.append(current)
            current = []
        else:
            current.append(line)
    if current:
        tables.append(current)
    return tables


def xlsx_tables(body: bytes) -> dict[str, list[list[Any]]]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def expected(rows: list[dict[str, Any]], header: list[str]) -> list[list[Any]]:
    """The JSON rows as the export's cells: instants in Asia/Shanghai, lists joined, a risky
    text quoted."""
    out = []
    for row in rows:
        cells = []
        for column in header:
            value = row[column.removesuffix(" (Asia/Shanghai)")]
            if column.endswith("(Asia/Shanghai)") and value is not None:
                value = datetime.fromisoformat(value).astimezone(SHANGHAI).replace(tzinfo=None)
            elif isinstance(value, list) and not any(isinstance(v, dict) for v in value):
                value = "; ".join(value)
            # a structure is JSON text (compared parsed: the API sorts keys)
            if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r", "\0"):
                value = "'" + value
            cells.append(value)
        out.append(cells)
    return out


def parsed(cell: Any) -> Any:
    """A cell holding a structure, as the structure."""
    return json.loads(cell) if isinstance(cell, str) and cell[:1] in "{[" and cell else cell


def as_csv(cells: list[list[Any]]) -> list[list[str]]:
    def text(v: Any) -> Any:
        if isinstance(v, dict | list):
            return v
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, datetime):
            return v.isoformat(sep=" ")
        return str(v)

    return [[text(v) for v in row] for row in cells]


def ms(value: Any) -> Any:
    """A date-time to the millisecond (a workbook keeps days as a float: Excel's precision)."""
    if isinstance(value, datetime):
        return value.replace(microsecond=round(value.microsecond / 1000) * 1000 % 1_000_000)
    return value


def as_xlsx(cells: list[list[Any]]) -> list[list[Any]]:
    return [["" if v is None else ms(v) for v in row] for row in cells]


def fetch(client: FlaskClient, url: str, headers: dict[str, str], media: str) -> bytes:
    """A file read through (a streamed body is read before the next request)."""
    response = client.get(url, headers=headers)
    body = response.get_data()
    assert response.status_code == 200, body[:300]
    assert response.mimetype == media
    return body


def both(client: FlaskClient, url: str, headers: dict[str, str] | None = None) -> tuple[Any, ...]:
    """The JSON, the CSV (`?format=csv`) and the XLSX (by `Accept`) of one read."""
    headers = headers or {}
    as_json = client.get(url, headers=headers).json
    sep = "&" if "?" in url else "?"
    as_csv_ = fetch(client, f"{url}{sep}format=csv", headers, "text/csv")
    as_xlsx_ = fetch(client, url, {**headers, "Accept": XLSX}, XLSX)
    return as_json, as_csv_, as_xlsx_


def xlsx_cells(table: list[list[Any]]) -> list[list[Any]]:
    return [["" if v is None else parsed(ms(v)) for v in row] for row in table]


def check_sheet(
    rows: list[dict[str, Any]],
    csv_table: list[list[str]] | None,
    xlsx: list[list[Any]] | None = None,
) -> None:
    """The CSV's and the workbook's rows are the JSON rows, cell for cell."""
    header = csv_table[0] if csv_table else [str(c) for c in (xlsx or [[]])[0]]
    cells = expected(rows, header)
    if csv_table is not None:
        assert [[parsed(c) for c in row] for row in csv_table[1:]] == as_csv(cells)
    if xlsx is not None:
        assert xlsx[0] == header
        assert xlsx_cells(xlsx[1:]) == as_xlsx(cells)


def test_a_list_as_of_an_instant_exports_the_rows_its_json_shows_without_a_token(
    story: Flask, client: FlaskClient
) -> None:
    for as_of in ("2025-10-01T00:00:00Z", "2024-10-01T00:00:00Z"):
        url = f"/api/v1/lists/provincial?as_of={as_of}&limit=1"
        page, body, book = both(client, url)
        full = client.get(f"/api/v1/lists/provincial?as_of={as_of}").json["items"]
        (table,) = csv_tables(body)
        check_sheet(full, table, xlsx_tables(book)["provincial"])
        if as_of.startswith("2025"):  # Chinese round-trips
            assert [r["name"] for r in page["items"]] == [NAME] == [r[2] for r in table[1:]]
            assert [r[2] for r in xlsx_tables(book)["provincial"][1:]] == [NAME]
    listed = client.get("/api/v1/lists/provincial?as_of=2025-10-01T00:00:00Z&format=csv")
    assert NAME in listed.get_data().decode("utf-8-sig")
    assert (
        "filename*=UTF-8''%E5%90%8D%E5%8D%95-provincial-20251001.csv"
        in listed.headers["Content-Disposition"]
    )
    assert 'filename="list-provincial-20251001.csv"' in listed.headers["Content-Disposition"]


def test_the_announcements_export_every_row(story: Flask, client: FlaskClient) -> None:
    _, body, book = both(client, "/api/v1/announcements?limit=1")
    full = client.get("/api/v1/announcements?limit=500").json["items"]
    assert full
    (table,) = csv_tables(body)
    check_sheet(full, table, xlsx_tables(book)["announcements"])


def audit_rows(client: FlaskClient, query: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    rows, after = [], None
    while True:
        more = f"&after={after}" if after else ""
        body = client.get(f"/api/v1/audit-trail?{query}&limit=7{more}", headers=headers).json
        rows += body["items"]
        after = body["next_after"]
        if after is None:
            return rows


def test_an_audit_trail_query_exports_its_rows_neutralising_formulas(
    story: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("api.exports.http.PAGE", 2)  # several pages per export
    query = "region=330200&since=2026-01-01T00:00:00Z"
    for who in ("auditor", "inspector", "province"):
        headers = token(who)
        rows = audit_rows(client, query, headers)
        assert any(r["justification"] == RISKY for r in rows) and len(rows) > 2
        _, body, book = both(client, f"/api/v1/audit-trail?{query}", headers)
        (table,) = csv_tables(body)
        check_sheet(rows, table, xlsx_tables(book)["audit"])
        risky = [c for line in table for c in line if RISKY in c]
        assert risky and set(risky) == {"'" + RISKY}
        cells = [c for line in xlsx_tables(book)["audit"] for c in line if RISKY in str(c)]
        assert cells and set(cells) == {"'" + RISKY}
    everything = audit_rows(client, "since=2020-01-01T00:00:00Z", token("auditor"))
    (table,) = csv_tables(
        client.get("/api/v1/audit-trail?format=csv", headers=token("auditor")).data
    )
    assert len(table) - 1 == len(everything)


def test_supervision_exports_each_section(story: Flask, client: FlaskClient) -> None:
    report, body, book = both(client, "/api/v1/supervision?region=330200", token("inspector"))
    tables = csv_tables(body)
    sheets = xlsx_tables(book)
    assert [t[0][0] for t in tables] == list(sheets)
    assert set(sheets) == set(report) and len(sheets) == len(report)
    for table in tables:
        check_sheet(report[table[0][0]], table[1:], sheets[table[0][0]])
    assert report["exceptions"] and report["overridden_rules"]


def test_exports_follow_the_reads_access_rules(story: Flask, client: FlaskClient) -> None:
    for url in ("/api/v1/audit-trail", "/api/v1/supervision"):
        for fmt in ("csv", "xlsx"):
            for headers, status in ((city(), 403), ({}, 401)):
                refused = client.get(f"{url}?format={fmt}", headers=headers)
                assert refused.status_code == status
                assert refused.content_type == "application/problem+json"
    url = "/api/v1/lists/provincial?as_of=2025-10-01T00:00:00Z"
    official = client.get(url, headers=city("330200"))
    exported = client.get(url, headers={**city("330200"), "Accept": "text/csv"})
    (table,) = csv_tables(exported.data)
    assert official.json["items"] and exported.mimetype == "text/csv"
    check_sheet(official.json["items"], table)


def test_openapi_documents_the_files_beside_the_json(client: FlaskClient) -> None:
    paths = client.get("/api/openapi.json").json["paths"]
    for path in (
        "/api/v1/lists/{level}",
        "/api/v1/announcements",
        "/api/v1/audit-trail",
        "/api/v1/supervision",
    ):
        operation = paths[path]["get"]
        content = operation["responses"]["200"]["content"]
        assert set(content) == {"application/json", "text/csv", XLSX}
        assert "$ref" in content["application/json"]["schema"]
        (fmt,) = [p for p in operation["parameters"] if p["name"] == "format"]
        assert [e for e in fmt["schema"]["enum"] if e] == ["json", "csv", "xlsx"]


def test_a_bad_format_is_refused(story: Flask, client: FlaskClient) -> None:
    response = client.get("/api/v1/announcements?format=pdf")
    assert response.status_code == 422
    assert client.get("/api/v1/announcements?format=json").content_type == "application/json"
    named = client.get("/api/v1/announcements", headers={"Accept": XLSX})
    assert named.get_data()[:2] == b"PK"
    disposition = named.headers["Content-Disposition"]
    assert 'filename="announcements.xlsx"' in disposition
    assert unquote(disposition.split("UTF-8''")[1]) == "公告.xlsx"
