"""The README's map from each article to the code that decides it (issue 12: "the README's map
says where each article lives") stays complete and true: every code of the rule book has its
row, and every file a row names exists where its column says."""

from __future__ import annotations

import re
from pathlib import Path

from domain.rules import RULES

ROOT = Path(__file__).resolve().parents[3]
HEADING = "### Where each article lives"
COLUMNS = {
    2: ROOT / "domain" / "rules",
    3: ROOT / "domain" / "aggregates",
    4: ROOT / "domain" / "service",
    5: ROOT / "api" / "resources",
    6: ROOT / "tests" / "application",
}
"""Column index -> the folder a file name in it is relative to (a name starting with a top-level
folder, such as `tests/api/...`, is a path from the repository's root)."""
TOP = ("domain/", "api/", "tests/")


def map_rows() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(HEADING, 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    return [c for c in cells if c[0] != "codes"]


def codes_of(cell: str) -> set[str]:
    """ "A17.1 … A17.6" stands for the codes between, as the rule book orders them."""
    codes: set[str] = set()
    for part in cell.split(","):
        if "…" in part:
            first, last = (p.strip() for p in part.split("…"))
            ordered = list(RULES)
            codes |= set(ordered[ordered.index(first) : ordered.index(last) + 1])
        else:
            codes.add(part.strip())
    return codes


def test_every_code_of_the_rule_book_has_its_row_in_the_article_map() -> None:
    mapped = set().union(*(codes_of(row[0]) for row in map_rows()))
    assert set(RULES) - mapped == set(), "codes without a row in the README's article map"
    assert mapped - set(RULES) == set(), "rows naming codes the rule book does not have"


def test_every_file_the_article_map_names_exists() -> None:
    missing = []
    for row in map_rows():
        for column, folder in COLUMNS.items():
            for name in re.findall(r"`([^`]+\.py)`", row[column]):
                path = ROOT / name if name.startswith(TOP) else folder / name
                if not path.exists():
                    missing.append(f"{row[0]}: {name}")
    assert missing == []
