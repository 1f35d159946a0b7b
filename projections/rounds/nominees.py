"""The rounds read model, the units' side: each nomination of a (level, year) and its way through
the preliminary review (A15.1), the panel's review (A15.2), the site inspection (A15.3) and the
notice with its objections (A16.1) to the listing or its withholding."""

from __future__ import annotations

from typing import Any

from domain.events import unit as ev
from projections.engine.batch import Batch
from projections.engine.projection import handles
from projections.rounds.tables import COUNTERS, stamped
from projections.values import codes, day, text_id


class Nominations:
    """The handlers of unit events (mixed into `Rounds`)."""

    @handles(ev.UnitRegistered)
    def registered(self, e: ev.UnitRegistered, b: Batch) -> None:
        unit = {"credit_code": e.credit_code, "name": e.name, "kind": e.kind, "city": e.city}
        b.put("round_units", unit_id=text_id(e.originator_id), **unit)

    @handles(ev.NameChanged)
    def renamed(self, e: ev.NameChanged, b: Batch) -> None:
        """A later nomination shows the name of that time; an earlier one keeps its own."""
        b.update("round_units", text_id(e.originator_id), name=e.new_name)

    @handles(ev.Nominated)
    def nominated(self, e: ev.Nominated, b: Batch) -> None:
        """A13.2, A14: the unit under its name of the day; `exceptions` holds A14.2/A14.3 when
        taken, with the justification."""
        uid = text_id(e.originator_id)
        unit = b.row("round_units", uid) or {}
        unit.pop("unit_id", None)
        b.put(
            "round_nominations",
            **unit,
            **dict.fromkeys((*COUNTERS, "objections_upheld"), 0),
            **stamped(e, "stage"),
            **stamped(e, "nominated"),
            level=e.level,
            year=e.year,
            unit_id=uid,
            round_id=str(e.round_id),
            stage="nominated",
            nominated_by=e.actor_id,
            exceptions=codes(e.exceptions),
            justification=e.justification,
        )

    @staticmethod
    def _step(b: Batch, e: Any, stage: str, **changes: Any) -> None:
        """Move the unit's nomination of (e.level, e.year) to `stage`, with other changes."""
        key = (e.level, e.year, text_id(e.originator_id))
        b.update("round_nominations", *key, stage=stage, **stamped(e, "stage"), **changes)

    @staticmethod
    def _count(b: Batch, e: Any, **deltas: int) -> None:
        """Add to the objection counters of the unit's nomination of (e.level, e.year)."""
        key = (e.level, e.year, text_id(e.originator_id))
        row = b.row("round_nominations", *key)
        if row is not None:
            b.update("round_nominations", *key, **{c: row[c] + d for c, d in deltas.items()})

    @handles(ev.PreliminaryReviewed)
    def preliminary(self, e: ev.PreliminaryReviewed, b: Batch) -> None:
        """A15.1; a failure ends the year's attempt."""
        stage = "preliminary_passed" if e.passed else "preliminary_failed"
        self._step(b, e, stage, preliminary_notes=e.notes)

    @handles(ev.ExpertReviewed)
    def expert(self, e: ev.ExpertReviewed, b: Batch) -> None:
        stage = "expert_passed" if e.passed else "expert_failed"
        self._step(b, e, stage, expert_score=e.score)

    @handles(ev.SiteInspected)
    def site(self, e: ev.SiteInspected, b: Batch) -> None:
        self._step(b, e, "site_passed" if e.passed else "site_failed", site_notes=e.notes)

    @handles(ev.PublicNoticeEntered)
    def noticed(self, e: ev.PublicNoticeEntered, b: Batch) -> None:
        self._step(b, e, "under_notice", notice_last_day=day(e.last_day))

    @handles(ev.ObjectionRaised)
    def objection_raised(self, e: ev.ObjectionRaised, b: Batch) -> None:
        b.put(
            "round_objections",
            **stamped(e, "raised"),
            objection_id=str(e.objection_id),
            level=e.level,
            year=e.year,
            unit_id=text_id(e.originator_id),
            summary=e.summary,
            raised_by=e.actor_id,
        )
        self._count(b, e, objections_raised=1)

    @handles(ev.ObjectionDecided)
    def objection_decided(self, e: ev.ObjectionDecided, b: Batch) -> None:
        """A16.1: an upheld objection blocks the unit at the publication."""
        decision = {"upheld": int(e.upheld), "justification": e.justification}
        oid = str(e.objection_id)
        b.update(
            "round_objections", oid, decided_by=e.actor_id, **stamped(e, "decided"), **decision
        )
        self._count(b, e, objections_decided=1, objections_upheld=int(e.upheld))

    @handles(ev.Listed)
    def listed(self, e: ev.Listed, b: Batch) -> None:
        self._step(b, e, "listed", listed_on=day(e.listed_on))

    @handles(ev.RecommendedToMiit)
    def recommended(self, e: ev.RecommendedToMiit, b: Batch) -> None:
        """A16.3: the national nominee went to MIIT."""
        self._step(b, e, "recommended_to_miit")

    @handles(ev.MiitOutcomeRecorded)
    def miit_outcome(self, e: ev.MiitOutcomeRecorded, b: Batch) -> None:
        """A16.3: MIIT listed the nominee, or not."""
        if e.listed:
            self._step(b, e, "listed", listed_on=day(e.published_on))
        else:
            self._step(b, e, "not_listed_by_miit")

    @handles(ev.ListingWithheld)
    def withheld(self, e: ev.ListingWithheld, b: Batch) -> None:
        """An upheld objection (A16.1) or an A17 ground found since the nomination."""
        self._step(b, e, "withheld", withheld_rules=codes(e.rules))
