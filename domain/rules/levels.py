"""The three levels of the lists and what the rules say about each: their order, the level a
nomination should in principle already hold (A14.2, A14.3), those whose forms the province
collects (A18) and whose changes wait for the annual publication (A20.3), and their names."""

from __future__ import annotations

from domain.values import Level

LEVEL_ZH = {
    Level.MUNICIPAL.value: "市级",
    Level.PROVINCIAL.value: "省级",
    Level.NATIONAL.value: "国家级",
}
"""How the documents name each level."""

LEVEL_RANK = {Level.MUNICIPAL: 0, Level.PROVINCIAL: 1, Level.NATIONAL: 2}
"""A9.2 / A10.3 / A11.3: a report passing a higher level's standards shows the lower ones'."""

PRINCIPLE = {
    Level.PROVINCIAL: (Level.MUNICIPAL, "A14.2"),
    Level.NATIONAL: (Level.PROVINCIAL, "A14.3"),
}
"""A14.2 / A14.3 ("原则上"): the level a nominee should already be listed at, and the rule."""

FORM_LEVELS = (Level.PROVINCIAL.value, Level.NATIONAL.value)
"""A18: the provincial list's forms are filed here, the national one's on the MIIT platform;
both are obligations of a listed unit that the deadlines follow."""

HIGHER_LEVELS = (Level.PROVINCIAL, Level.NATIONAL)
"""A20.3: the levels whose adjustments (renames, removals after a change) wait for the annual
publication; the municipal list is the city's own (A20.2)."""

NATIONAL_PUBLICATION_RULES = ("A15.4", "A16.3")
"""A15.4 / A16.3: the national round follows the provincial procedure and ends with the
province's recommendation to MIIT, whose recorded outcome decides the national list."""


def passed_levels(best: Level | None) -> frozenset[Level]:
    """The levels whose standards a report passing at `best` shows (A9.2, A10.3, A11.3)."""
    if best is None:
        return frozenset()
    return frozenset(lvl for lvl, rank in LEVEL_RANK.items() if rank <= LEVEL_RANK[best])
