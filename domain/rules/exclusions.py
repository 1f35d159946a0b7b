"""The negative list (A17, 第十七条): what bars a unit for three years, and the records of it.

A ground counts when it happened (a continuing ground, A17.1/A17.5/A17.6: until it ended, or
while it goes on) later than three calendar years before the decision; for a park, the grounds
of the enterprises inside it count too ("含园区内企业"). When a ground stops counting is a due
date: `domain.rules.calendar.a17_lapses_on`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from domain.errors import RuleViolation
from domain.values import years_before

A17_YEARS = 3
"""A17: 近三年."""


class Ground(Enum):
    """The six grounds of A17, by their codes."""

    NOT_OPERATING = "A17.1"
    """Not operating normally: deregistered, stopped 12 months, on the abnormal list."""
    VIOLATION = "A17.2"
    """A safety, quality or pollution accident, tax evasion or another violation."""
    REMOVED = "A17.3"
    """Removed from a green manufacturing list by dynamic management."""
    INSPECTION = "A17.4"
    """Serious problems found in a State Council or ministry inspection."""
    NOT_RECTIFIED = "A17.5"
    """On the industrial energy-saving rectification list and not rectified."""
    DISHONEST_DEBTOR = "A17.6"
    """Listed as a dishonest judgment debtor."""

    @property
    def continuing(self) -> bool:
        """A17.1, A17.5 and A17.6 last until they end; the others happen on one day."""
        return self in CONTINUING


CONTINUING = frozenset({Ground.NOT_OPERATING, Ground.NOT_RECTIFIED, Ground.DISHONEST_DEBTOR})
A17_GROUNDS = frozenset(g.value for g in Ground)
"""The codes of the grounds (A17.1-A17.6), as the API and the events name them."""
A17_CONTINUING = frozenset(g.value for g in CONTINUING)
A17 = sorted(A17_GROUNDS)
"""A17.1-A17.6: the negative list is checked as a whole, and an act that checks it names them."""


@dataclass(frozen=True)
class NegativeRecord:
    """One A17 ground: when it occurred and, for continuing grounds, when it ended; `whose`
    names the unit (a park's member) it was recorded on."""

    ground: str
    occurred_on: date
    ended_on: date | None
    whose: str
    record_id: str = ""
    """The record's id on its unit (a removal's: `removal/<version>`), for the explanation."""
    source: str = ""
    """Who reported the ground (a department, a court), for the explanation."""


def a17_grounds_in_force(records: Iterable[NegativeRecord], on: date) -> list[NegativeRecord]:
    """A17.1-A17.6: a ground counts when it happened (or, if continuing, ended or is still
    going) later than `on` minus three calendar years. Exactly three years to the day no longer
    counts."""
    horizon = years_before(on, A17_YEARS)
    return [r for r in records if r.occurred_on <= on and _last_day(r, on) > horizon]


def _last_day(record: NegativeRecord, on: date) -> date:
    """A continuing ground (A17.1/5/6) lasts until it ended; the others happen on one day."""
    if record.ground in A17_CONTINUING:
        return record.ended_on or on
    return record.occurred_on


def check_a17_exclusions(records: Iterable[NegativeRecord], on: date) -> None:
    """A17.1, A17.2, A17.3, A17.4, A17.5, A17.6: refuse a unit (for a park: or an enterprise
    inside it) with a ground in the last three years."""
    found = a17_grounds_in_force(records, on)
    if found:
        codes = tuple(sorted({r.ground for r in found}))
        whose = ", ".join(sorted({r.whose for r in found}))
        raise RuleViolation(
            codes,
            zh=f"近三年存在第十七条所列情形（{whose}）：{'、'.join(codes)}",
            en=f"article 17 ground within the last three years ({whose}): {', '.join(codes)}",
        )


# --- The records of grounds ----------------------------------------------------------------


def check_a17_ground(ground: str, occurred_on: date, ended_on: date | None) -> Ground:
    """A17.1-A17.6: a record names one of the six grounds; only a continuing one (A17.1, A17.5,
    A17.6) is recorded with an end date, and not one before it began. Returns the ground."""
    if ground not in A17_GROUNDS:
        raise RuleViolation(
            "A17.1", zh=f"未知的第十七条情形：{ground}", en=f"unknown article 17 ground {ground!r}"
        )
    if ended_on is not None and (ground not in A17_CONTINUING or ended_on < occurred_on):
        raise RuleViolation(
            ground,
            zh="只有持续性情形（A17.1/5/6）可登记结束日期，且不得早于发生日期",
            en="only continuing grounds (A17.1/5/6) end, and not before they began",
        )
    return Ground(ground)


def check_a17_record_found(found: bool) -> None:
    """A17.1: a lapse is recorded for a record of the unit's."""
    if not found:
        raise RuleViolation("A17.1", zh="该记录不存在", en="no such negative record")


def check_a17_end(ground: Ground | None, ended: bool, occurred_on: date, ended_on: date) -> None:
    """A17.1, A17.5, A17.6 (the continuing grounds) end once: operating again, rectified, no
    longer a dishonest debtor; not before they began. `ground` None: no such record."""
    if ground is None or not ground.continuing or ended:
        raise RuleViolation(
            "A17.1", zh="该记录不存在或不可结束", en="no such open continuing record"
        )
    if ended_on < occurred_on:
        raise RuleViolation(ground.value, zh="结束日期早于发生日期", en="ends before it began")


def check_a17_lapsed(ground: Ground, lapses: date, on: date) -> None:
    """A17.1-A17.6: a ground stops counting three years after it happened (or ended), not
    before (domain.rules.calendar.a17_lapses_on)."""
    if on < lapses:
        raise RuleViolation(
            ground.value,
            zh=f"该情形至{lapses.isoformat()}方满三年",
            en=f"the ground counts until {lapses.isoformat()}",
        )
