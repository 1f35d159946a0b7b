"""The rule book shipped with the code (issue 13 item 7): `rules.md` in this package is the
public contract (a copy of the project's spec, kept equal to it by the tests), read here into
one entry per code: the catalogue's article, effect and zh/en summary, with the rule book's own
text of the rule and of its effect. Nothing outside the package is needed to know the rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from domain.rules.catalogue import RULES, Rule

BOOK = "rules.md"
ROW = re.compile(r"^\| ((?:ID|A)[0-9.]+) \| (.*?) \|(?: (.*?) \|)?$", re.MULTILINE)


@dataclass(frozen=True)
class Entry:
    """A rule as the book states it (`text`, `effect_text`: "" where its table has no effect
    column, the grounds of A17 and the effect in time of A29) and as the catalogue codes it."""

    rule: Rule
    text: str
    effect_text: str


def book_text() -> str:
    """The packaged rule book (markdown)."""
    return resources.files(__package__).joinpath(BOOK).read_text(encoding="utf-8")


def book_rows(text: str) -> dict[str, tuple[str, str]]:
    """Code -> (rule, effect) of every coded row of a rule book's tables."""
    rows = ROW.findall(text)
    return {code: (rule.strip(), (effect or "").strip()) for code, rule, effect in rows}


@cache
def rule_book() -> tuple[Entry, ...]:
    """Every rule in the catalogue's (the document's) order, with the book's text."""
    rows = book_rows(book_text())
    return tuple(Entry(rule, *rows.get(code, ("", ""))) for code, rule in RULES.items())
