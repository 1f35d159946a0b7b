"""Rows as spreadsheet tables, with no web framework: the cells of a row as its read's JSON
shows them (the same marshmallow row schema), CSV in UTF-8 with one BOM at the start, XLSX with
XlsxWriter in constant-memory mode (rows go through a temporary file, never all in memory).

Instants become naive Asia/Shanghai date-times, the zone named in the column's header (Excel
has no time zones); rule codes and other lists are joined with "; ", structures are JSON. A
text cell that a spreadsheet would take for a formula (= + - @, tab, CR or NUL first) starts
with a quote (OWASP ASVS 5.0 1.2.10), in both formats."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import IO, Any

import xlsxwriter
from marshmallow import Schema

from api.schemas.reads import Instant
from domain.values import SHANGHAI

ZONE = "Asia/Shanghai"
BOM = b"\xef\xbb\xbf"
RISKY = ("=", "+", "-", "@", "\t", "\r", "\0")
CHUNK = 64 * 1024
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"


@dataclass(frozen=True)
class Sheet:
    """One table: its title (a worksheet's name), the row schema of its read and its rows."""

    title: str
    schema: Schema
    rows: Iterable[dict[str, Any]]


def safe(text: str) -> str:
    """A text cell a spreadsheet will never evaluate."""
    return "'" + text if text.startswith(RISKY) else text


@lru_cache(maxsize=64)
def columns(schema: Schema) -> list[tuple[str, str, bool]]:
    """(field, header, is an instant) for each field of a row schema, in its order."""
    out = []
    for name, field in schema.fields.items():
        instant = isinstance(field, Instant)
        out.append((name, f"{name} ({ZONE})" if instant else name, instant))
    return out


def local(iso: str) -> datetime:
    """An ISO 8601 instant as a naive Asia/Shanghai date-time."""
    return datetime.fromisoformat(iso).astimezone(SHANGHAI).replace(tzinfo=None)


def cells(schema: Schema, row: dict[str, Any]) -> list[Any]:
    """A row's cells: None, bool, int, float, a naive datetime or a safe text."""
    shown = schema.dump(row)
    out: list[Any] = []
    for name, _, instant in columns(schema):
        value = shown.get(name)
        if value is None or isinstance(value, bool | int | float):
            out.append(value)
        elif instant:
            out.append(local(value))
        elif isinstance(value, list) and not any(isinstance(v, dict | list) for v in value):
            out.append(safe("; ".join(str(v) for v in value)))
        elif isinstance(value, dict | list):
            out.append(safe(json.dumps(value, ensure_ascii=False)))
        else:
            out.append(safe(str(value)))
    return out


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def csv_chunks(sheets: list[Sheet]) -> Iterator[bytes]:
    """CSV bytes, the BOM once at the start. Several sheets follow one another, each under a
    line with its title and ending with an empty line; one sheet is just a header and rows."""
    yield BOM
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    for sheet in sheets:
        if len(sheets) > 1:
            out.writerow([safe(sheet.title)])
        out.writerow([header for _, header, _ in columns(sheet.schema)])
        for row in sheet.rows:
            out.writerow([csv_text(c) for c in cells(sheet.schema, row)])
            if buffer.tell() >= CHUNK:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        if len(sheets) > 1:
            out.writerow([])
    yield buffer.getvalue().encode()


def write_xlsx(sheets: list[Sheet], target: str | IO[bytes]) -> None:
    """An XLSX workbook, one worksheet per sheet, rows strictly in order (constant memory)."""
    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "default_date_format": DATE_FORMAT,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = book.add_format({"bold": True})
    for sheet in sheets:
        page = book.add_worksheet(sheet.title[:31])
        heads = columns(sheet.schema)
        for c, (_, header, instant) in enumerate(heads):
            page.write_string(0, c, header, bold)
            page.set_column(c, c, 20 if instant else 14)
        page.freeze_panes(1, 0)
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(cells(sheet.schema, row)):
                if value is None:
                    continue
                if isinstance(value, bool):
                    page.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    page.write_number(r, c, value)
                elif isinstance(value, datetime):
                    page.write_datetime(r, c, value)
                else:
                    page.write_string(r, c, value)
    book.close()


def xlsx_chunks(sheets: list[Sheet]) -> Iterator[bytes]:
    """The workbook's bytes, written to a temporary file first (a zip is finished only at its
    end), then read back in chunks; the file is gone once read."""
    with tempfile.TemporaryFile() as file:
        write_xlsx(sheets, file)
        file.seek(0)
        while chunk := file.read(CHUNK):
            yield chunk


def chunks(fmt: str, sheets: list[Sheet]) -> Iterator[bytes]:
    return csv_chunks(sheets) if fmt == "csv" else xlsx_chunks(sheets)
