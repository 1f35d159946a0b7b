"""The sample record files of the import tests (issue 15 item 1), in the published lists' shape:
`tests/fixtures/import/provincial_2023.csv` (seven units of 2023's provincial list: five
factories, a park with its value-added share, a supply-chain company) and
`provincial_2023_bad_rows.csv` (a row of each kind the import refuses), and the same as XLSX,
made here as a published workbook is: a title row above the header, numbers as numbers."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import xlsxwriter

from domain.rules.records import HistoricalRecord
from domain.values import Level
from greenlist.records_file import read_record_file

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
CLEAN = FIXTURES / "provincial_2023.csv"
BAD_ROWS = FIXTURES / "provincial_2023_bad_rows.csv"
LISTED_ON = date(2023, 12, 31)

BAD = {3: ("ID.1",), 4: ("ID.2", "A9.1"), 5: ("A16.2",), 6: ("ID.2",), 7: ("A10.1",)}
"""The bad-rows file's refused rows: a bad check character (ID.1), a code registered outside
Zhejiang (ID.2, A9.1), a repeat of row 2 (A16.2: a list names a unit once), an unknown city
(ID.2) and a park without its value-added figure (A10.1). Rows 2 and 8 are valid."""


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def codes_of(path: Path) -> list[str]:
    return [row[2] for row in csv_rows(path)[1:]]


def as_xlsx(source: Path, target: Path, title: str = "2023年浙江省绿色低碳工厂名单") -> Path:
    """The CSV as a workbook: a title row, then its header and rows (shares as numbers)."""
    book = xlsxwriter.Workbook(str(target))
    sheet = book.add_worksheet("名单")
    sheet.write_string(0, 0, title)
    for r, row in enumerate(csv_rows(source), start=1):
        for c, value in enumerate(row):
            if r > 1 and c in (0, 5) and value:
                sheet.write_number(r, c, float(value))
            else:
                sheet.write_string(r, c, value)
    book.close()
    return target


def record(
    path: Path = CLEAN,
    level: Level = Level.PROVINCIAL,
    year: int = 2023,
    listed_on: date = LISTED_ON,
    city: str | None = None,
    document_number: str = "",
) -> HistoricalRecord:
    """A record file read as `greenlist import` reads it."""
    read = read_record_file(path)
    return HistoricalRecord(
        read.sha256, read.name, level, year, listed_on, read.rows, city, document_number
    )
