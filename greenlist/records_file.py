"""Reading a published list's record file (issue 15 item 1): CSV (UTF-8 with or without BOM, as
our exports write it, or GB18030 as a Chinese Excel saves it) or XLSX (openpyxl, read-only),
columns in the published lists' shape under Chinese or English headers (序号, 企业名称,
统一社会信用代码, 所在地市, 类别, 工业增加值占比, 文号; or our exports' `credit_code`, `name`,
`city`, `kind`). The header is the first row that names the credit code (a title row above it
is skipped); a row's number is the one a spreadsheet shows. Nothing here judges a row: the
domain does (domain.rules.records)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.rules.records import RecordRow

HEADERS = {
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "credit_code", "uscc"),
    "name": ("企业名称", "单位名称", "园区名称", "名称", "name"),
    "city": ("所在地市", "所在设区市", "设区市", "地市", "所在地", "city"),
    "kind": ("类别", "类型", "名单类别", "kind"),
    "value_added_share": ("工业增加值占比", "value_added_share"),
    "document_number": ("文号", "发布文号", "document_number"),
}
"""Each field of a row -> the headers the published lists and our exports give it."""
REQUIRED = ("credit_code", "name", "kind")
HEADER_ROWS = 10
"""How far down a title may push the header."""
_UNIT = re.compile(r"[（(][^）)]*[）)]$")


class UnreadableFile(Exception):
    """The file cannot be read as a record: its format, encoding or header (a usage error)."""


@dataclass(frozen=True)
class RecordFile:
    """A record file read: its SHA-256, its name and its rows."""

    sha256: str
    name: str
    rows: tuple[RecordRow, ...]


def header_field(cell: str) -> str | None:
    """The field a header names ("工业增加值占比（%）" -> value_added_share), or None."""
    text = _UNIT.sub("", cell.replace("\ufeff", "").strip()).strip().lower()
    return next((f for f, names in HEADERS.items() if text in names), None)


def cell_text(value: Any) -> str:
    """A cell as text: a whole number without its ".0" (Excel keeps numbers as floats)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def rows_of(table: Iterable[list[str]]) -> tuple[RecordRow, ...]:
    """The record's rows under its header, empty rows skipped (their numbers kept)."""
    lines = iter(enumerate(table, start=1))
    columns: dict[str, int] = {}
    for number, cells in lines:
        named = ((header_field(c), i) for i, c in enumerate(cells))
        columns = {f: i for f, i in named if f is not None}
        if "credit_code" in columns or number >= HEADER_ROWS:
            break
    if "credit_code" not in columns:
        raise UnreadableFile(
            f"no header naming 统一社会信用代码 / credit_code in its first {HEADER_ROWS} rows"
        )
    missing = [f"{HEADERS[f][0]} / {f}" for f in REQUIRED if f not in columns]
    if missing:
        raise UnreadableFile(f"the header has no column {', '.join(missing)}")
    out = []
    for number, cells in lines:
        if not any(c.strip() for c in cells):
            continue
        values = {f: cells[i].strip() if i < len(cells) else "" for f, i in columns.items()}
        out.append(RecordRow(number, **values))
    return tuple(out)


def csv_table(data: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return iter(csv.reader(io.StringIO(text, newline="")))
    raise UnreadableFile("the CSV is neither UTF-8 nor GB18030 / 无法识别文件编码")


def xlsx_table(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # only for XLSX files

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is no workbook
        raise UnreadableFile(f"not an XLSX workbook: {error} / 不是有效的XLSX文件") from None
    try:
        sheet = book.worksheets[0]
        rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return iter(rows)


def read_record_file(path: str | Path) -> RecordFile:
    """Read a CSV or XLSX record file (by its name's suffix)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot read {path}: {error.strerror} / 无法读取文件") from None
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UnreadableFile(f"{path.name}: a record file is .csv or .xlsx / 仅支持CSV或XLSX")
    table = xlsx_table(data) if suffix == ".xlsx" else csv_table(data)
    return RecordFile(hashlib.sha256(data).hexdigest(), path.name, rows_of(table))
