"""Pages of lists remembered as PostgreSQL rendered them, now or as of any instant (issue 15
item 4: a list read as of a random instant read and rendered its rows every time).

Why a page may be given again: a level's list at instant T (`list_as_of_sql`) compares T only
with instants its tables hold (listed, removed, pending, a name's start and end: `*_at` by
recorded time, `*_occurred` by world time), each as `column <= T` or `column > T`. Between two
consecutive such instants every comparison is decided alike, so the rows at T are those at the
latest of them at or before T (or, before all of them, those of any earlier T). The tables hold
other instants only after the model applies an event (its position moves) or a rebuild swaps
other tables in (their OIDs change). So a page is keyed by the level, the basis, the query's
filters and page, the model's position, the tables' OIDs and the index of that latest instant
in the sorted instants the tables hold at that position (`ListPages.instants`, read in the
statement that renders a page, in its snapshot). The clock only picks the instant of a read
now: set back, it picks another index, and the page is read afresh if that index is not
remembered.

Both memos are bounded, least recently used out first (`domain.service.stored.Memo`)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.service.stored import Memo

PAGES = 2048
"""How many pages of lists an app remembers (a page of 100 rows: about 25 kB of JSON)."""

INSTANT_SETS = 16
"""How many sets of instants (a level and a basis at a position of the model) an app
remembers: those of the latest positions matter."""

MOST_INSTANTS = 200_000
"""A level holding more distinct instants than this is not remembered (its list is read and
rendered on every read, as before): bounds the memory a set takes (8 bytes an instant)."""

Model = tuple[int, str]
"""Where the lists model is: its position and its tables' OIDs (`projections.lists.TABLES`)."""


@dataclass(frozen=True)
class Page:
    """A page's items (JSON text of an array) and the count of the list's rows in all."""

    items: str
    total: int


@dataclass
class ListPages:
    """The remembered pages and the instants that key them (see the module)."""

    pages: Memo[tuple[Any, ...], Page] = field(default_factory=lambda: Memo(PAGES))
    instants: Memo[tuple[str, str, int, str], tuple[int, ...]] = field(
        default_factory=lambda: Memo(INSTANT_SETS)
    )
    latest: Memo[tuple[str, int], int] = field(default_factory=lambda: Memo(INSTANT_SETS))
    """The latest recorded instant a level's list tables hold, per level and model position
    (-1: none): whether a list now may be validated (api.resources.lists.past_the_list)."""

    def key(
        self, query: tuple[Any, ...], level: str, basis: str, model: Model, instant: int
    ) -> tuple[Any, ...] | None:
        """The key of the page `query` (its filters and page) of `level`'s list by `basis` at
        `instant` (micros) with the model at `model`; None when the instants the tables hold
        there are not known (not read yet, or too many)."""
        held = self.instants.get((level, basis, *model))
        if held is None:
            return None
        return (level, basis, *query, *model, bisect_right(held, instant))

    def learn(self, level: str, basis: str, model: Model, held: Sequence[int]) -> None:
        """The instants (sorted, distinct) `level`'s tables hold by `basis` at `model`."""
        if len(held) <= MOST_INSTANTS:
            self.instants.put((level, basis, *model), tuple(held))
        if basis == "recorded":
            self.latest.put((level, model[0]), held[-1] if held else -1)
