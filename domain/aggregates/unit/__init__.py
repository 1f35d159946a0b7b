"""The Unit: one applicant (factory, park or supply-chain company) and its whole history.

Split by concern: `core` (identity, state, questions, the acts before selection), `selection`
(A13-A16), `miit` (the national recommendation and MIIT's outcome, A16.3), `exclusions` (A17),
`dynamic` (A18-A21), `accidents` (A19.4) and `complaints` (A23); the typed state is in
`state`. The class is assembled here so that its topic, stored in every snapshot and in each
unit's first event, stays `domain.aggregates.unit:Unit`."""

from __future__ import annotations

from typing import Any

from domain.aggregates.unit.accidents import Accidents
from domain.aggregates.unit.complaints import Complaints
from domain.aggregates.unit.core import unit_id
from domain.aggregates.unit.miit import MiitOutcomes
from domain.aggregates.unit.records import RecordedListings
from domain.aggregates.unit.selection import Selection
from domain.aggregates.unit.state import (
    TRANSCODINGS,
    Change,
    Forms,
    NegativeEntry,
    Report,
    Standings,
)
from domain.rules.agencies import Outcome
from domain.rules.stages import IN_SELECTION
from domain.values import UnitKind


class Unit(Selection, MiitOutcomes, RecordedListings, Accidents, Complaints):
    """An applicant unit: standing per level, names, negative records, reports, forms, changes.

    class_version 2: the state is typed (domain.aggregates.unit.state); a snapshot of version 1
    held it in dicts and is read through `upcast_v1_v2` (eventsourcing's mechanism).
    class_version 3: `record_rows`, the record files' rows the unit was listed from (issue 15);
    a snapshot of version 2 was taken before any was, and reads with none (`upcast_v2_v3`)."""

    class_version = 3

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot taken when the state was dicts and strings: the same members, typed.
        The dicts' shape is the one `state` stores inside its tags, so the same readers apply."""
        state["kind"] = UnitKind(state["kind"])
        state["standing"] = Standings.from_stored(state["standing"])
        state["reports"] = {k: Report.from_stored(v) for k, v in state["reports"].items()}
        state["negatives"] = {
            k: NegativeEntry.from_stored(v) for k, v in state["negatives"].items()
        }
        state["forms"] = Forms.from_stored(state["forms"])
        state["changes"] = {k: Change.from_stored(v) for k, v in state["changes"].items()}
        state["complaints"] = {
            k: None if v is None else Outcome(v) for k, v in state["complaints"].items()
        }

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """A snapshot taken before units were listed from record files: none yet."""
        state["record_rows"] = {}


__all__ = ["IN_SELECTION", "TRANSCODINGS", "Unit", "unit_id"]
