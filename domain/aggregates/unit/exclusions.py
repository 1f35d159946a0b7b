"""The Unit's negative records (A17): grounds found by the city, their end (a continuing ground)
and their lapse three years on. A removal from a list is itself a ground (A17.3), recorded by
the removal (domain.aggregates.unit.dynamic)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import UUID

from domain.acts import Act
from domain.aggregates.base import applies
from domain.aggregates.unit.core import UnitCore
from domain.aggregates.unit.state import NegativeEntry
from domain.events import unit as ev
from domain.rules import exclusions
from domain.rules.calendar import a17_lapses_on
from domain.rules.exclusions import Ground, NegativeRecord, a17_grounds_in_force


class Exclusions(UnitCore):
    """The negative list as it concerns one unit."""

    def negative_record(self, record_id: UUID) -> NegativeEntry | None:
        return self.negatives.get(str(record_id))

    def ground_in_force(self, record_id: UUID, on: date) -> bool:
        """A17: whether the record counts on that day (three years, domain.rules.exclusions)."""
        entry = self.negative_record(record_id)
        return entry is not None and bool(a17_grounds_in_force([_record(entry)], on))

    def add_negative_record(
        self,
        act: Act,
        record_id: UUID,
        ground: str,
        occurred_on: date,
        ended_on: date | None,
        source: str,
        description: str,
    ) -> None:
        """A17.x: a ground found by the city (信用中国, inspections, courts ...)."""
        exclusions.check_a17_ground(ground, occurred_on, ended_on)
        self.record(
            ev.NegativeRecordAdded,
            act,
            [ground],
            record_id=record_id,
            ground=ground,
            occurred_on=occurred_on,
            ended_on=ended_on,
            source=source,
            description=description,
        )

    def end_negative_record(self, act: Act, record_id: UUID, ended_on: date) -> None:
        """A17.1/A17.5/A17.6 end: operating again, rectified, no longer a dishonest debtor."""
        entry = self.negative_record(record_id)
        ground = entry.ground if entry else None
        occurred_on = entry.occurred_on if entry else ended_on
        ended = entry is not None and entry.ended_on is not None
        exclusions.check_a17_end(ground, ended, occurred_on, ended_on)
        assert ground is not None
        self.record(
            ev.NegativeRecordEnded, act, [ground.value], record_id=record_id, ended_on=ended_on
        )

    def lapse_negative_record(self, act: Act, record_id: UUID) -> bool:
        """A17: three years after a ground happened (or ended) it stops counting; recorded once
        (False: already recorded, or a continuing ground that still goes on)."""
        entry = self.negative_record(record_id)
        exclusions.check_a17_record_found(entry is not None)
        assert entry is not None
        lapses = a17_lapses_on(_record(entry))
        if lapses is None or entry.lapsed_on is not None:
            return False
        exclusions.check_a17_lapsed(entry.ground, lapses, act.on)
        self.record(
            ev.NegativeRecordLapsed,
            act,
            [entry.ground.value],
            record_id=record_id,
            ground=entry.ground.value,
            lapsed_on=lapses,
        )
        return True

    # --- state changes (pure) ------------------------------------------------------------

    @applies
    def _on_negative_record_added(self, e: ev.NegativeRecordAdded) -> None:
        entry = NegativeEntry(Ground(e.ground), e.occurred_on, e.ended_on, source=e.source)
        self.negatives[str(e.record_id)] = entry

    @applies
    def _on_negative_record_ended(self, e: ev.NegativeRecordEnded) -> None:
        entry = self.negatives[str(e.record_id)]
        self.negatives[str(e.record_id)] = replace(entry, ended_on=e.ended_on)

    @applies
    def _on_negative_record_lapsed(self, e: ev.NegativeRecordLapsed) -> None:
        entry = self.negatives[str(e.record_id)]
        self.negatives[str(e.record_id)] = replace(entry, lapsed_on=e.lapsed_on)


def _record(entry: NegativeEntry) -> NegativeRecord:
    return NegativeRecord(entry.ground.value, entry.occurred_on, entry.ended_on, "")
