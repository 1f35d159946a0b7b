"""What a read of a unit shows: `UnitView`, plain values built member by member from the Unit's
typed state. This is the API's contract (`GET /api/v1/units/{code}`), so it is spelled out
here and changes only on purpose, whatever the Unit keeps inside or its snapshots store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.aggregates.unit import Unit
from domain.aggregates.unit.state import NegativeEntry, Report, Standing
from domain.events.unit import LEGACY_NATIONAL_LISTING
from domain.values import Level


@dataclass(frozen=True)
class UnitView:
    """A unit's state at one version: plain values only."""

    id: UUID
    version: int
    credit_code: str
    kind: str
    name: str
    names: list[str]
    city: str
    members: list[str]
    standing: Mapping[str, Mapping[str, Any]]
    """Per level: `status` (the stage) and `year`, then what the steps recorded, each member
    present once it is: `round_id`, `expert_score`, `last_day`, `objections` (id: upheld, null
    while undecided), `listed_on`, `listed_name`, `pending_removal`, `last_rereview`,
    `rereview_fell_due`, nationally `recommended_on` and `miit_document` (A16.3; `decided_by`
    on a national listing recorded before MIIT outcomes were kept); after a removal only
    `status`, `year` and `removed_on`."""
    negatives: Mapping[str, Mapping[str, Any]]
    reports: Mapping[str, Mapping[str, Any]]
    forms: Mapping[str, str]
    """`<level>/<year>`: submitted, late or overdue."""
    pools: Mapping[str, bool]
    modified_on: datetime

    @classmethod
    def of(cls, unit: Unit) -> UnitView:
        return cls(
            id=unit.id,
            version=unit.version,
            credit_code=unit.credit_code,
            kind=unit.kind.value,
            name=unit.name,
            names=list(unit.names),
            city=unit.city,
            members=list(unit.members),
            standing={level.value: standing_view(s, level) for level, s in unit.standing},
            negatives={key: negative_view(r) for key, r in unit.negatives.items()},
            reports={key: report_view(r) for key, r in unit.reports.items()},
            forms={f"{f.level.value}/{f.year}": f.status.value for f in unit.forms.items},
            pools=dict(unit.pools),
            modified_on=unit.modified_on,
        )

    def status(self, level: Level) -> str | None:
        return self.standing.get(level.value, {}).get("status")


def _present(**members: Any) -> dict[str, Any]:
    return {name: value for name, value in members.items() if value is not None}


def standing_view(s: Standing, level: Level | None = None) -> dict[str, Any]:
    """One level's standing, with the members its steps recorded; a national listing says who
    decided it (A16.3): MIIT (with its document number), or the province's own publication
    before MIIT outcomes were kept (`decided_by` LEGACY_NATIONAL_LISTING)."""
    legacy = level is Level.NATIONAL and s.legacy_national_listing
    return _present(
        decided_by=LEGACY_NATIONAL_LISTING if legacy else None,
        recommended_on=s.recommended_on,
        miit_document=s.miit_document,
        status=s.stage.value,
        year=s.year,
        round_id=str(s.round_id) if s.round_id else None,
        expert_score=s.expert_score,
        last_day=s.last_day,
        objections=None if s.objections is None else {o.id: o.upheld for o in s.objections},
        listed_on=s.listed_on,
        listed_name=s.listed_name,
        pending_removal=None if s.pending_removal is None else list(s.pending_removal),
        last_rereview=s.last_rereview,
        rereview_fell_due=s.rereview_fell_due,
        removed_on=s.removed_on,
    )


def negative_view(r: NegativeEntry) -> dict[str, Any]:
    """An A17 record: its ground, when it occurred and ended (null: one day, or going on) and,
    once it stopped counting, when it lapsed."""
    shown = {"ground": r.ground.value, "occurred_on": r.occurred_on, "ended_on": r.ended_on}
    return shown | _present(lapsed_on=r.lapsed_on)


def report_view(r: Report) -> dict[str, Any]:
    """An evaluation report: level, year, passed, and the agency (null: a self-evaluation)."""
    agency = str(r.agency_id) if r.agency_id else None
    return {"level": r.level.value, "year": r.year, "passed": r.passed, "agency_id": agency}
