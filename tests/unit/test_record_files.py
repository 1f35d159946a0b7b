"""Reading a published list's record (issue 15 item 1): the sample CSV (UTF-8 with a BOM), the
same without a BOM, in GB18030 as a Chinese Excel saves it, under English headers, and as an
XLSX workbook with a title row above its header all give the same rows, numbered as a
spreadsheet shows them; a file that is no record is a usage error naming what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenlist.records_file import UnreadableFile, read_record_file
from tests.record_files import CLEAN, as_xlsx

ENGLISH = "no,name,credit_code,city,kind,value_added_share\r\n"


def rewritten(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def sample_text() -> str:
    return CLEAN.read_bytes().decode("utf-8-sig")


def test_the_sample_csv_reads_as_seven_rows_numbered_from_2() -> None:
    read = read_record_file(CLEAN)
    assert [r.number for r in read.rows] == list(range(2, 9))
    first, park = read.rows[0], read.rows[4]
    assert (first.name, first.city) == ("杭州绿能电机有限公司", "杭州市")
    assert first.kind == "绿色低碳工厂"
    assert (park.kind, park.value_added_share) == ("绿色低碳工业园区", "62.5")
    assert len(read.sha256) == 64 and read.name == "provincial_2023.csv"


def test_without_a_bom_in_gb18030_under_english_headers_and_as_xlsx_the_rows_are_the_same(
    tmp_path: Path,
) -> None:
    rows = read_record_file(CLEAN).rows
    english = ENGLISH + sample_text().split("\n", 1)[1]
    variants = [
        rewritten(tmp_path, "plain.csv", sample_text()),
        rewritten(tmp_path, "gbk.csv", sample_text(), "gb18030"),
        as_xlsx(CLEAN, tmp_path / "provincial_2023.xlsx"),
    ]
    for path in variants:
        read = read_record_file(path)
        offset = 1 if path.suffix == ".xlsx" else 0  # the workbook's title row
        assert [(r.number - offset, *astuple(r)) for r in read.rows] == [
            (r.number, *astuple(r)) for r in rows
        ], path.name
    assert read_record_file(rewritten(tmp_path, "en.csv", english)).rows == rows


def astuple(row: object) -> tuple[str, ...]:
    fields = ("credit_code", "name", "city", "kind", "value_added_share", "document_number")
    return tuple(getattr(row, f) for f in fields)


def test_the_same_bytes_have_the_same_sha256_whatever_the_file_is_called(tmp_path: Path) -> None:
    copy = tmp_path / "copy.csv"
    copy.write_bytes(CLEAN.read_bytes())
    assert read_record_file(copy).sha256 == read_record_file(CLEAN).sha256


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.txt", "x", ".csv or .xlsx"),
        ("headless.csv", "a,b\n1,2\n", "no header"),
        ("no_kind.csv", "企业名称,统一社会信用代码\n某公司,91330101000001501E\n", "类别 / kind"),
        ("empty.csv", "", "no header"),
        ("fake.xlsx", "not a zip", "not an XLSX"),
    ],
)
def test_a_file_that_is_no_record_is_refused_naming_why(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    with pytest.raises(UnreadableFile, match=message.replace(".", r"\.")):
        read_record_file(rewritten(tmp_path, name, content))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="cannot read"):
        read_record_file(tmp_path / "nowhere.csv")
