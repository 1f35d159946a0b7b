"""The Unit's state, typed: its standing at each level, its reports, negative records, forms
and changes, as frozen values that the `when()` handlers replace, never edit.

Snapshots store them through the transcodings below (`TRANSCODINGS`, registered by the service),
each as a tagged JSON object. The shape inside the tag is the one the Unit's dicts had before
they were typed (class_version 1), so that `Unit.upcast_v1_v2` reads an old snapshot's dicts
with the same functions. What reads show is built elsewhere (domain.service.views)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Transcoding

from domain.rules.agencies import Outcome
from domain.rules.dynamic import ChangeKind, ChangeStatus, FormStatus
from domain.rules.exclusions import Ground
from domain.rules.stages import Stage
from domain.values import Level, UnitKind

Stored = dict[str, Any]


@dataclass(frozen=True)
class Objection:
    """An objection raised during the notice (A16.1): undecided (None), upheld or not."""

    id: str
    upheld: bool | None = None


@dataclass(frozen=True)
class Standing:
    """Where the unit stands at one level: its stage in the year's selection or on the list,
    with what each step recorded (the round, the expert score, the notice's last day and its
    objections, the listing, a removal pending for the annual publication, re-reviews)."""

    stage: Stage
    year: int
    round_id: UUID | None = None
    listed_on: date | None = None
    listed_name: str | None = None
    expert_score: float | None = None
    open_questions: int | None = None
    """A15.3: how many questions the preliminary review left open (None: none recorded)."""
    last_day: date | None = None
    objections: tuple[Objection, ...] | None = None
    pending_removal: tuple[str, ...] | None = None
    last_rereview: date | None = None
    rereview_fell_due: date | None = None
    removed_on: date | None = None
    recommended_on: date | None = None
    """National: when the province recommended the unit to MIIT (A16.3)."""
    miit_document: str | None = None
    """National: the document number (文号) of MIIT's recorded outcome (A16.3); None on a
    national listing recorded before MIIT outcomes were kept (a legacy listing)."""

    @property
    def legacy_national_listing(self) -> bool:
        """A national listing recorded by the province's own publication, before MIIT outcomes
        were kept (A16.3): listed, without MIIT's document number."""
        return self.stage is Stage.LISTED and self.miit_document is None

    @property
    def pending_objection(self) -> bool:
        return any(o.upheld is None for o in self.objections or ())

    @property
    def upheld_objection(self) -> bool:
        return any(o.upheld for o in self.objections or ())

    def objection(self, objection_id: str) -> Objection | None:
        return next((o for o in self.objections or () if o.id == objection_id), None)

    def with_objection(self, objection: Objection) -> Standing:
        """The standing with an objection raised, or decided in its place."""
        known = self.objections or ()
        if all(o.id != objection.id for o in known):
            return replace(self, objections=(*known, objection))
        decided = tuple(objection if o.id == objection.id else o for o in known)
        return replace(self, objections=decided)

    def stored(self) -> Stored:
        """The stored shape: the members that are set (class_version 1's dict)."""
        objections = self.objections
        members: Stored = {
            "status": self.stage.value,
            "year": self.year,
            "round_id": None if self.round_id is None else str(self.round_id),
            "listed_on": self.listed_on,
            "listed_name": self.listed_name,
            "expert_score": self.expert_score,
            "open_questions": self.open_questions,
            "last_day": self.last_day,
            "objections": None if objections is None else {o.id: o.upheld for o in objections},
            "pending_removal": None if self.pending_removal is None else list(self.pending_removal),
            "last_rereview": self.last_rereview,
            "rereview_fell_due": self.rereview_fell_due,
            "removed_on": self.removed_on,
            "recommended_on": self.recommended_on,
            "miit_document": self.miit_document,
        }
        return {name: value for name, value in members.items() if value is not None}

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> Standing:
        objections = data.get("objections")
        pending = data.get("pending_removal")
        round_id = data.get("round_id")
        return cls(
            stage=Stage(data["status"]),
            year=int(data["year"]),
            round_id=UUID(round_id) if round_id is not None else None,
            listed_on=data.get("listed_on"),
            listed_name=data.get("listed_name"),
            expert_score=data.get("expert_score"),
            open_questions=data.get("open_questions"),
            last_day=data.get("last_day"),
            objections=None
            if objections is None
            else tuple(Objection(k, v) for k, v in objections.items()),
            pending_removal=None if pending is None else tuple(pending),
            last_rereview=data.get("last_rereview"),
            rereview_fell_due=data.get("rereview_fell_due"),
            removed_on=data.get("removed_on"),
            recommended_on=data.get("recommended_on"),
            miit_document=data.get("miit_document"),
        )


@dataclass(frozen=True)
class Standings:
    """The unit's standing at each level it ever reached."""

    municipal: Standing | None = None
    provincial: Standing | None = None
    national: Standing | None = None

    def of(self, level: Level) -> Standing | None:
        return {
            Level.MUNICIPAL: self.municipal,
            Level.PROVINCIAL: self.provincial,
            Level.NATIONAL: self.national,
        }[level]

    def put(self, level: Level, standing: Standing) -> Standings:
        return replace(self, **{level.value: standing})

    def __iter__(self) -> Iterator[tuple[Level, Standing]]:
        for level in Level:
            standing = self.of(level)
            if standing is not None:
                yield level, standing

    def stored(self) -> Stored:
        return {level.value: standing.stored() for level, standing in self}

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> Standings:
        return cls(**{lvl: Standing.from_stored(s) for lvl, s in data.items()})


@dataclass(frozen=True)
class Report:
    """An evaluation report (A12): its level and year, whether it passed, and by which agency
    (None: a self-evaluation)."""

    level: Level
    year: int
    passed: bool
    agency_id: UUID | None

    def stored(self) -> Stored:
        agency = str(self.agency_id) if self.agency_id else None
        return {
            "level": self.level.value,
            "year": self.year,
            "passed": self.passed,
            "agency_id": agency,
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> Report:
        agency = data["agency_id"]
        return cls(
            Level(data["level"]), data["year"], data["passed"], UUID(agency) if agency else None
        )


@dataclass(frozen=True)
class NegativeEntry:
    """An A17 ground recorded on the unit: when it occurred, ended (a continuing ground) and,
    three years on, lapsed."""

    ground: Ground
    occurred_on: date
    ended_on: date | None = None
    lapsed_on: date | None = None
    source: str = field(default="", compare=False)
    """Who reported it, kept from the record for the explanations (A29): no rule reads it, so
    it takes no part in equality ("" in a snapshot taken before it was kept)."""

    def stored(self) -> Stored:
        data: Stored = {
            "ground": self.ground.value,
            "occurred_on": self.occurred_on,
            "ended_on": self.ended_on,
        }
        if self.source:
            data["source"] = self.source
        return data if self.lapsed_on is None else data | {"lapsed_on": self.lapsed_on}

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> NegativeEntry:
        return cls(
            Ground(data["ground"]),
            data["occurred_on"],
            data["ended_on"],
            data.get("lapsed_on"),
            str(data.get("source", "")),
        )


@dataclass(frozen=True)
class Form:
    """How the dynamic management form of a level and year was recorded (A18)."""

    level: Level
    year: int
    status: FormStatus


@dataclass(frozen=True)
class Forms:
    """The unit's forms, at most one per level and year."""

    items: tuple[Form, ...] = field(default=())

    def of(self, level: Level, year: int) -> FormStatus | None:
        return next((f.status for f in self.items if (f.level, f.year) == (level, year)), None)

    def put(self, form: Form) -> Forms:
        kept = tuple(f for f in self.items if (f.level, f.year) != (form.level, form.year))
        return Forms((*kept, form))

    def stored(self) -> Stored:
        return {f"{f.level.value}/{f.year}": f.status.value for f in self.items}

    @classmethod
    def from_stored(cls, data: Mapping[str, str]) -> Forms:
        def form(key: str, status: str) -> Form:
            level, year = key.split("/")
            return Form(Level(level), int(year), FormStatus(status))

        return cls(tuple(form(k, v) for k, v in data.items()))


@dataclass(frozen=True)
class Change:
    """A change the unit declared (A20.1) and what the city's re-check made of it (A20.2)."""

    kind: ChangeKind
    new_name: str
    status: ChangeStatus

    def stored(self) -> Stored:
        return {"kind": self.kind.value, "new_name": self.new_name, "status": self.status.value}

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> Change:
        return cls(ChangeKind(data["kind"]), data["new_name"], ChangeStatus(data["status"]))


# --- Snapshots ------------------------------------------------------------------------------


class _AsStored(Transcoding):
    """A typed value of the Unit's state, stored as its `stored()` shape under a tag."""

    def __init__(self, cls: Any, name: str) -> None:
        self.type, self.name, self._cls = cls, name, cls

    def encode(self, obj: Any) -> Stored:
        return obj.stored()  # type: ignore[no-any-return]

    def decode(self, data: Any) -> Any:
        return self._cls.from_stored(data)


class _AsValue(Transcoding):
    """An enum of the Unit's state, stored as its value under a tag."""

    def __init__(self, cls: type[Enum], name: str) -> None:
        self.type, self.name, self._cls = cls, name, cls

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        return self._cls(data)


TRANSCODINGS: tuple[Transcoding, ...] = (
    _AsStored(Standings, "unit_standings"),
    _AsStored(Report, "unit_report"),
    _AsStored(NegativeEntry, "unit_negative_record"),
    _AsStored(Forms, "unit_forms"),
    _AsStored(Change, "unit_change"),
    _AsValue(UnitKind, "unit_kind"),
    _AsValue(Outcome, "complaint_outcome"),
)
"""How snapshots store the Unit's typed state (class_version 2)."""
